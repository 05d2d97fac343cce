from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pg_server import fresh_database

from desktop.cases.clock import Clock as HallClock
from desktop.cases.decisions import ItemEntry, MaterialEntry, MaterialStatus
from desktop.cases.profile import Profile
from desktop.store.repo import Store

WINDOW_3 = Profile("和平区政务服务中心", "210102", "03", "王芳")
WINDOW_4 = Profile("和平区政务服务中心", "210102", "04", "李强")
# 2026-11-28 10:00 Beijing time
NOON_UTC = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 28)

VALUES = {
    "applicant.name": "张三",
    "applicant.id_number": "11010519491231002X",
    "applicant.address": {"division": "210102", "detail": "中山路1号"},
}
ANSWERS = {"death_kind": "normal"}
ITEMS = [
    ItemEntry("GA001", True, "GA", "正常死亡", 5, date(2026, 12, 5)),
    ItemEntry("MZ002", False, "MZ", "非火化"),
]


def materials(*statuses: MaterialStatus) -> list[MaterialEntry]:
    deadline = date(2026, 12, 10)
    return [
        MaterialEntry(f"m{i}", f"材料{i}", s, 1, deadline if s is MaterialStatus.DEFERRED else None, ["GA001"])
        for i, s in enumerate(statuses)
    ]


class Clock:  # a settable source for the hall's clock (desktop.cases.clock.Clock)
    """A settable clock so tests choose the day numbers are issued on."""

    def __init__(self, now: datetime = NOON_UTC) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_store(tmp_path: Path, clock: Clock) -> Iterator[Callable[..., Store]]:
    opened: list[Store] = []

    def make(name: str = "cases.sqlite3") -> Store:
        store = Store(tmp_path / name, clock=HallClock(source=clock))
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    return make_store()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database on the test server (skipped without one), dropped afterwards."""
    with fresh_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    """Where a store lives, on either engine: a SQLite file, or a fresh PostgreSQL database (skipped without a
    server)."""
    yield tmp_path / "cases.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
def any_store(target: str | Path, tmp_path: Path) -> Iterator[Store]:
    """The store at ``target`` on the real clock, its window's own files in ``local``."""
    opened = Store(target, clock=HallClock(), local_dir=tmp_path / "local")
    yield opened
    opened.close()
