"""Login at start (first run creates the administrator), the idle lock with quick unlock, role-based actions; every
password check and store call runs on the store pool while the dialog stays responsive."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from held_work import held
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "accounts"))  # the shared hall_cases helpers
from hall_cases import PASSWORD, WINDOW, open_hall, staff

from desktop.cases.roles import Permission
from desktop.services import accounts
from desktop.services.hall import Hall
from desktop.ui.login import VERIFYING, AccountSession, LockDialog, LoginDialog


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    opened = open_hall(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def login_dialog(qtbot: QtBot, hall: Hall, pool: QThreadPool) -> LoginDialog:
    dialog = LoginDialog(hall, pool)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.first_run is not None)  # the store said whether it has accounts
    return dialog


def typed_login(qtbot: QtBot, hall: Hall, pool: QThreadPool, password: str) -> LoginDialog:
    """The login of a store with staff, wangf's account and ``password`` typed in."""
    staff(hall)
    dialog = login_dialog(qtbot, hall, pool)
    dialog.username.setText("wangf")
    dialog.password.setText(password)
    return dialog


def settled(qtbot: QtBot, dialog: LoginDialog | LockDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy)


def test_first_run_creates_the_administrator_and_signs_in(qtbot: QtBot, hall: Hall, pool: QThreadPool) -> None:
    dialog = login_dialog(qtbot, hall, pool)
    assert dialog.first_run and dialog.windowTitle().startswith("首次使用") and dialog.display_name.isVisible()
    layout = dialog.layout()
    assert dialog.height() >= layout.totalHeightForWidth(dialog.width())  # the wrapped intro's rows fit, unclipped
    dialog.username.setText("admin")
    dialog.display_name.setText("系统管理员")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD + "x")
    dialog.submit()
    assert dialog.message.text() == "两次输入的密码不一致" and not dialog.busy and hall.store.account_count() == 0
    dialog.password.setText("short")
    dialog.repeat.setText("short")
    dialog.submit()
    assert dialog.message.text() == "密码至少8位"
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    with qtbot.waitSignal(dialog.signed_in) as signed:
        dialog.submit()
    assert signed.args[0].username == "admin" and [a.username for a in hall.store.accounts()] == ["admin"]
    assert not dialog.isVisible()


def test_a_store_with_accounts_asks_only_name_and_password(qtbot: QtBot, hall: Hall, pool: QThreadPool) -> None:
    staff(hall)
    dialog = login_dialog(qtbot, hall, pool)
    assert dialog.first_run is False and dialog.windowTitle().startswith("登录")
    assert not dialog.display_name.isVisible() and not dialog.repeat.isVisible() and dialog.ok.text() == "登录"


def test_a_wrong_password_is_refused_and_audited(qtbot: QtBot, hall: Hall, pool: QThreadPool) -> None:
    dialog = typed_login(qtbot, hall, pool, "not the password")
    dialog.submit()
    settled(qtbot, dialog)
    assert dialog.message.text() == "用户名或密码错误" and dialog.account is None and dialog.password.text() == ""
    assert dialog.username.text() == "wangf" and not dialog.username.isReadOnly() and dialog.ok.isEnabled()
    assert [e.actor for e in hall.store.audit_events() if e.action == "login_failed"] == ["wangf"]


