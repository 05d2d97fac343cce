"""解锁办件库: an encrypted store opens with the login (issue 13). Before the hall opens, the clerk types their
账户 and 密码 once: the account's own wrap of the store key unlocks it (in memory only), the hall opens, and the
same credentials then sign the account in through the normal login (its argon2 check inside the store).

Imports only Qt at the top: it is loaded after the store pool thread has imported the encryption service (the
window asks that thread first whether the store needs a login), so nothing here imports the ORM on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

WRONG_PASSWORD = "账户或密码错误，办件库未解锁。请重新输入。"
NO_WRAP = "该账户不能解锁本机办件库（账户已停用，或在加密后尚未设置密码）。请系统管理员为其重置密码后再试。"


class StoreUnlockDialog(QDialog):
    """账户 and 密码 for an encrypted store: a wrong password or an account without a wrap says so and lets the
    clerk try again (nothing is written: the store is still closed).

    Signals:
        store_unlocked(str, str): the account and password that unlocked the store (to sign in with).
    """

    store_unlocked = Signal(str, str)

    def __init__(self, db: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("登录 · 解锁办件库")
        intro = QLabel("本机办件库已加密。请输入您的账户和密码，解锁办件库并登录。")
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("账户", self.username)
        form.addRow("密码", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("解锁并登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.username.setFocus()

    def submit(self) -> None:
        from desktop.services import encryption  # noqa: PLC0415 - imported already by the store pool thread

        username, password = self.username.text().strip(), self.password.text()
        try:
            encryption.unlock_with_account(self.db, username, password)
        except encryption.NoAccountWrapError:
            self._refuse(NO_WRAP)
            return
        except encryption.WrongPassphraseError:
            self._refuse(WRONG_PASSWORD)
            return
        except encryption.EncryptionError as exc:  # a missing or damaged key file
            self._refuse(f"无法解锁办件库：{exc}")
            return
        self.password.clear()
        self.store_unlocked.emit(username, password)
        self.accept()

    def _refuse(self, message: str) -> None:
        self.message.setText(message)
        self.password.clear()
        self.password.setFocus()


def ask_store_login(
    window: QWidget, db: Path | str, unlocked: Callable[[str, str], None], cancelled: Callable[[], object]
) -> StoreUnlockDialog:
    """Open the window-modal 解锁办件库 dialog over ``window``; ``unlocked(username, password)`` once the key is in
    memory, ``cancelled()`` when the clerk gives up (nobody works the window without the store)."""
    dialog = StoreUnlockDialog(db, window)
    dialog.store_unlocked.connect(unlocked)
    dialog.rejected.connect(cancelled)
    dialog.open()
    return dialog
