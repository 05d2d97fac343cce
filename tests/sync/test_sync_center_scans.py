"""A center store on PostgreSQL: a case's scans are on the window that took them, yet any window may claim the
case from the shared outbox. The claiming window leaves it for a while rather than refusing it; the scanning
window's run uploads its scans; then the case goes, once, with its scans."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pg_server import fresh_database
from sync_helpers import Clock, Running, hall_clock, queue_case

from desktop.store.models import OutboxStatus
from desktop.store.repo import Store
from sync.client import PlatformClient
from sync.crypto import sha256_hex
from sync.worker import HELD_DELAY, sync_once


@pytest.fixture
def center() -> Iterator[str]:
    with fresh_database("yishi_c") as url:
        yield url


def window(center: str, folder: Path, clock: Clock) -> Store:
    return Store(center, clock=hall_clock(clock), local_dir=folder)


@pytest.mark.postgres
def test_a_case_claimed_by_another_window_goes_with_the_scans_of_the_window_that_took_them(
    center: str, running: Running, client: PlatformClient, clock: Clock, tmp_path: Path
) -> None:
    scanning, claiming = window(center, tmp_path / "w03", clock), window(center, tmp_path / "w04", clock)
    try:
        scan = tmp_path / "id.jpg"
        scan.write_bytes(b"\xff\xd8 a scanned ID card " * 400)
        case_id = queue_case(scanning, attachments=[scan])
        now = clock.now

        first = sync_once(claiming, client, now, pull_status=False)
        assert first.held and first.held[0].case_id == case_id and not first.quarantined and not first.sent
        [entry] = claiming.pending_outbox(now + timedelta(days=1), 10)
        assert entry.status is OutboxStatus.PENDING and entry.next_attempt_at == now + HELD_DELAY

        sync_once(scanning, client, now, pull_status=False)  # not due yet: it only uploads what it holds
        assert running.platform.attachment_bytes(sha256_hex(scan.read_bytes())) == scan.read_bytes()

        later = now + HELD_DELAY + timedelta(seconds=1)
        done = sync_once(claiming, client, later, pull_status=False)
        assert [s.case_id for s in done.sent] == [case_id] and not done.held and not done.quarantined
        assert claiming.pending_outbox(later + timedelta(days=1), 10) == []
        assert running.platform.counts()["cases"] == 1
    finally:
        scanning.close()
        claiming.close()


def test_a_scan_missing_on_a_single_window_store_is_still_refused(
    store: Store, client: PlatformClient, tmp_path: Path
) -> None:
    """Only a center store has other windows to wait for: on a window's own store the file is lost."""
    scan = tmp_path / "id.jpg"
    scan.write_bytes(b"scan" * 100)
    case_id = queue_case(store, attachments=[scan])
    store.blob_path(sha256_hex(scan.read_bytes())).unlink()
    report = sync_once(store, client, store.clock.now(), pull_status=False)
    assert [q.case_id for q in report.quarantined] == [case_id] and not report.held
