"""Who is at the window: the login at start (first run: create the administrator), the idle lock and its quick
unlock for the same person, and which actions a role may use.

:class:`AccountSession` holds the logged-in account; the window passes ``session.profile(window_profile)`` (the
profile with the account's username as clerk) into every intake service call.

Every store call and password check (argon2, ~50–100 ms; on a center's PostgreSQL also a LAN round trip) runs on
the window's store pool (:class:`~desktop.ui.workers.Op`): while one runs its dialog says 正在验证…, takes no second
submit and keeps what was typed; the answer comes back as the same signals as before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer, Signal
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
from desktop.cases.roles import ROLE_LABELS, SYSTEM_ACTORS, NotPermitted, Permission, can
from desktop.services import accounts
from desktop.services.accounts import AccountError, AccountInfo, LoginFailed
from desktop.services.hall import Hall
from desktop.ui.busy import VERIFYING, hold, out_of_reach, say
from desktop.ui.workers import Op

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
READING = "正在读取账户…"
ACCOUNT_MESSAGES = {
    "last enabled administrator": "不能停用最后一个启用的系统管理员",
    "exists already": "该用户名已存在",
    "is not an enabled administrator": "只有启用的系统管理员可以管理账户",
    "no account named": "没有这个账户",
    "has accounts already": "本机已有账户，请使用已有账户登录",
}


def in_chinese(exc: Exception) -> str:
    """The window's words for a failed account action: the store's login refusals as it words them (Chinese), its
    English account errors translated, anything else (a store out of reach) by the first line of its text."""
    text = str(exc)
    if isinstance(exc, LoginFailed):
        return text
    known = next((zh for en, zh in ACCOUNT_MESSAGES.items() if en in text), None)
    if known is not None:
        return known
    if isinstance(exc, (AccountError, NotPermitted)):
        return f"操作未完成（{text}）"
    return out_of_reach(exc)


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


def _first_run_then_login(hall: Hall, first_run: bool, username: str, name: str, password: str) -> AccountInfo:
    """The store pool's side of 登录 (and, at first run, of 创建并登录)."""
    if first_run:
        accounts.create_administrator(hall, username, name, password)
    return accounts.login(hall, username, password)


