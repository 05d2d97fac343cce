"""解锁办件库: an encrypted store opens with the login (issue 13). Before the hall opens, the clerk types their
账户 and 密码 once: the account's own wrap of the store key unlocks it (in memory only), the hall opens, and the
same credentials then sign the account in through the normal login (its argon2 check inside the store).

The unwrap (argon2 over the password, and the key file read) runs on the window's store pool like every other
login (:class:`~desktop.ui.workers.Op`): meanwhile the dialog says 正在验证…, takes no second submit and keeps
what was typed.

Imports only Qt and the Qt-only UI helpers at the top: it is loaded after the store pool thread has imported the
encryption service (the window asks that thread first whether the store needs a login), and the encryption service
is only used on that thread, so nothing here imports the ORM on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.busy import VERIFYING, first_line, hold, say
from desktop.ui.workers import Op

WRONG_PASSWORD = "账户或密码错误，办件库未解锁。请重新输入。"
NO_WRAP = "该账户不能解锁本机办件库（账户已停用，或在加密后尚未设置密码）。请系统管理员为其重置密码后再试。"
CANNOT_UNLOCK = "无法解锁办件库：{}"


def unlock_store(db: Path | str, username: str, password: str) -> str | None:
    """Store pool thread: unwrap the store key with the account's own wrap and keep it in memory. ``None`` when it
    is unlocked, else why not in the window's words (nothing is written either way)."""
    from desktop.services import encryption  # noqa: PLC0415 - imported already on this thread (store_needs_login)

    try:
        encryption.unlock_with_account(db, username, password)
    except encryption.NoAccountWrapError:
        return NO_WRAP
    except encryption.WrongPassphraseError:
        return WRONG_PASSWORD
    except encryption.EncryptionError as exc:  # a missing or damaged key file
        return CANNOT_UNLOCK.format(exc)
    return None


class StoreUnlockDialog(QDialog):
    """账户 and 密码 for an encrypted store, unwrapped on ``pool``: a wrong password or an account without a wrap
    says so and lets the clerk try again with the account still typed (nothing is written: the store is still
    closed).

    Signals:
        store_unlocked(str, str): the account and password that unlocked the store (to sign in with).
    """

    store_unlocked = Signal(str, str)

    def __init__(self, db: Path | str, pool: QThreadPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.pool = db, pool
        self.busy = False  # an unwrap is running on the pool: no second submit, no cancel
        self.setWindowTitle("登录 · 解锁办件库")
        intro = QLabel("本机办件库已加密。请输入您的账户和密码，解锁办件库并登录。")
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("账户", self.username)
        form.addRow("密码", self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("解锁并登录")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.username.setFocus()

    def submit(self) -> None:
        """Unwrap the store key on the pool; ignored while one is being unwrapped."""
        if self.busy:
            return
        db, username, password = self.db, self.username.text().strip(), self.password.text()
        self._hold(True)
        say(self.message, VERIFYING, error=False)
        Op(self.pool, lambda: unlock_store(db, username, password)).success(self._answered).failure(self._failed).run()

    def _answered(self, refusal: str | None) -> None:
        self._hold(False)
        if refusal is not None:
            self._refuse(refusal)
            return
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()
        self.message.clear()
        self.store_unlocked.emit(username, password)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        """Anything the unwrap did not expect (the key file unreadable): its first line, never a traceback."""
        self._hold(False)
        self._refuse(CANNOT_UNLOCK.format(first_line(exc)))

    def _refuse(self, message: str) -> None:
        say(self.message, message, error=True)
        self.password.clear()
        self.password.setFocus()

    def _hold(self, busy: bool) -> None:
        self.busy = busy
        hold(busy, (self.username, self.password), self.buttons.buttons())

    def reject(self) -> None:
        """取消 and Esc close the window (nobody works it without the store), but not while an unwrap runs."""
        if self.busy:
            return
        super().reject()


def ask_store_login(
    window: QWidget,
    db: Path | str,
    pool: QThreadPool,
    unlocked: Callable[[str, str], None],
    cancelled: Callable[[], object],
) -> StoreUnlockDialog:
    """Open the window-modal 解锁办件库 dialog over ``window``, unwrapping on ``pool`` (the window's store pool);
    ``unlocked(username, password)`` once the key is in memory, ``cancelled()`` when the clerk gives up (nobody
    works the window without the store)."""
    dialog = StoreUnlockDialog(db, pool, window)
    dialog.store_unlocked.connect(unlocked)
    dialog.rejected.connect(cancelled)
    dialog.open()
    return dialog
