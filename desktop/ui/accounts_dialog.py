"""账户管理: the administrator adds accounts, disables them and resets passwords (each change audited)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QThreadPool, Signal
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

from desktop.cases.roles import ROLE_LABELS, Role
from desktop.services import accounts
from desktop.services.accounts import AccountInfo
from desktop.services.hall import Hall
from desktop.ui.login import first_run_problem, in_chinese
from desktop.ui.workers import Op


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
    """Every account with its role and state, and the administrator's three changes.

    The list is read and every change written on ``pool`` (the window's store pool); while one runs, the three
    buttons wait, so a double click changes nothing twice.

    Signals:
        loaded(int): the table shows the store's accounts (their number).
        changed(object): an account was added, disabled or given a new password (its AccountInfo).
        failed(str): a change was refused or did not reach the store (what the administrator was told).
    """

    loaded = Signal(int)
    changed = Signal(object)
    failed = Signal(str)

    def __init__(self, hall: Hall, admin: AccountInfo, pool: QThreadPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall, self.admin, self.pool = hall, admin, pool
        self.busy = False
        self.setWindowTitle("账户管理")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["用户名", "姓名", "角色", "状态"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        self.status.setStyleSheet("color: #555555")
        add = QPushButton("新增账户…")
        add.clicked.connect(lambda _checked=False: self.add())  # not the bool as a dialog
        disable = QPushButton("停用")
        disable.clicked.connect(self.disable_selected)
        reset = QPushButton("重置密码…")
        reset.clicked.connect(lambda _checked=False: self.reset_selected())
        self.change_buttons = (add, disable, reset)
        row = QHBoxLayout()
        for button in self.change_buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.resize(640, 420)
        self.refresh()

    def refresh(self) -> None:
        """Read the accounts on the store pool; the table fills when they are in."""
        self._busy(True, "正在读取账户…")
        hall = self.hall
        Op(self.pool, hall.store.accounts).success(self._show).failure(self._read_failed).run()

    def _show(self, rows: list[AccountInfo]) -> None:
        self.table.setRowCount(len(rows))
        for r, a in enumerate(rows):
            for c, text in enumerate(
                (a.username, a.display_name, ROLE_LABELS[a.role], "启用" if a.enabled else "已停用")
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self._busy(False)
        self.loaded.emit(len(rows))

    def _read_failed(self, exc: Exception) -> None:
        self._busy(False, f"无法读取账户：{in_chinese(exc)}")

    def _busy(self, busy: bool, note: str = "") -> None:
        self.busy = busy
        for button in self.change_buttons:
            button.setEnabled(not busy)
        self.status.setText(note)

    def selected(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return None if item is None else item.text()

    def add(self, dialog: NewAccountDialog | None = None) -> bool:
        """新增账户…; True when the change was sent to the store (``changed`` or ``failed`` tells how it went)."""
        if self.busy:
            return False
        box = dialog or NewAccountDialog(self)
        if not box.exec():
            return False
        role = Role(box.role.currentData())
        hall, admin = self.hall, self.admin
        username, name, password = box.username.text().strip(), box.display_name.text(), box.password.text()
        return self._change(lambda: accounts.add_account(hall, admin, username, name, role=role, password=password))

    def disable_selected(self) -> bool:
        username = self.selected()
        if username is None or self.busy:
            return False
        hall, admin = self.hall, self.admin
        return self._change(lambda: accounts.disable_account(hall, admin, username))

    def reset_selected(self, password: str | None = None) -> bool:
        username = self.selected()
        if username is None or self.busy:
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
        hall, admin, chosen = self.hall, self.admin, password
        return self._change(lambda: accounts.reset_password(hall, admin, username, chosen))

    def _change(self, action: Callable[[], AccountInfo]) -> bool:
        if self.busy:  # one change at a time (a second click while one runs does nothing)
            return False
        self._busy(True, "正在保存…")
        Op(self.pool, action).success(self._changed).failure(self._refused).run()
        return True

    def _changed(self, account: AccountInfo) -> None:
        self.changed.emit(account)
        self.refresh()

    def _refused(self, exc: Exception) -> None:
        self._busy(False)
        message = in_chinese(exc)
        self.failed.emit(message)
        QMessageBox.warning(self, "账户管理", message)
