"""账户管理: the administrator adds, disables and resets accounts in the window; each change is audited."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "accounts"))  # the shared hall_cases helpers
from hall_cases import PASSWORD, open_hall, staff

from desktop.services import accounts
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


def test_the_administrator_manages_accounts_in_the_window(
    qtbot: QtBot, hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = staff(hall)
    dialog = AccountsDialog(hall, people["admin"])
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 4
    new = NewAccountDialog(dialog)
    new.username.setText("sunl")
    new.display_name.setText("孙丽")
    new.role.setCurrentIndex(new.role.findData("supervisor"))
    new.password.setText(PASSWORD)
    new.repeat.setText(PASSWORD)
    QTimer.singleShot(0, new.accept)
    assert dialog.add(new)
    assert hall.store.account("sunl") is not None and dialog.table.rowCount() == 5
    select(dialog, "wangf")
    assert dialog.disable_selected()
    assert [dialog.table.item(r, 3).text() for r in range(5) if dialog.table.item(r, 0).text() == "wangf"] == ["已停用"]
    select(dialog, "lq")
    assert dialog.reset_selected("a new password 3")
    assert accounts.login(hall, "lq", "a new password 3").username == "lq"
    warnings: list[str] = []
    monkeypatch.setattr("desktop.ui.accounts_dialog.QMessageBox.warning", lambda _p, _t, text: warnings.append(text))
    select(dialog, "admin")
    assert not dialog.disable_selected()
    assert warnings == ["不能停用最后一个启用的系统管理员"]
    changes = [e.action for e in hall.store.audit_events() if e.actor == "admin" and e.action.startswith("account_")]
    assert changes[:3] == ["account_reset_password", "account_disable", "account_add"]


def test_a_new_account_needs_sound_details(qtbot: QtBot) -> None:
    new = NewAccountDialog()
    qtbot.addWidget(new)
    new.username.setText("Bad Name")
    new.accept()
    assert new.message.text().startswith("用户名须为") and new.result() == 0
