"""立即同步 answers the clerk, and the status bar speaks no command line."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.ui.sync_status import NOT_ENROLLED_MESSAGE, done_text
from sync.worker import Held, SyncReport


@pytest.fixture
def window(main_window: Any) -> Iterator[Any]:
    yield main_window
    main_window.sync_panel.shutdown()


def test_sync_now_on_a_pc_not_enrolled_says_why_nothing_happens(window: Any, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: "未注册" in window.sync_label.text(), timeout=10_000)
    assert "yishi" not in window.sync_label.text() and "(" not in window.sync_label.text()
    window.sync_panel.sync_action.trigger()
    assert window.statusBar().currentMessage() == NOT_ENROLLED_MESSAGE
    assert not window.sync_panel.running


def test_a_run_the_clerk_asked_for_says_what_it_did() -> None:
    assert done_text(SyncReport()) == "同步完成：没有待上报的办件，办理状态均为最新"
    report = SyncReport(transfers=[{"id": str(uuid.uuid4())}])
    assert done_text(report) == "同步完成：上报 0 件，收到转交 1 件"


def test_a_run_that_left_cases_for_their_scanning_window_says_so(window: Any) -> None:
    held = Held(uuid.uuid4(), 1, "attachment abc… is not on this PC")
    window.sync_panel._announce(SyncReport(held=[held]))
    assert window.statusBar().currentMessage().startswith("1 件办件的扫描件在采集它的窗口电脑上")