class LoginDialog(QDialog):
    """登录 — or, on a store without accounts, 创建系统管理员 (first run).

    Opens at once and asks the store (on ``pool``) whether it has accounts (``first_run`` is ``None`` until it
    knows); a submit made before that runs when the answer is in. ``message``: why it asks (shown in red).

    Signals:
        signed_in(object): the AccountInfo of the person now at the window.
    """

    signed_in = Signal(object)

    def __init__(self, hall: Hall, pool: QThreadPool, parent: QWidget | None = None, *, message: str = "") -> None:
        super().__init__(parent)
        self.hall, self.pool = hall, pool
        self.first_run: bool | None = None  # None: not known yet (the store is being asked)
        self.reading = False  # the store is being asked whether it has accounts
        self.busy = False  # a login is being checked (or waits for that answer): no second submit
        self.queued = False  # submitted before the store said whether this is the first run
        self.then_say = ""
        self.account: AccountInfo | None = None
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.password = _password_field()
        self.repeat = _password_field()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.intro = QLabel("本机尚无账户。请创建系统管理员账户，再由管理员为窗口人员和督查人员开设账户。")
        self.intro.setWordWrap(True)
        self.password_label = QLabel("密码")
        self.form = QFormLayout()
        self.form.addRow(self.intro)
        self.form.addRow("用户名", self.username)
        self.form.addRow("姓名", self.display_name)
        self.form.addRow(self.password_label, self.password)
        self.form.addRow("再次输入密码", self.repeat)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self._arrange(first_run=False)
        self.username.setFocus()
        self._read_mode(then_say=message)

    # -- the store's answer whether this is the first run --------------------------------------------------------

    def _read_mode(self, then_say: str = "") -> None:
        """Ask the store whether it has accounts; typing goes on meanwhile, a submit waits for the answer."""
        self.reading = True
        self.then_say = then_say  # shown once the answer is in (why the store was asked again)
        if not self.busy:
            say(self.message, READING, error=False)
        hall = self.hall
        Op(self.pool, lambda: accounts.first_run(hall)).success(self._mode_known).failure(self._mode_failed).run()

    def _mode_known(self, first_run: bool) -> None:
        self.reading = False
        self.first_run = first_run
        self._arrange(first_run=first_run)
        if self.queued:
            self.queued = False
            self._idle()
            self.submit()
        elif not self.busy:
            say(self.message, self.then_say, error=True)

    def _mode_failed(self, exc: Exception) -> None:
        self.reading = False
        self.queued = False
        self._idle(in_chinese(exc))

    def _arrange(self, *, first_run: bool) -> None:
        for widget in (self.intro, self.display_name, self.repeat):
            self.form.setRowVisible(widget, first_run)
        self.password_label.setText("密码（至少8位）" if first_run else "密码")
        self.ok.setText("创建并登录" if first_run else "登录")
        self.setWindowTitle("首次使用：创建系统管理员" if first_run else "登录 · 一件事一次办综合受理窗口")
        if self.isVisible():  # rows came or went on screen: fit them (the wrapped intro's height included)
            self.adjustSize()

    # -- submitting ----------------------------------------------------------------------------------------------

    def submit(self) -> None:
        """Check what was typed and sign in on the store pool; ignored while one is being checked."""
        if self.busy:  # a login is being checked, or one waits for the store's first answer
            return
        if self.first_run is None:  # the store has not said yet whether this is the first run: sign in after
            self.queued = True
            self._working()
            if not self.reading:  # its first answer was a failure: ask again
                self._read_mode()
            return
        username, password, name = self.username.text().strip(), self.password.text(), self.display_name.text()
        if self.first_run:
            problem = first_run_problem(username, name, password, self.repeat.text())
            if problem:
                self._refuse(problem)
                return
        hall, first_run = self.hall, self.first_run
        self._working()
        Op(self.pool, lambda: _first_run_then_login(hall, first_run, username, name, password)).success(
            self._verified
        ).failure(self._failed).run()

    def _verified(self, account: AccountInfo) -> None:
        self.busy = False
        self.account = account
        self.signed_in.emit(account)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._idle()
        if self.first_run and isinstance(exc, AccountError):  # another window created the administrator meanwhile
            self.first_run = None
            self.password.clear()
            self.repeat.clear()
            self._read_mode(then_say=in_chinese(exc))
            return
        self._refuse(in_chinese(exc))

    def _refuse(self, message: str) -> None:
        say(self.message, message, error=True)
        self.password.clear()
        self.repeat.clear()
        self.password.setFocus()

    def _working(self) -> None:
        self._hold(True)
        say(self.message, VERIFYING, error=False)

    def _idle(self, error: str = "") -> None:
        self._hold(False)
        say(self.message, error, error=True)

    def _hold(self, busy: bool) -> None:
        self.busy = busy
        hold(busy, (self.username, self.display_name, self.password, self.repeat), self.buttons.buttons())

    def reject(self) -> None:
        """取消 closes the app (nobody works it anonymously), but not while a login is being checked."""
        if self.busy and not self.queued:
            return
        self.queued = False
        super().reject()


