"""账户管理: the administrator adds accounts, disables them and resets passwords (each change audited)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.roles import ROLE_LABELS, NotPermitted, Role
from desktop.services import accounts
from desktop.services.accounts import AccountError, AccountInfo
from desktop.services.hall import Hall
from desktop.ui.login import first_run_problem

MESSAGES = {
    "last enabled administrator": "不能停用最后一个启用的系统管理员",
    "exists already": "该用户名已存在",
    "is not an enabled administrator": "只有启用的系统管理员可以管理账户",
    "no account named": "没有这个账户",
}


def in_chinese(exc: Exception) -> str:
    """The window's words for the store's (English) account errors."""
    text = str(exc)
    return next((zh for en, zh in MESSAGES.items() if en in text), f"操作未完成（{text}）")


class NewAccountDialog(QDialog):
    """新增账户: username, name, role and a first password (the person changes it through the administrator)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新增账户")
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(ROLE_LABELS[role], role.value)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        form = QFormLayout(self)
        form.addRow("用户名", self.username)
        form.addRow("姓名", self.display_name)
        form.addRow("角色", self.role)
        form.addRow("初始密码（至少8位）", self.password)
        form.addRow("再次输入密码", self.repeat)
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        problem = first_run_problem(
            self.username.text().strip(), self.display_name.text(), self.password.text(), self.repeat.text()
        )
        if problem:
            self.message.setText(problem)
            return
        super().accept()


class AccountsDialog(QDialog):
    """Every account with its role and state, and the administrator's three changes."""

    def __init__(self, hall: Hall, admin: AccountInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall, self.admin = hall, admin
        self.setWindowTitle("账户管理")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["用户名", "姓名", "角色", "状态"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        add = QPushButton("新增账户…")
        add.clicked.connect(lambda _checked=False: self.add())  # not the bool as a dialog
        disable = QPushButton("停用")
        disable.clicked.connect(self.disable_selected)
        reset = QPushButton("重置密码…")
        reset.clicked.connect(lambda _checked=False: self.reset_selected())
        row = QHBoxLayout()
        for button in (add, disable, reset):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.resize(640, 420)
        self.refresh()

    def refresh(self) -> None:
        rows = self.hall.store.accounts()
        self.table.setRowCount(len(rows))
        for r, a in enumerate(rows):
            for c, text in enumerate(
                (a.username, a.display_name, ROLE_LABELS[a.role], "启用" if a.enabled else "已停用")
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return None if item is None else item.text()

    def add(self, dialog: NewAccountDialog | None = None) -> bool:
        box = dialog or NewAccountDialog(self)
        if not box.exec():
            return False
        role = Role(box.role.currentData())
        return self._change(
            lambda: accounts.add_account(
                self.hall,
                self.admin,
                box.username.text().strip(),
                box.display_name.text(),
                role=role,
                password=box.password.text(),
            )
        )

    def disable_selected(self) -> bool:
        username = self.selected()
        if username is None:
            return False
        return self._change(lambda: accounts.disable_account(self.hall, self.admin, username))

    def reset_selected(self, password: str | None = None) -> bool:
        username = self.selected()
        if username is None:
            return False
        if password is None:
            box = NewAccountDialog(self)
            box.setWindowTitle(f"重置 {username} 的密码")
            box.username.setText(username)
            box.username.setReadOnly(True)
            box.display_name.setText(username)
            for widget in (box.display_name, box.role):
                widget.setEnabled(False)
            if not box.exec():
                return False
            password = box.password.text()
        chosen = password
        return self._change(lambda: accounts.reset_password(self.hall, self.admin, username, chosen))

    def _change(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except (AccountError, NotPermitted) as exc:
            QMessageBox.warning(self, "账户管理", in_chinese(exc))
            return False
        self.refresh()
        return True
