"""Windows appending to one audit chain at once keep it one unbroken line (SQLite; PostgreSQL with
``YISHI_TEST_PG_URL``, each run on a database of its own)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hall_cases import staff
from pg_server import fresh_database

from desktop.cases.clock import stepping_clock
from desktop.services.catalogs import Catalogs
from desktop.services.hall import Hall
from desktop.store.repo import Store

THREADS, EACH = 4, 15


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "cases.sqlite3")
        return
    with fresh_database("yishi_a") as url:
        yield url


def test_concurrent_audited_actions_keep_one_chain(store_url: str, tmp_path: Path) -> None:
    clock = stepping_clock(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))
    store = Store(store_url, clock=clock, local_dir=tmp_path / "local")
    hall = Hall(store, clock, Catalogs(tmp_path / "data"))
    staff(hall)
    errors: list[BaseException] = []

    def window(n: int) -> None:
        try:
            for i in range(EACH):
                store.record("wangf", "reprint", {"window": n, "i": i})
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=window, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checked, broken = store.verify_audit()
    assert broken is None
    reprints = [e for e in store.audit_events(limit=10_000) if e.action == "reprint"]
    assert len(reprints) == THREADS * EACH and checked == store.audit_head().count
    store.close()
