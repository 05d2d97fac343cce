"""The reference platform on PostgreSQL (``YISHI_TEST_PG_URL``, e.g. from scripts/pg-start.sh)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import Running, enroll, hall_clock, start_platform, submit_concurrently
from test_sync_faults import RATES, assert_exactly_once, drain, faulty_client, fill

from desktop.store.repo import Store
from sync.client import PlatformClient
from sync.platform import db
from sync.platform.operator import set_status
from sync.protocol import PlatformStatus

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_running() -> Iterator[Running]:
    url = os.environ.get("YISHI_TEST_PG_URL")
    if not url:
        pytest.skip("YISHI_TEST_PG_URL is not set (scripts/pg-start.sh prints one)")
    engine = db.open_engine(url)
    db.metadata.drop_all(engine)
    engine.dispose()
    run, thread = start_platform(url)
    yield run
    run.server.shutdown()
    run.server.server_close()
    thread.join()
    run.platform.engine.dispose()


def test_faulty_network_still_delivers_exactly_once_on_postgres(pg_running: Running, tmp_path: Path) -> None:
    store = Store(tmp_path / "w" / "cases.sqlite3", clock=hall_clock())
    carried = fill(store, tmp_path, cases=200, scans=5)
    proxy, client = faulty_client(pg_running, enroll(pg_running), RATES, seed=3)
    drain(store, client)
    client.close()
    proxy.close()
    assert_exactly_once(store, pg_running, carried, 200)
    store.close()


def test_concurrent_duplicate_submissions_get_one_number_on_postgres(pg_running: Running) -> None:
    identity = enroll(pg_running)
    cid = str(uuid.uuid4())
    numbers = submit_concurrently(pg_running.url, identity, cid)
    assert len(numbers) == 8 and len(set(numbers)) == 1
    assert pg_running.platform.counts()["cases"] == 1
    set_status(pg_running.platform, cid, PlatformStatus.ACCEPTED)
    c = PlatformClient(pg_running.url, identity, timeout=10)
    assert [u.status for u in c.status_updates(0).updates] == ["accepted"]
    c.close()
