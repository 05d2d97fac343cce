"""An encrypted store opens with the clerk's login (issue 13): the window asks for 账户 and 密码 before its hall,
the account's own wrap unlocks the store key, and the same password signs the clerk in (typed once). The unwrap
(argon2 over the password, the key file read) runs on the store pool while the dialog stays responsive."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from held_work import held
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot

from desktop import keyring
from desktop import settings as settings_mod
from desktop.cases.clock import stepping_clock
from desktop.cases.roles import Role
from desktop.services import accounts, encryption
from desktop.services.catalogs import Catalogs
from desktop.services.encryption import encrypt_window_store
from desktop.services.hall import Hall
from desktop.store.encryption import forget_format, keyfile_path
from desktop.store.repo import Store
from desktop.ui.accounts_feature import AccountsFeature, attach_when_ready
from desktop.ui.busy import VERIFYING
from desktop.ui.main_window import MainWindow
from desktop.ui.store_unlock import NO_WRAP, WRONG_PASSWORD, StoreUnlockDialog

PASSPHRASE = "正确的口令 horse battery"
ADMIN_PW, CLERK_PW = "管理员的密码 2026", "王芳的密码 2026"


@pytest.fixture
def encrypted_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An encrypted store with an administrator and the clerk wangf (wrapped when added); no key unlocked."""
    db = tmp_path / "cases.sqlite3"
    clock = stepping_clock(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))
    hall = Hall(Store(db, clock=clock), clock, Catalogs(tmp_path / "data"))
    admin = accounts.create_administrator(hall, "admin", "系统管理员", ADMIN_PW)
    hall.close()
    encrypt_window_store(db, PASSPHRASE, tmp_path / "device")
    monkeypatch.setenv(keyring.PASSPHRASE_ENV, PASSPHRASE)
    hall = Hall(Store(db, clock=clock), clock, Catalogs(tmp_path / "data"))
    accounts.add_account(hall, admin, "wangf", "王芳", role=Role.CLERK, password=CLERK_PW)
    accounts.add_account(hall, admin, "lq", "李强", role=Role.CLERK, password="李强的密码 01")
    accounts.disable_account(hall, admin, "lq")
    hall.close()
    keyring.lock_all()
    monkeypatch.delenv(keyring.PASSPHRASE_ENV)
    yield db
    keyring.lock_all()
    forget_format()


def shown_dialog(qtbot: QtBot, db: Path, pool: QThreadPool) -> StoreUnlockDialog:
    dialog = StoreUnlockDialog(db, pool)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def answered(qtbot: QtBot, dialog: StoreUnlockDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)


def unlock_dialog(qtbot: QtBot, window: MainWindow) -> StoreUnlockDialog:
    qtbot.waitUntil(lambda: bool(window.findChildren(StoreUnlockDialog)), timeout=30_000)
    dialog = window.findChildren(StoreUnlockDialog)[0]
    assert dialog.isVisible()
    return dialog


def test_the_clerk_unlocks_an_encrypted_store_with_their_own_password_typed_once(
    qtbot: QtBot, tmp_path: Path, encrypted_store: Path, profile_settings: settings_mod.Settings
) -> None:
    window = MainWindow(profile_settings, encrypted_store, tmp_path / "settings.json")
    window.offer_drafts_on_start = False
    qtbot.addWidget(window)
    attach_when_ready(window)
    window.show()
    window.start_loading()
    dialog = unlock_dialog(qtbot, window)
    before = keyfile_path(encrypted_store).read_bytes()
    for username, password, message in (
        ("wangf", ADMIN_PW, WRONG_PASSWORD),  # someone else's password
        ("lq", "李强的密码 01", NO_WRAP),  # disabled: its wrap was removed
        ("nobody", CLERK_PW, NO_WRAP),
    ):
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.submit()
        answered(qtbot, dialog)
        assert dialog.message.text() == message and dialog.isVisible() and dialog.password.text() == ""
        assert dialog.username.text() == username  # the account stays typed
        assert keyring.unlocked(encrypted_store) is None and window.hall is None
    assert keyfile_path(encrypted_store).read_bytes() == before  # nothing written
    dialog.username.setText("wangf")
    dialog.password.setText(CLERK_PW)
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert keyring.unlocked(encrypted_store) is not None
    qtbot.waitUntil(lambda: isinstance(window.property("accounts_feature"), AccountsFeature), timeout=30_000)
    feature = window.property("accounts_feature")
    qtbot.waitUntil(lambda: feature.session.account is not None)  # the sign-in runs on the store pool
    assert feature.session.account.username == "wangf"
    assert feature.session.login_dialog is None  # signed in without a second prompt
    assert window.settings.clerk == "wangf" and window.store_login is None
    assert window.hall is not None
    newest = window.hall.store.audit_events(limit=1)[0]
    assert (newest.actor, newest.action) == ("wangf", "login")  # the normal login, audited in the store
    feature.session.lock()  # the idle lock keeps the store open
    assert keyring.unlocked(encrypted_store) is not None
    assert feature.session.lock_dialog is not None
    feature.session.lock_dialog.reject()
    window.store_pool.waitForDone(10_000)
    window.hall.close()