def test_the_login_runs_off_the_ui_thread_once_however_often_enter_is_pressed(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = typed_login(qtbot, hall, pool, PASSWORD)
    with held(monkeypatch, accounts, "login") as login:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(login.entered.is_set)  # the store's check is running, held on its thread
        # meanwhile the UI thread answers: the dialog says so, takes no second submit, keeps what was typed
        assert dialog.message.text() == VERIFYING and dialog.busy
        assert not dialog.ok.isEnabled() and not any(b.isEnabled() for b in dialog.buttons.buttons())
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        dialog.submit()
        dialog.reject()  # Esc while the password is checked does not leave the app
        assert dialog.isVisible() and dialog.password.isReadOnly()
        assert (dialog.username.text(), dialog.password.text()) == ("wangf", PASSWORD)
        with qtbot.waitSignal(dialog.signed_in) as signed:
            login.release()
    pool.waitForDone(10_000)
    assert signed.args[0].username == "wangf" and login.ran_off_the_ui_thread_once()
    assert [e.action for e in hall.store.audit_events() if e.actor == "wangf"] == ["login"]


def test_a_store_out_of_reach_says_so_in_chinese_and_lets_the_clerk_retry(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = typed_login(qtbot, hall, pool, PASSWORD)
    real_login = accounts.login

    def unreachable(*_args: object) -> None:
        raise ConnectionError("server closed the connection unexpectedly\n(background)")

    monkeypatch.setattr(accounts, "login", unreachable)
    dialog.submit()
    settled(qtbot, dialog)
    assert dialog.message.text() == "无法访问办件库，请稍后重试（server closed the connection unexpectedly）"
    assert dialog.isVisible() and dialog.ok.isEnabled() and dialog.username.text() == "wangf"
    monkeypatch.setattr(accounts, "login", real_login)  # the network is back
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.signed_in):
        dialog.submit()


def test_a_submit_before_the_store_answered_waits_for_its_answer(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff(hall)
    with held(monkeypatch, accounts, "first_run") as first_run:
        dialog = LoginDialog(hall, pool)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(first_run.entered.is_set)
        assert dialog.first_run is None and dialog.message.text() == "正在读取账户…"
        dialog.username.setText("wangf")  # typing goes on while the store is asked
        dialog.password.setText(PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.message.text() == VERIFYING and dialog.queued
        with qtbot.waitSignal(dialog.signed_in) as signed:
            first_run.release()
    assert signed.args[0].username == "wangf" and first_run.ran_off_the_ui_thread_once()


def test_credentials_that_unlocked_the_store_sign_in_without_a_dialog(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, window: QWidget
) -> None:
    staff(hall)
    session = AccountSession(hall, window, 0, pool)
    with qtbot.waitSignal(session.signed_in) as signed:
        assert session.login(("wangf", PASSWORD)) is None
    assert signed.args[0].username == "wangf" and session.login_dialog is None


def test_refused_credentials_open_the_login_with_the_reason(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, window: QWidget
) -> None:
    staff(hall)
    hall.store.disable_account("lq", actor="admin")
    session = AccountSession(hall, window, 0, pool)
    session.login(("lq", PASSWORD))
    qtbot.waitUntil(lambda: session.login_dialog is not None and session.login_dialog.first_run is not None)
    dialog = session.login_dialog
    assert dialog is not None and dialog.isVisible() and session.account is None
    assert dialog.username.text() == "lq" and dialog.message.text() == "账户已停用"


def locked(qtbot: QtBot, hall: Hall, pool: QThreadPool, window: QWidget) -> tuple[AccountSession, LockDialog]:
    people = {a.username: a for a in hall.store.accounts()} or staff(hall)
    session = AccountSession(hall, window, 10, pool)
    session._signed_in(people["wangf"])
    with qtbot.waitSignal(session.locked):
        session.lock()
    assert isinstance(session.lock_dialog, LockDialog)
    return session, session.lock_dialog


def test_idle_lock_and_quick_unlock_by_the_same_person(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, window: QWidget
) -> None:
    people = staff(hall)
    session = AccountSession(hall, window, lock_after_minutes=10, pool=pool)
    session._signed_in(people["wangf"])
    assert session.watcher.timer.isActive() and session.watcher.timer.interval() == 10 * 60_000
    session.watcher.timer.setInterval(50)  # ten minutes, shortened
    session.watcher.restart()
    with qtbot.waitSignal(session.locked, timeout=2000):
        pass
    lock = session.lock_dialog
    assert isinstance(lock, LockDialog) and lock.isVisible()
    lock.password.setText("someone else's")
    lock.submit()
    settled(qtbot, lock)
    assert lock.message.text() == "用户名或密码错误" and session.lock_dialog is lock and lock.unlock_button.isEnabled()
    lock.password.setText(PASSWORD)
    with qtbot.waitSignal(session.unlocked):
        lock.submit()
    assert session.lock_dialog is None and session.account == people["wangf"]
    pool.waitForDone(10_000)
    assert [e.action for e in reversed(hall.store.audit_events())][-3:] == ["lock", "unlock_failed", "unlock"]


def test_the_unlock_runs_off_the_ui_thread_once_however_often_enter_is_pressed(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, window: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, lock = locked(qtbot, hall, pool, window)
    lock.password.setText("a wrong one")
    with held(monkeypatch, accounts, "unlock") as unlock:
        qtbot.keyClick(lock.password, Qt.Key.Key_Return)
        qtbot.waitUntil(unlock.entered.is_set)
        assert lock.message.text() == VERIFYING and not lock.unlock_button.isEnabled()
        assert not lock.switch_button.isEnabled() and lock.password.isReadOnly()
        qtbot.keyClick(lock.password, Qt.Key.Key_Return)
        lock.submit()
        unlock.release()
        settled(qtbot, lock)
    pool.waitForDone(10_000)
    assert unlock.ran_off_the_ui_thread_once()  # one wrong Enter is one failed attempt, not two
    assert lock.message.text() == "用户名或密码错误" and lock.password.text() == "" and lock.unlock_button.isEnabled()
    assert [e.action for e in hall.store.audit_events()].count("unlock_failed") == 1
    assert session.lock_dialog is lock and lock.isVisible()


def test_escape_does_not_uncover_a_locked_window(qtbot: QtBot, hall: Hall, pool: QThreadPool, window: QWidget) -> None:
    session, lock = locked(qtbot, hall, pool, window)
    qtbot.keyClick(lock, Qt.Key.Key_Escape)
    lock.close()
    assert lock.isVisible() and session.lock_dialog is lock and session.account is not None
    with qtbot.waitSignal(lock.switch_requested):
        lock.switch_button.click()  # 切换用户 is the other way out
    assert not lock.isVisible() and session.account is None


def test_the_lock_is_audited_on_the_store_pool(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, window: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff(hall)
    with held(monkeypatch, hall.store, "record") as record:
        _session, lock = locked(qtbot, hall, pool, window)  # covered at once, before the store has the row
        assert lock.isVisible()
        qtbot.waitUntil(record.entered.is_set)
        record.release()
    pool.waitForDone(10_000)
    assert record.ran_off_the_ui_thread_once()
    assert hall.store.audit_events(limit=1)[0].action == "lock"


def test_the_operator_of_the_window_profile_is_the_logged_in_account(
    hall: Hall, pool: QThreadPool, window: QWidget
) -> None:
    people = staff(hall)
    session = AccountSession(hall, window, lock_after_minutes=0, pool=pool)
    assert not session.watcher.timer.isActive()  # 0: never locks
    session._signed_in(people["lq"])
    assert session.profile(WINDOW).clerk == "lq"


def test_roles_decide_which_actions_are_offered(hall: Hall, pool: QThreadPool, window: QWidget) -> None:
    people = staff(hall)
    session = AccountSession(hall, window, lock_after_minutes=10, pool=pool)
    take, report, void, manage = (QAction(t, window) for t in ("新建办件", "督查工作台", "作废", "账户管理"))
    session.guard(Permission.TAKE_CASES, take)
    session.guard(Permission.RUN_REPORTS, report)
    session.guard(Permission.VOID_CASE, void)
    session.guard(Permission.MANAGE_ACCOUNTS, manage)
    assert not any(a.isEnabled() for a in (take, report, void, manage))  # nobody logged in yet
    expected = {
        "wangf": (True, False, False, False),
        "zhaom": (True, True, True, False),
        "admin": (True, True, True, True),
    }
    for username, enabled in expected.items():
        session._signed_in(people[username])
        assert tuple(a.isEnabled() for a in (take, report, void, manage)) == enabled, username
        assert tuple(a.isVisible() for a in (take, report, void, manage)) == enabled, username
