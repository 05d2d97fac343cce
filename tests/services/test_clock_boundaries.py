"""The hall's dates at the edges: both sides of 16:00 UTC (Beijing midnight), whatever the machine's time zone.

The machine's wall clock is moved with time-machine and the system clock is read as the app reads it (``Clock()``);
``.ci/run`` also runs these tests under ``TZ=UTC`` and ``TZ=America/Los_Angeles`` with faketime at 20:00 and 23:59 UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from desktop.cases.clock import Clock
from desktop.cases.numbers import parse_number
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.cases.workdays import WorkCalendar
from desktop.catalog.export import load_index
from desktop.services import demo, review
from desktop.services.catalogs import CatalogInUse, Catalogs
from desktop.services.hall import Hall
from desktop.store.repo import Store

pytestmark = pytest.mark.clock

WINDOW = Profile("和平区政务服务中心", "210102", "03", "王芳")
UTC = dt.UTC

# (machine instant in UTC, the hall's business day in Beijing)
EDGES = [
    (dt.datetime(2026, 11, 30, 15, 59, 30, tzinfo=UTC), dt.date(2026, 11, 30)),  # 23:59:30 Beijing
    (dt.datetime(2026, 11, 30, 16, 0, 30, tzinfo=UTC), dt.date(2026, 12, 1)),  # 00:00:30 Beijing
    (dt.datetime(2026, 11, 30, 20, 10, tzinfo=UTC), dt.date(2026, 12, 1)),  # 04:10 Beijing
    (dt.datetime(2026, 11, 30, 23, 59, tzinfo=UTC), dt.date(2026, 12, 1)),  # 07:59 Beijing
]


@pytest.fixture(scope="module")
def catalog() -> CatalogInUse:
    return CatalogInUse(load_index(), WorkCalendar())


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    clock = Clock()  # the system clock, as the app uses it: time-machine moves what it reads
    h = Hall(Store(tmp_path / "cases.sqlite3", clock=clock), clock, Catalogs(tmp_path / "data"))
    yield h
    h.close()


@pytest.mark.parametrize(("instant", "hall_day"), EDGES)
def test_the_system_clock_gives_the_halls_day_on_both_sides_of_beijing_midnight(
    instant: dt.datetime, hall_day: dt.date
) -> None:
    with time_machine.travel(instant, tick=False):
        assert Clock().today() == hall_day
        assert Clock().now() == instant


@pytest.mark.parametrize(("instant", "hall_day"), EDGES)
def test_a_case_decided_at_the_edge_is_numbered_dated_and_counted_under_the_halls_day(
    hall: Hall, catalog: CatalogInUse, instant: dt.datetime, hall_day: dt.date
) -> None:
    with time_machine.travel(instant, tick=False):
        case = demo.decide_sample(hall, catalog, "LNYJS003", Decision.DEFER, WINDOW)
        assert case.number is not None
        assert parse_number(case.number).day == hall_day
        detail = hall.store.get(case.id)
        # nothing on the case is due before the day it was accepted
        assert all(i.promised_date >= hall_day for i in detail.items if i.promised_date is not None)
        assert all(m.deadline > hall_day for m in detail.materials if m.deadline is not None)
        assert review.day_review(hall).total == 1
        assert review.day_review(hall, hall_day - dt.timedelta(days=1)).total == 0


def test_a_report_at_2359_and_at_0001_beijing_counts_each_its_own_day(hall: Hall, catalog: CatalogInUse) -> None:
    late = dt.datetime(2026, 11, 30, 15, 59, tzinfo=UTC)  # 23:59 Beijing, 30 Nov
    early = dt.datetime(2026, 11, 30, 16, 1, tzinfo=UTC)  # 00:01 Beijing, 1 Dec
    with time_machine.travel(late, tick=False):
        demo.decide_sample(hall, catalog, "LNYJS003", Decision.ACCEPT, WINDOW, seed=1)
        assert review.day_review(hall).total == 1
    with time_machine.travel(early, tick=False):
        demo.decide_sample(hall, catalog, "LNYJS003", Decision.ACCEPT, WINDOW, seed=2)
        demo.decide_sample(hall, catalog, "LNYJS003", Decision.ACCEPT, WINDOW, seed=3)
        assert review.day_review(hall).total == 2
        assert review.day_review(hall, dt.date(2026, 11, 30)).total == 1
        assert review.period_review(hall, dt.date(2026, 11, 30), dt.date(2026, 12, 1)).total == 3


def test_another_hall_time_zone_moves_the_business_day() -> None:
    with time_machine.travel(dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC), tick=False):
        assert Clock.for_zone("Asia/Shanghai").today() == dt.date(2026, 12, 1)
        assert Clock.for_zone("Asia/Urumqi").today() == dt.date(2026, 11, 30)  # UTC+6


def test_an_unknown_time_zone_setting_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        Clock.for_zone("Mars/Olympus")
