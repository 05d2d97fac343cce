"""Who is at the window: the login at start (first run: create the administrator), the idle lock and its quick
unlock for the same person, and which actions a role may use.

:class:`AccountSession` holds the logged-in account; the window passes ``session.profile(window_profile)`` (the
profile with the account's username as clerk) into every intake service call.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.profile import Profile
from desktop.cases.roles import ROLE_LABELS, SYSTEM_ACTORS, Permission, can
from desktop.services import accounts
from desktop.services.accounts import AccountError, AccountInfo, LoginFailed
from desktop.services.hall import Hall

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


def first_run_problem(username: str, name: str, password: str, repeat: str) -> str | None:
    """What is wrong with the administrator's details, in the window's words (``None``: nothing)."""
    if not accounts.USERNAME.fullmatch(username) or username in SYSTEM_ACTORS:
        return "用户名须为2–32位小写字母、数字或 . _ -，以字母开头"
    if not name.strip():
        return "请填写姓名"
    if len(password) < accounts.MIN_PASSWORD:
        return f"密码至少{accounts.MIN_PASSWORD}位"
    if password != repeat:
        return "两次输入的密码不一致"
    return None


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class LoginDialog(QDialog):
    """登录 — or, on a store without accounts, 创建系统管理员 (first run).

    Signals:
        signed_in(object): the AccountInfo of the person now at the window.
    """

    signed_in = Signal(object)

    def __init__(self, hall: Hall, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall = hall
        self.first_run = accounts.first_run(hall)
        self.account: AccountInfo | None = None
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.password = _password_field()
        self.repeat = _password_field()
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("用户名", self.username)
        if self.first_run:
            self.setWindowTitle("首次使用：创建系统管理员")
            intro = QLabel("本机尚无账户。请创建系统管理员账户，再由管理员为窗口人员和督查人员开设账户。")
            intro.setWordWrap(True)
            form.insertRow(0, intro)
            form.addRow("姓名", self.display_name)
            form.addRow("密码（至少8位）", self.password)
            form.addRow("再次输入密码", self.repeat)
        else:
            self.setWindowTitle("登录 · 一件事一次办综合受理窗口")
            form.addRow("密码", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("创建并登录" if self.first_run else "登录")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.username.setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        try:
            if self.first_run:
                problem = first_run_problem(username, self.display_name.text(), password, self.repeat.text())
                if problem:
                    raise AccountError(problem)
                accounts.create_administrator(self.hall, username, self.display_name.text(), password)
            self.account = accounts.login(self.hall, username, password)
        except (AccountError, LoginFailed) as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.repeat.clear()
            self.password.setFocus()
            return
        self.signed_in.emit(self.account)
        self.accept()


class LockDialog(QDialog):
    """The idle lock: the same person unlocks with a password; anyone else signs in afresh (切换用户).

    Signals:
        unlocked(object): the same AccountInfo, password confirmed.
        switch_requested(): someone else wants the window.
    """

    unlocked = Signal(object)
    switch_requested = Signal()

    def __init__(self, hall: Hall, account: AccountInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall, self.account = hall, account
        self.setWindowTitle("窗口已锁定")
        self.password = _password_field()
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        who = QLabel(f"{account.display_name}（{ROLE_LABELS[account.role]}）离开后窗口已锁定。\n输入密码解锁：")
        who.setStyleSheet("font-size: 15px")
        unlock = QPushButton("解锁")
        unlock.setDefault(True)
        unlock.clicked.connect(self.submit)
        switch = QPushButton("切换用户")
        switch.clicked.connect(self._switch)
        layout = QVBoxLayout(self)
        for widget in (who, self.password, self.message, unlock, switch):
            layout.addWidget(widget)
        self.password.returnPressed.connect(self.submit)
        self.setMinimumWidth(380)

    def submit(self) -> None:
        try:
            accounts.unlock(self.hall, self.account, self.password.text())
        except LoginFailed as exc:
            self.message.setText(str(exc))
            self.password.clear()
            return
        self.unlocked.emit(self.account)
        self.accept()

    def _switch(self) -> None:
        self.switch_requested.emit()
        self.reject()


class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without a key, click, wheel or touch anywhere in the app (0: never).

    Signals:
        idle(): the window was left alone long enough to lock.
    """

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = max(0, minutes)
        self.timer.setInterval(self.minutes * 60_000)
        self.restart()

    def restart(self) -> None:
        if self.minutes:
            self.timer.start()
        else:
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in INPUT_EVENTS and self.timer.isActive():
            self.timer.start()
        return False