class LockDialog(QDialog):
    """The idle lock: the same person unlocks with a password; anyone else signs in afresh (切换用户). Esc or
    closing does not uncover the window.

    Signals:
        unlocked(object): the same AccountInfo, password confirmed.
        switch_requested(): someone else wants the window.
    """

    unlocked = Signal(object)
    switch_requested = Signal()

    def __init__(self, hall: Hall, account: AccountInfo, pool: QThreadPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall, self.account, self.pool = hall, account, pool
        self.busy = False
        self.setWindowTitle("窗口已锁定")
        self.password = _password_field()
        self.message = QLabel()
        self.message.setWordWrap(True)
        who = QLabel(f"{account.display_name}（{ROLE_LABELS[account.role]}）离开后窗口已锁定。\n输入密码解锁：")
        who.setStyleSheet("font-size: 15px")
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setDefault(True)  # Enter in the password field
        self.unlock_button.clicked.connect(self.submit)
        self.switch_button = QPushButton("切换用户")
        self.switch_button.setAutoDefault(False)
        self.switch_button.clicked.connect(self._switch)
        layout = QVBoxLayout(self)
        for widget in (who, self.password, self.message, self.unlock_button, self.switch_button):
            layout.addWidget(widget)
        self.setMinimumWidth(380)

    def submit(self) -> None:
        """Check the password on the store pool; ignored while one is being checked."""
        if self.busy:
            return
        hall, account, password = self.hall, self.account, self.password.text()
        self._busy(True)
        say(self.message, VERIFYING, error=False)
        Op(self.pool, lambda: accounts.unlock(hall, account, password)).success(self._verified).failure(
            self._failed
        ).run()

    def _verified(self, _account: AccountInfo) -> None:
        self._busy(False)
        self.unlocked.emit(self.account)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        say(self.message, in_chinese(exc), error=True)
        self.password.clear()
        self.password.setFocus()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        hold(busy, (self.password,), (self.unlock_button, self.switch_button))

    def lock_not_recorded(self, _exc: Exception) -> None:
        """The lock's audit row did not reach the store (out of reach): said under the password, the lock holds."""
        if not self.busy:
            say(self.message, "本次锁定未能记入日志（办件库暂时无法访问）", error=False)

    def reject(self) -> None:
        """Esc and the close button leave the window locked: only a password or 切换用户 uncovers it."""

    def _switch(self) -> None:
        if self.busy:
            return
        self.switch_requested.emit()
        self.done(QDialog.DialogCode.Rejected)


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

    def __init__(self, hall: Hall, window: QWidget, lock_after_minutes: int, pool: QThreadPool) -> None:
        super().__init__(window)
        self.hall, self.window, self.pool = hall, window, pool  # pool: the window's store pool
        self.account: AccountInfo | None = None
        self.lock_dialog: LockDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.refused_username = ""  # the account of credentials the store refused (the dialog then names it)
        self.guarded: list[tuple[QAction | QWidget, Permission]] = []
        self.watcher = IdleWatcher(lock_after_minutes, self)
        self.watcher.idle.connect(self.lock)

    def login(self, credentials: tuple[str, str] | None = None) -> LoginDialog | None:
        """Ask who is at the window: a window-modal dialog (the event loop keeps running); ``cancelled`` when the
        person gives up (the window then closes: nobody works it anonymously). ``credentials``: the account and
        password that already unlocked an encrypted store (a local file), signed in on the store pool without
        asking again (the dialog opens, with the reason, only when the store refuses them: a disabled or locked
        account)."""
        if credentials is not None:
            username, password = credentials
            self.refused_username = username
            hall = self.hall
            Op(self.pool, lambda: accounts.login(hall, username, password)).success(self._signed_in).failure(
                self._credentials_refused
            ).run()
            return None
        return self._open_login()

    def _open_login(self, message: str = "") -> LoginDialog:
        dialog = LoginDialog(self.hall, self.pool, self.window, message=message)
        dialog.signed_in.connect(self._signed_in)
        dialog.rejected.connect(self.cancelled)
        dialog.open()
        self.login_dialog = dialog
        return dialog

    def _credentials_refused(self, exc: Exception) -> None:
        dialog = self._open_login(in_chinese(exc))
        dialog.username.setText(self.refused_username)
        dialog.password.setFocus()

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
        hall, username = self.hall, self.account.username
        dialog = LockDialog(hall, self.account, self.pool, self.window)
        self.lock_dialog = dialog
        dialog.unlocked.connect(self._unlocked)
        dialog.switch_requested.connect(self._switch)
        dialog.setModal(True)
        dialog.open()
        # audited on the store pool, before any unlock typed now (the pool runs its work in order)
        Op(self.pool, lambda: hall.store.record(username, "lock", {})).failure(dialog.lock_not_recorded).run()
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
