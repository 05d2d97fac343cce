"""Login at start (first run creates the administrator), the idle lock with quick unlock, role-based actions."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "accounts"))  # the shared hall_cases helpers
from hall_cases import PASSWORD, WINDOW, open_hall, staff

from desktop.cases.roles import Permission
from desktop.services.hall import Hall
from desktop.ui.login import AccountSession, LockDialog, LoginDialog


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


def test_first_run_creates_the_administrator_and_signs_in(qtbot: QtBot, hall: Hall) -> None:
    dialog = LoginDialog(hall)
    qtbot.addWidget(dialog)
    assert dialog.first_run and dialog.windowTitle().startswith("首次使用")
    dialog.username.setText("admin")
    dialog.display_name.setText("系统管理员")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD + "x")
    dialog.submit()
    assert dialog.message.text() == "两次输入的密码不一致" and hall.store.account_count() == 0
    dialog.password.setText("short")
    dialog.repeat.setText("short")
    dialog.submit()
    assert dialog.message.text() == "密码至少8位"
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    with qtbot.waitSignal(dialog.signed_in) as signed:
        dialog.submit()
    assert signed.args[0].username == "admin" and [a.username for a in hall.store.accounts()] == ["admin"]


def test_a_wrong_password_is_refused_and_audited(qtbot: QtBot, hall: Hall) -> None:
    staff(hall)
    dialog = LoginDialog(hall)
    qtbot.addWidget(dialog)
    assert not dialog.first_run
    dialog.username.setText("wangf")
    dialog.password.setText("not the password")
    dialog.submit()
    assert dialog.message.text() == "用户名或密码错误" and dialog.account is None and dialog.password.text() == ""
    assert [e.actor for e in hall.store.audit_events() if e.action == "login_failed"] == ["wangf"]


def test_idle_lock_and_quick_unlock_by_the_same_person(qtbot: QtBot, hall: Hall, window: QWidget) -> None:
    people = staff(hall)
    session = AccountSession(hall, window, lock_after_minutes=10)
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
    assert lock.message.text() == "用户名或密码错误" and session.lock_dialog is lock
    lock.password.setText(PASSWORD)
    with qtbot.waitSignal(session.unlocked):
        lock.submit()
    assert session.lock_dialog is None and session.account == people["wangf"]
    assert [e.action for e in reversed(hall.store.audit_events())][-3:] == ["lock", "unlock_failed", "unlock"]


def test_the_operator_of_the_window_profile_is_the_logged_in_account(hall: Hall, window: QWidget) -> None:
    people = staff(hall)
    session = AccountSession(hall, window, lock_after_minutes=0)
    assert not session.watcher.timer.isActive()  # 0: never locks
    session._signed_in(people["lq"])
    assert session.profile(WINDOW).clerk == "lq"


def test_roles_decide_which_actions_are_offered(hall: Hall, window: QWidget) -> None:
    people = staff(hall)
    session = AccountSession(hall, window, lock_after_minutes=10)
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