def test_cancelling_the_unlock_closes_the_window_without_opening_the_store(
    qtbot: QtBot, tmp_path: Path, encrypted_store: Path, profile_settings: settings_mod.Settings
) -> None:
    window = MainWindow(profile_settings, encrypted_store, tmp_path / "settings.json")
    qtbot.addWidget(window)
    window.show()
    window.start_loading()
    unlock_dialog(qtbot, window).reject()
    qtbot.waitUntil(lambda: not window.isVisible())
    window.store_pool.waitForDone(10_000)
    assert window.hall is None and keyring.unlocked(encrypted_store) is None


def test_the_unwrap_runs_on_the_store_pool_while_the_dialog_holds_and_takes_no_second_enter(
    qtbot: QtBot, encrypted_store: Path, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = shown_dialog(qtbot, encrypted_store, pool)
    dialog.username.setText("wangf")
    dialog.password.setText(CLERK_PW)
    with held(monkeypatch, encryption, "unlock_with_account") as unwrap:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(unwrap.entered.is_set)  # the unwrap is running, held on its thread
        # meanwhile the UI thread answers: the dialog says so, holds its fields and buttons, keeps what was typed
        assert dialog.message.text() == VERIFYING and dialog.busy
        assert dialog.username.isReadOnly() and dialog.password.isReadOnly()
        assert not any(button.isEnabled() for button in dialog.buttons.buttons())
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # a second Enter, and a second submit: nothing
        dialog.submit()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nor does Esc close the window under a running unwrap
        dialog.reject()
        assert dialog.isVisible() and (dialog.username.text(), dialog.password.text()) == ("wangf", CLERK_PW)
        assert keyring.unlocked(encrypted_store) is None
        with qtbot.waitSignal(dialog.store_unlocked, timeout=20_000) as unlocked:
            unwrap.release()
    pool.waitForDone(10_000)
    assert unwrap.ran_off_the_ui_thread_once()  # one Enter, one unwrap, not on the UI thread
    assert unlocked.args == ["wangf", CLERK_PW] and not dialog.isVisible()
    assert keyring.unlocked(encrypted_store) is not None and dialog.password.text() == ""


def test_a_wrong_password_says_so_and_gives_the_fields_back_with_the_account_typed(
    qtbot: QtBot, encrypted_store: Path, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = shown_dialog(qtbot, encrypted_store, pool)
    dialog.username.setText("wangf")
    dialog.password.setText(ADMIN_PW)  # someone else's password
    with held(monkeypatch, encryption, "unlock_with_account") as unwrap:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(unwrap.entered.is_set)
        assert dialog.message.text() == VERIFYING
        unwrap.release()
        answered(qtbot, dialog)
    assert unwrap.ran_off_the_ui_thread_once()
    assert dialog.message.text() == WRONG_PASSWORD and dialog.isVisible()
    assert (dialog.username.text(), dialog.password.text()) == ("wangf", "")
    assert not dialog.username.isReadOnly() and not dialog.password.isReadOnly()
    assert all(button.isEnabled() for button in dialog.buttons.buttons())
    assert keyring.unlocked(encrypted_store) is None
    dialog.password.setText(CLERK_PW)  # typed again into the same fields
    with qtbot.waitSignal(dialog.store_unlocked, timeout=20_000) as unlocked:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert unlocked.args == ["wangf", CLERK_PW] and keyring.unlocked(encrypted_store) is not None


def test_an_unwrap_that_fails_unexpectedly_says_its_first_line_and_no_traceback(
    qtbot: QtBot, encrypted_store: Path, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*_args: object) -> None:
        raise PermissionError("key file unreadable\nTraceback (most recent call last): ...")

    monkeypatch.setattr(encryption, "unlock_with_account", unreadable)
    dialog = shown_dialog(qtbot, encrypted_store, pool)
    dialog.username.setText("wangf")
    dialog.password.setText(CLERK_PW)
    dialog.submit()
    answered(qtbot, dialog)
    assert dialog.message.text() == "无法解锁办件库：key file unreadable" and dialog.isVisible()
    assert dialog.username.text() == "wangf" and dialog.ok.isEnabled()
    assert keyring.unlocked(encrypted_store) is None
