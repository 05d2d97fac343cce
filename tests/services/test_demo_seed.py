"""The demo store is seeded through the real pipeline with every kind of decision a hall makes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from desktop.cases.clock import stepping_clock
from desktop.cases.profile import Profile
from desktop.services import demo
from desktop.services.hall import Hall
from desktop.settings import Settings


def test_the_seeded_store_holds_accepted_deferred_notified_and_rejected_cases(tmp_path: Path) -> None:
    hall = Hall.open(
        tmp_path / "cases.sqlite3",
        Settings(),
        tmp_path / "data",
        clock=stepping_clock(datetime(2026, 11, 30, 2, tzinfo=UTC)),
    )
    try:
        made = demo.seed_store(hall, hall.catalogs.current(), Profile(*demo.DEMO_PROFILE), 12)
        decisions = Counter(c.decision for c in hall.store.list_cases(limit=50))
    finally:
        hall.close()
    assert made == sum(decisions.values()) == 12
    assert {d.value for d in decisions if d is not None} == {"accept", "defer", "notify", "reject"}
