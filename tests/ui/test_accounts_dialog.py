"""账户管理: the administrator adds, disables and resets accounts in the window; each change is audited."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from held_work import held
from PySide6.QtCore import Qt, QThreadPool, QTimer
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "accounts"))  # the shared hall_cases helpers
from hall_cases import PASSWORD, open_hall, staff

from desktop.services import accounts
from desktop.services.accounts import AccountInfo
from desktop.services.hall import Hall
from desktop.ui.accounts_dialog import AccountsDialog, NewAccountDialog


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    opened = open_hall(tmp_path)
    yield opened
    opened.close()


def select(dialog: AccountsDialog, username: str) -> None:
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == username)
    dialog.table.selectRow(row)


def opened(qtbot: QtBot, hall: Hall, admin: AccountInfo, pool: QThreadPool) -> AccountsDialog:
    dialog = AccountsDialog(hall, admin, pool)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and dialog.status.text() == "正在读取账户…"  # read on the store pool
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0 and not dialog.busy)
    return dialog


def test_the_administrator_manages_accounts_in_the_window(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = staff(hall)
    dialog = opened(qtbot, hall, people["admin"], pool)
    assert dialog.table.rowCount() == 4
    new = NewAccountDialog(dialog)
    new.username.setText("sunl")
    new.display_name.setText("孙丽")
    new.role.setCurrentIndex(new.role.findData("supervisor"))
    new.password.setText(PASSWORD)
    new.repeat.setText(PASSWORD)
    QTimer.singleShot(0, new.accept)
    with qtbot.waitSignal(dialog.loaded):
        assert dialog.add(new)
    assert hall.store.account("sunl") is not None and dialog.table.rowCount() == 5
    select(dialog, "wangf")
    with qtbot.waitSignal(dialog.loaded):
        assert dialog.disable_selected()
    assert [dialog.table.item(r, 3).text() for r in range(5) if dialog.table.item(r, 0).text() == "wangf"] == ["已停用"]
    select(dialog, "lq")
    with qtbot.waitSignal(dialog.changed) as changed:
        assert dialog.reset_selected("a new password 3")
    assert changed.args[0].username == "lq"
    assert accounts.login(hall, "lq", "a new password 3").username == "lq"
    qtbot.waitUntil(lambda: not dialog.busy)
    warnings: list[str] = []
    monkeypatch.setattr("desktop.ui.accounts_dialog.QMessageBox.warning", lambda _p, _t, text: warnings.append(text))
    select(dialog, "admin")
    with qtbot.waitSignal(dialog.failed):
        dialog.disable_selected()
    assert warnings == ["不能停用最后一个启用的系统管理员"] and not dialog.busy
    changes = [e.action for e in hall.store.audit_events() if e.actor == "admin" and e.action.startswith("account_")]
    assert changes[:3] == ["account_reset_password", "account_disable", "account_add"]


def test_a_change_runs_off_the_ui_thread_once_however_often_it_is_clicked(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = staff(hall)
    dialog = opened(qtbot, hall, people["admin"], pool)
    disable = next(b for b in dialog.change_buttons if b.text() == "停用")
    select(dialog, "wangf")
    with held(monkeypatch, accounts, "disable_account") as disabling:
        qtbot.mouseClick(disable, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(disabling.entered.is_set)
        assert dialog.status.text() == "正在保存…" and not any(b.isEnabled() for b in dialog.change_buttons)
        qtbot.mouseClick(disable, Qt.MouseButton.LeftButton)  # a double click
        assert not dialog.disable_selected()
        with qtbot.waitSignal(dialog.loaded):
            disabling.release()
    pool.waitForDone(10_000)
    assert disabling.ran_off_the_ui_thread_once()
    assert [e.action for e in hall.store.audit_events()].count("account_disable") == 1
    assert all(b.isEnabled() for b in dialog.change_buttons) and dialog.status.text() == ""


def test_a_new_account_needs_sound_details(qtbot: QtBot) -> None:
    new = NewAccountDialog()
    qtbot.addWidget(new)
    new.username.setText("Bad Name")
    new.accept()
    assert new.message.text().startswith("用户名须为") and new.result() == 0
