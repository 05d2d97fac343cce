"""Exactly once through a hostile network: every case arrives once, every attachment byte-identical."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from sync_helpers import Running, hall_clock, queue_case
from sync_proxy import FAULTS, FaultPlan, FaultProxy

from desktop.store.models import OutboxEntry, OutboxStatus
from desktop.store.repo import Store
from sync.client import DeviceIdentity, PlatformClient
from sync.crypto import sha256_hex
from sync.platform import db
from sync.worker import sync_once


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "window" / "cases.sqlite3", clock=hall_clock())
    yield s
    s.close()


def fill(store: Store, tmp_path: Path, cases: int, scans: int, seed: int = 11) -> dict[uuid.UUID, bytes]:
    """Queue ``cases`` cases; every tenth carries one of ``scans`` random scans. Returns case → scan bytes."""
    rng = random.Random(seed)
    paths = []
    for i in range(scans):
        p = tmp_path / f"scan{i}.jpg"
        p.write_bytes(rng.randbytes(rng.randrange(1_000, 30_000)))
        paths.append(p)
    carried = {}
    for i in range(cases):
        scan = paths[i % scans] if i % 10 == 0 else None
        cid = queue_case(store, f"申请人{i}", attachments=[scan] if scan else [])
        if scan:
            carried[cid] = scan.read_bytes()
    return carried


def drain(store: Store, client: PlatformClient, *, max_runs: int = 10_000) -> int:
    """Run the worker until the outbox is empty, jumping the clock past every backoff. Returns runs needed."""
    now = store.clock.now()
    for run in range(max_runs):
        now += timedelta(hours=2)
        sync_once(store, client, now, rng=random.Random(run), pull_status=False)
        if not store.pending_outbox(now + timedelta(days=1), 1):
            return run + 1
    raise AssertionError("outbox never drained")


def assert_exactly_once(store: Store, running: Running, carried: dict[uuid.UUID, bytes], cases: int) -> None:
    with Session(store.engine) as session:
        entries = session.exec(select(OutboxEntry)).all()
    assert len(entries) == cases
    assert all(e.status is OutboxStatus.SENT for e in entries)
    local = {str(e.case_id): e.platform_number for e in entries}
    with running.platform.engine.connect() as conn:
        remote: dict[str, str] = dict(conn.execute(select(db.cases.c.case_id, db.cases.c.platform_number)).all())
        revisions = conn.execute(select(db.case_revisions.c.case_id)).all()
    assert remote == local  # same set of cases, and each PC-side number is the platform's number
    assert len(revisions) == cases  # no revision recorded twice
    for data in carried.values():
        assert running.platform.attachment_bytes(sha256_hex(data)) == data


def faulty_client(
    running: Running, identity: DeviceIdentity, rates: dict[str, float], seed: int
) -> tuple[FaultProxy, PlatformClient]:
    host, port = running.server.server_address[:2]
    proxy = FaultProxy((str(host), int(port)), FaultPlan(rates=rates, stall_seconds=0.5, seed=seed))
    return proxy, PlatformClient(proxy.url, identity, timeout=0.25)


RATES = {
    "reset_before": 0.03,
    "reset_after": 0.04,
    "error_before": 0.02,
    "error_after": 0.03,
    "stall": 0.003,
    "truncate": 0.03,
    "trickle": 0.02,
    "duplicate": 0.03,
}


def test_every_fault_kind_still_delivers_exactly_once(
    store: Store, running: Running, identity: DeviceIdentity, tmp_path: Path
) -> None:
    carried = fill(store, tmp_path, cases=150, scans=6)
    proxy, client = faulty_client(running, identity, {**RATES, "stall": 0.01}, seed=1)
    drain(store, client)
    client.close()
    proxy.close()
    assert set(proxy.injected) == set(FAULTS)
    assert_exactly_once(store, running, carried, 150)


@pytest.mark.slow
def test_thousands_of_cases_through_faults_arrive_exactly_once(
    store: Store, running: Running, identity: DeviceIdentity, tmp_path: Path
) -> None:
    carried = fill(store, tmp_path, cases=2000, scans=40)
    proxy, client = faulty_client(running, identity, RATES, seed=2)
    drain(store, client)
    client.close()
    proxy.close()
    assert sum(proxy.injected.values()) > 300
    assert_exactly_once(store, running, carried, 2000)
