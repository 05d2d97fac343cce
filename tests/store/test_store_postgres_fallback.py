"""A window whose center server is unreachable works on its own SQLite store and relays its cases when it is back.

The relay is engine-neutral: it is proved against a SQLite center here and against PostgreSQL when
``YISHI_TEST_PG_URL`` is set.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from test_store_postgres import decide_one, window

from desktop.cases.clock import Clock
from desktop.cases.numbers import parse_number
from desktop.store.fallback import (
    OFFLINE_SEQUENCE_FLOOR,
    open_center_or_local,
    open_store,
    relay_offline,
    relay_when_back,
)
from desktop.store.models import OutboxStatus
from desktop.store.repo import Store

UNREACHABLE = "postgresql://yishi@127.0.0.1:9/yishi"  # the discard port: nothing listens, the connection is refused


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def center_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    if request.param == "sqlite":
        yield tmp_path / "center.sqlite3"
    else:
        if not os.environ.get("YISHI_TEST_PG_URL"):
            pytest.skip("YISHI_TEST_PG_URL is not set")
        yield request.getfixturevalue("pg_url")


def outbox_rows(store: Store) -> list[tuple[str, int, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT case_id, revision, status FROM outbox ORDER BY id")).all()
    # SQLite keeps a case id as its 16 bytes (migration uuid_bytes); PostgreSQL's driver gives a uuid
    return [(str(c if isinstance(c, uuid.UUID) else uuid.UUID(bytes=c)), r, s) for c, r, s in rows]


def test_unreachable_server_opens_the_window_offline_store_numbering_above_the_floor(tmp_path: Path) -> None:
    store, offline = open_center_or_local(UNREACHABLE, tmp_path, Clock())
    try:
        assert offline and store.url is None and store.path == tmp_path / "offline.sqlite3"
        _, number = decide_one(store, window("03"), random.Random(1))
        assert parse_number(number).sequence == OFFLINE_SEQUENCE_FLOOR + 1
    finally:
        store.close()


def test_offline_cases_reach_the_center_once_with_their_numbers(center_target: str | Path, tmp_path: Path) -> None:
    rng = random.Random(7)
    local, offline = open_center_or_local(UNREACHABLE, tmp_path / "w3", Clock())
    assert offline
    made = dict(decide_one(local, window("03"), rng) for _ in range(3))
    center = Store(center_target, clock=Clock(), local_dir=tmp_path / "w4")
    try:
        online_id, online_number = decide_one(center, window("03"), rng)  # the same window, online, that day
        report = relay_offline(local, center)
        assert sorted(report.relayed) == sorted((c, 1) for c in made) and not report.refused
        for case_id, number in made.items():
            case = center.get(case_id).case
            assert (case.number, case.revision) == (number, 1)
            assert center.get(case_id).items and center.get(case_id).materials
        assert center.get(online_id).case.number == online_number
        pending = [(c, r) for c, r, s in outbox_rows(center) if s == OutboxStatus.PENDING]
        assert sorted(pending) == sorted([(str(c), 1) for c in [*made, online_id]])  # the center sends them
        assert all(s == OutboxStatus.SENT for _, _, s in outbox_rows(local))  # relayed: not sent twice

        # killed after the center committed, before the offline store marked them: a second run changes nothing
        with local.engine.begin() as conn:
            conn.execute(text("UPDATE outbox SET status = 'pending'"))
        again = relay_offline(local, center)
        assert again.relayed == [] and sorted(again.skipped) == sorted((c, 1) for c in made)
        assert len(outbox_rows(center)) == len(made) + 1
    finally:
        center.close()
        local.close()


def test_a_number_the_center_holds_already_is_refused_and_stays_waiting(tmp_path: Path) -> None:
    rng = random.Random(9)
    local, _ = open_center_or_local(UNREACHABLE, tmp_path / "w3", Clock())
    center = Store(tmp_path / "center.sqlite3", clock=Clock())
    try:
        center.sequence_floor = OFFLINE_SEQUENCE_FLOOR  # a center that (wrongly) numbered in the offline range
        decide_one(center, window("03"), rng)
        case_id, _ = decide_one(local, window("03"), rng)
        report = relay_offline(local, center)
        assert list(report.refused) == [str(case_id)] and report.relayed == []
        assert [s for _, _, s in outbox_rows(local)] == [OutboxStatus.PENDING]
    finally:
        center.close()
        local.close()


@pytest.mark.postgres
def test_the_sync_run_relays_what_the_window_took_offline_once_the_server_answers(pg_url: str) -> None:
    local = open_store(UNREACHABLE, Clock())  # how the app opens --db: the server is down at start
    try:
        assert local.url is None
        case_id, number = decide_one(local, window("05"), random.Random(5))
    finally:
        local.close()
    assert relay_when_back(UNREACHABLE) is None  # still down: nothing happens, nothing is lost
    report = relay_when_back(pg_url)
    assert report is not None and report.relayed == [(case_id, 1)]
    assert relay_when_back(pg_url) is None  # nothing waits any more
    center = Store(pg_url, clock=Clock())
    try:
        assert center.get(case_id).case.number == number
    finally:
        center.close()
