"""The supervisor's day review counts what the store holds for that day."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.cases.profile import Profile
from desktop.services import demo
from desktop.ui.day_review import DayReviewDialog

pytestmark = pytest.mark.clock  # date-sensitive: CI reruns it under other TZ and faked wall clocks


def test_day_review_counts_today_by_decision_bundle_and_clerk(main_window: Any, qtbot: QtBot) -> None:
    demo.seed_store(main_window.hall, main_window.catalog, Profile(*demo.DEMO_PROFILE), 6)
    dialog = DayReviewDialog(main_window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000) as blocker:
        dialog.refresh()
    summary = blocker.args[0]
    assert summary.total == 6
    assert sum(summary.by_decision.values()) == 6
    assert summary.by_clerk == {demo.DEMO_PROFILE[3]: 6}
    assert "共受理办件 6 件" in dialog.total.text()
