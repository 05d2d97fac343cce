"""Once the platform has acknowledged a scan (HEAD with its size, or an upload it confirmed) the store remembers it:
later sync runs, of this window or of any window on a center store, neither ask about it (HEAD) nor upload it (PUT)
again. A platform that lacks a scan after all (422 missing_attachments) gets it again, and the case goes."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pg_server import fresh_database
from sqlalchemy import delete
from sync_helpers import Clock, Running, hall_clock, queue_case, queue_deferred_case

from desktop.store.repo import Store
from sync.client import DeviceIdentity, PlatformClient
from sync.crypto import sha256_hex
from sync.platform import db
from sync.worker import HELD_DELAY, sync_once


class CountingClient(PlatformClient):
    """A platform client that counts the attachment requests it sends, by method."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: Counter[str] = Counter()

    def request(self, method: str, path: str, *args: Any, **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/v1/attachments/"):
            self.sent[method] += 1
        return super().request(method, path, *args, **kwargs)

    def take(self) -> dict[str, int]:
        """The attachment HEAD and PUT requests sent since the last call."""
        counts = {method: self.sent[method] for method in ("HEAD", "PUT")}
        self.sent.clear()
        return counts


@pytest.fixture
def counting(running: Running, identity: DeviceIdentity) -> Iterator[CountingClient]:
    c = CountingClient(running.url, identity, timeout=5)
    yield c
    c.close()


def scans(folder: Path, count: int) -> list[Path]:
    rng = random.Random(count)
    paths = [folder / f"scan{n}.jpg" for n in range(count)]
    for path in paths:
        path.write_bytes(rng.randbytes(20_000))
    return paths


def test_a_new_revision_asks_nothing_about_scans_the_platform_acknowledged_before(
    counting: CountingClient, running: Running, clock: Clock, tmp_path: Path
) -> None:
    path = tmp_path / "window" / "cases.sqlite3"
    store = Store(path, clock=hall_clock(clock))
    case = queue_deferred_case(store, attachments=scans(tmp_path, 2))
    assert [s.revision for s in sync_once(store, counting, clock.now, pull_status=False).sent] == [1]
    assert counting.take() == {"HEAD": 4, "PUT": 2}  # each: not there, uploaded, checked
    store.supply_deferred(case.id, ["hukou"])
    store.close()
    store = Store(path, clock=hall_clock(clock))  # remembered in the store, not in this process
    try:
        assert [s.revision for s in sync_once(store, counting, clock.now, pull_status=False).sent] == [2]
        assert counting.take() == {"HEAD": 0, "PUT": 0}
        assert counting.get_case(str(case.id)).revision == 2
    finally:
        store.close()


def test_a_scan_the_platform_lacks_after_all_is_uploaded_again_and_the_case_goes(
    store: Store, counting: CountingClient, running: Running, clock: Clock, tmp_path: Path
) -> None:
    [scan] = scans(tmp_path, 1)
    case = queue_deferred_case(store, attachments=[scan])
    sync_once(store, counting, clock.now, pull_status=False)
    sha = sha256_hex(scan.read_bytes())
    with running.platform.engine.begin() as conn:  # e.g. the platform restored from an older backup
        conn.execute(delete(db.case_attachments).where(db.case_attachments.c.sha256 == sha))
        conn.execute(delete(db.attachments).where(db.attachments.c.sha256 == sha))
    counting.take()
    store.supply_deferred(case.id, ["hukou"])
    report = sync_once(store, counting, clock.now, pull_status=False)
    assert [s.revision for s in report.sent] == [2] and not report.quarantined
    assert counting.take() == {"HEAD": 2, "PUT": 1}
    assert running.platform.attachment_bytes(sha) == scan.read_bytes()


@pytest.fixture
def center() -> Iterator[str]:
    with fresh_database("yishi_s") as url:
        yield url


@pytest.mark.postgres
def test_held_scans_are_asked_about_once_not_on_every_sync_run(
    center: str, counting: CountingClient, running: Running, clock: Clock, tmp_path: Path
) -> None:
    scanning = Store(center, clock=hall_clock(clock), local_dir=tmp_path / "w03")
    claiming = Store(center, clock=hall_clock(clock), local_dir=tmp_path / "w04")
    try:
        case_id = queue_case(scanning, attachments=scans(tmp_path, 3))
        now = clock.now
        assert [h.case_id for h in sync_once(claiming, counting, now, pull_status=False).held] == [case_id]
        counting.take()
        runs = []
        for _ in range(2):  # the revision waits for the claiming window: the scanning one only uploads its scans
            sync_once(scanning, counting, now, pull_status=False)
            runs.append(counting.take())
        assert runs == [{"HEAD": 6, "PUT": 3}, {"HEAD": 0, "PUT": 0}]
        later = now + HELD_DELAY + timedelta(seconds=1)
        done = sync_once(claiming, counting, later, pull_status=False)
        assert [s.case_id for s in done.sent] == [case_id]
        assert counting.take() == {"HEAD": 0, "PUT": 0}  # the other window's acknowledgement is in the shared store
        assert running.platform.counts()["cases"] == 1
    finally:
        scanning.close()
        claiming.close()
