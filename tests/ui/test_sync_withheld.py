"""A platform status the window cannot apply now is withheld and shown: counted in the status bar, listed by
Shift+F9 with the case's number, the platform's result and reason and why it waits, and its case-list row marked."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from test_sync_status import (  # the window's sync fixtures and helpers
    TIMEOUT,
    _no_dialogs,  # noqa: F401 - autouse: sync never raises a modal box
    enroll_window,
    platform,  # noqa: F401 - fixture
    refreshed,
    row_of,
    seed,
    sync,
    window,  # noqa: F401 - fixture
)

from desktop.cases.numbers import format_number
from desktop.ui.sync_status import WITHHELD_BG
from sync.platform.operator import set_status
from sync.platform.server import PlatformHTTPServer

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: the dialog is raised


def test_a_status_a_reopened_case_cannot_take_is_counted_listed_by_keyboard_and_marks_its_row(
    window: Any,  # noqa: F811 - the fixture imported above
    qtbot: QtBot,
    platform: PlatformHTTPServer,  # noqa: F811 - the fixture imported above
) -> None:
    seed(window, qtbot)
    enroll_window(platform)
    case_id = sync(window, qtbot).report.sent[0].case_id
    set_status(platform.platform, str(case_id), "returned", "缺少死亡证明")
    sync(window, qtbot)
    store = window.hall.store
    store.reopen(case_id)  # the applicant came back: the clerk reopened the returned case
    set_status(platform.platform, str(case_id), "rejected", "不符合受理条件")
    assert "平台结果待处理" not in window.sync_label.text()
    assert sync(window, qtbot).report.withheld == [case_id]
    refreshed(window, qtbot)
    number = format_number(store.get(case_id).case.number)  # as the case list prints it

    assert "平台结果待处理 1件" in window.sync_label.text()
    assert number in window.sync_label.toolTip() and "Shift+F9" in window.sync_label.toolTip()
    model, row = window.case_model, row_of(window, case_id)
    assert model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole) == WITHHELD_BG
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "平台不予受理" in tip and "不符合受理条件" in tip and "已告知补正" in tip
    other = next(r for r in range(model.rowCount()) if r != row)
    assert model.data(model.index(other, 0), Qt.ItemDataRole.BackgroundRole) != WITHHELD_BG

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    QTest.keyClick(window.case_view, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    dialog = window.sync_panel.withheld_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    table = dialog.table
    assert table.rowCount() == 1
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells[:3] == [number, "平台不予受理", "不符合受理条件"]
    assert "已告知补正" in cells[3] and "不能直接改为" in cells[3]

    window.case_view.clearSelection()
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Return)  # Enter on the row: that case is selected in the case list
    assert [i.row() for i in window.case_view.selectionModel().selectedRows()] == [row]
    dialog.close()