class AccountSession(QObject):
    """The person at the window, the idle lock, and which actions their role enables.

    Signals:
        signed_in(object): an AccountInfo logged in (at start or after 切换用户).
        locked(): the window locked.
        unlocked(object): the same person unlocked.
        cancelled(): the login was cancelled.
    """

    signed_in = Signal(object)
    locked = Signal()
    unlocked = Signal(object)
    cancelled = Signal()

    def __init__(self, hall: Hall, window: QWidget, lock_after_minutes: int) -> None:
        super().__init__(window)
        self.hall, self.window = hall, window
        self.account: AccountInfo | None = None
        self.lock_dialog: LockDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.guarded: list[tuple[QAction | QWidget, Permission]] = []
        self.watcher = IdleWatcher(lock_after_minutes, self)
        self.watcher.idle.connect(self.lock)

    def login(self, credentials: tuple[str, str] | None = None) -> LoginDialog | None:
        """Ask who is at the window: a window-modal dialog (the event loop keeps running); ``cancelled`` when the
        person gives up (the window then closes: nobody works it anonymously). ``credentials``: the account and
        password that already unlocked an encrypted store, signed in without asking again (the dialog opens, with
        the reason, only when the store refuses them: a disabled or locked account)."""
        if credentials is not None:
            username, password = credentials
            try:
                account = accounts.login(self.hall, username, password)
            except LoginFailed as exc:
                dialog = self.login()
                assert dialog is not None
                dialog.username.setText(username)
                dialog.message.setText(str(exc))
                dialog.password.setFocus()
                return dialog
            self._signed_in(account)
            return None
        dialog = LoginDialog(self.hall, self.window)
        dialog.signed_in.connect(self._signed_in)
        dialog.rejected.connect(self.cancelled)
        dialog.open()
        self.login_dialog = dialog
        return dialog

    def _signed_in(self, account: AccountInfo) -> None:
        self.account = account
        self.apply_role()
        self.watcher.restart()
        self.signed_in.emit(account)

    def profile(self, window_profile: Profile) -> Profile:
        """The window profile with the logged-in account as the operator of what it writes."""
        if self.account is None:
            raise LoginFailed("nobody is logged in at this window")
        return accounts.operator_profile(window_profile, self.account)

    def may(self, permission: Permission) -> bool:
        return self.account is not None and can(self.account.role, permission)

    def guard(self, permission: Permission, *targets: QAction | QWidget) -> None:
        """Enable ``targets`` only for roles holding ``permission`` (re-applied on every sign-in)."""
        self.guarded.extend((t, permission) for t in targets)
        self.apply_role()

    def apply_role(self) -> None:
        for target, permission in self.guarded:
            target.setEnabled(self.may(permission))
            target.setVisible(self.may(permission))

    def lock(self) -> None:
        """Cover the window until the same person unlocks (or someone else logs in)."""
        if self.account is None or self.lock_dialog is not None:
            return
        self.hall.store.record(self.account.username, "lock", {})
        self.lock_dialog = LockDialog(self.hall, self.account, self.window)
        self.lock_dialog.unlocked.connect(self._unlocked)
        self.lock_dialog.switch_requested.connect(self._switch)
        self.lock_dialog.setModal(True)
        self.lock_dialog.open()
        self.locked.emit()

    def _unlocked(self, account: AccountInfo) -> None:
        self.lock_dialog = None
        self.watcher.restart()
        self.unlocked.emit(account)

    def _switch(self) -> None:
        self.lock_dialog = None
        self.account = None
        self.apply_role()
        QTimer.singleShot(0, self.login)
