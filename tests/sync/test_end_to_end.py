"""End to end: two windows through a hostile network, a field laptop by USB stick, statuses and a catalog back.

A reference platform runs on loopback; the windows sync through the fault-injecting proxy with the app's own run
(:func:`desktop.services.sync.run_sync`); the laptop exports a transfer file that a window spools and uploads and that
the operator imports again by hand. Every case must arrive exactly once, the operator's 办结/退件/不予受理 must
reach the windows, and a signed catalog update must be installed at both windows.
"""

from __future__ import annotations

import copy
import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session
from sync_helpers import FIELD, WINDOW, Running, start_platform
from sync_proxy import FaultPlan, FaultProxy

from desktop import entry, paths
from desktop.cases.clock import Clock, stepping_clock
from desktop.cases.profile import Profile
from desktop.cases.states import CaseState
from desktop.cases.workdays import WorkCalendar
from desktop.catalog.export import load_index
from desktop.catalog.loader import raw_from_dir
from desktop.services import demo
from desktop.services.catalogs import CatalogInUse, Catalogs
from desktop.services.hall import Hall
from desktop.services.sync import SyncOutcome, run_sync
from desktop.store.models import OutboxEntry, OutboxStatus
from desktop.store.repo import Store
from sync.catalog_update import build_document, installed_catalog, sign_document
from sync.client import PlatformError, client_from_folder, enroll_device, load_identity, load_platform_key
from sync.crypto import Ed25519PrivateKey
from sync.outbox_files import export_outbox
from sync.platform import db
from sync.platform.operator import create_enrollment_code, publish_catalog, set_status
from sync.protocol import PlatformStatus
from sync.transfer import spool_transfer
from sync.worker import PLATFORM_TO_STATE, default_spool_dir, sync_once

RATES = {
    "reset_before": 0.04,
    "reset_after": 0.05,
    "error_before": 0.03,
    "error_after": 0.04,
    "stall": 0.01,
    "truncate": 0.03,
    "trickle": 0.02,
    "duplicate": 0.04,
}
WINDOW_B = Profile("和平区政务服务中心", "210102", "04", "赵敏")
NEW_VERSION = "2099.1.1"


@dataclass(eq=False)
class Pc:
    """One PC: its case store, identity folder and data folder (installed catalog)."""

    name: str
    store: Store
    device: Path
    data: Path


@pytest.fixture(scope="module")
def catalog() -> CatalogInUse:
    return CatalogInUse(load_index(paths.catalog_dir()), WorkCalendar())


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    run, thread = start_platform(f"sqlite:///{tmp_path / 'platform.sqlite3'}")
    yield run
    run.server.shutdown()
    run.server.server_close()
    thread.join()
    run.platform.engine.dispose()


@pytest.fixture
def proxy(running: Running) -> Iterator[FaultProxy]:
    host, port = running.server.server_address[:2]
    p = FaultProxy((str(host), int(port)), FaultPlan(rates=RATES, stall_seconds=0.3, seed=7))
    yield p
    p.close()


def make_pc(tmp_path: Path, name: str, catalog: CatalogInUse, profile: Profile, *, count: int, seed: int) -> Pc:
    clock = Clock()
    store = Store(tmp_path / name / "cases.sqlite3", clock=clock)
    demo.seed_store(Hall(store, clock, Catalogs(tmp_path / name / "data")), catalog, profile, count, seed=seed)
    return Pc(name, store, tmp_path / name / "device", tmp_path / name / "data")


def enroll(running: Running, url: str, pc: Pc) -> None:
    """Enrol through ``url``; a lost answer is retried with the same key and code, as the client promises."""
    code = create_enrollment_code(running.platform, pc.name)
    for _ in range(100):
        try:
            enroll_device(url, code, pc.device, pc.name)
            return
        except PlatformError:
            continue
    raise AssertionError(f"{pc.name} could not enrol")


def queued(store: Store) -> dict[str, list[OutboxEntry]]:
    with Session(store.engine) as session:
        entries = list(session.exec(select(OutboxEntry)).scalars())
    by_case: dict[str, list[OutboxEntry]] = {}
    for e in entries:
        by_case.setdefault(str(e.case_id), []).append(e)
    return by_case


def sync_until(
    pc: Pc, done: Callable[[], bool], publisher: Ed25519PrivateKey, *, max_runs: int = 400
) -> list[SyncOutcome]:
    """Run the app's sync until ``done()``, jumping the clock past every backoff."""
    outcomes = []
    start = datetime.now(UTC)
    for run in range(max_runs):
        outcome = run_sync(
            pc.store.path,
            pc.device,
            pc.data,
            clock=stepping_clock(start + timedelta(hours=2 * (run + 1))),
            public_key=publisher.public_key(),
            timeout=2,
            rng=random.Random(run),
        )
        outcomes.append(outcome)
        if outcome.ok and done():
            return outcomes
    raise AssertionError(f"{pc.name}: not done after {max_runs} sync runs")


def platform_cases(running: Running) -> dict[str, tuple[str, str, str]]:
    """case id → (platform number, device, status) as the platform holds them."""
    with running.platform.engine.connect() as conn:
        rows = conn.execute(
            select(db.cases.c.case_id, db.cases.c.platform_number, db.cases.c.device_id, db.cases.c.status)
        ).all()
    return {r.case_id: (r.platform_number, r.device_id, r.status) for r in rows}


def all_sent(pc: Pc) -> bool:
    return all(e.status is OutboxStatus.SENT for entries in queued(pc.store).values() for e in entries)


def reached(pc: Pc, states: dict[uuid.UUID, CaseState]) -> bool:
    return all(pc.store.get(case_id).case.state is state for case_id, state in states.items())


def catalog_installed(pc: Pc, publisher: Ed25519PrivateKey) -> bool:
    return all_sent(pc) and installed_catalog(pc.data, publisher.public_key()) is not None


def signed_catalog(publisher: Ed25519PrivateKey) -> tuple[str, str, str]:
    raw = copy.deepcopy(raw_from_dir(paths.catalog_dir()))
    raw["version"] = NEW_VERSION
    holidays = {"2099": {"holidays": ["2099-01-01"], "workdays": []}}
    document = build_document(raw, holidays, "2099-01-01T00:00:00+00:00")
    return NEW_VERSION, document, sign_document(document, publisher)


def test_two_windows_and_a_field_laptop_deliver_every_case_exactly_once_and_get_statuses_and_catalog_back(
    tmp_path: Path,
    running: Running,
    proxy: FaultProxy,
    catalog: CatalogInUse,
    capsys: pytest.CaptureFixture[str],
) -> None:
    publisher = Ed25519PrivateKey.generate()
    a = make_pc(tmp_path, "window-a", catalog, WINDOW, count=10, seed=101)
    b = make_pc(tmp_path, "window-b", catalog, WINDOW_B, count=10, seed=202)
    laptop = make_pc(tmp_path, "laptop", catalog, FIELD, count=8, seed=303)
    for pc in (a, b):
        enroll(running, proxy.url, pc)
    enroll(running, running.url, laptop)  # once, while still at the office

    # The field laptop goes out offline, then its USB stick comes to window A.
    stick = tmp_path / "stick" / "field.yst"
    identity, _url = load_identity(laptop.device) or (None, "")
    assert identity is not None
    envelope = export_outbox(laptop.store, stick, identity=identity, platform_key=load_platform_key(laptop.device))
    laptop_cases = queued(laptop.store)
    assert envelope.case_count == sum(len(v) for v in laptop_cases.values()) > 0
    spool_transfer(stick, default_spool_dir(a.store))

    publish_catalog(running.platform, *signed_catalog(publisher), publisher.public_key())

    for pc in (a, b):
        sync_until(pc, lambda pc=pc: catalog_installed(pc, publisher), publisher)
    assert sum(proxy.injected.values()) > 0, "the proxy should have injected faults"
    assert not list(default_spool_dir(a.store).glob("*.yst")), "the spooled transfer file should be uploaded"

    # The operator imports the same stick by hand as well: nothing arrives twice.
    assert entry.main(["platform", "import", str(stick), "--db", running.db_url]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert imported["already_imported"] is True
    assert {c["case_id"] for c in imported["cases"]} == set(laptop_cases)

    # The laptop comes back online and syncs directly: the platform recognises every revision it already has.
    with_laptop = platform_cases(running)
    client = client_from_folder(laptop.device, timeout=5)
    assert client is not None
    report = sync_once(laptop.store, client, datetime.now(UTC) + timedelta(days=1))
    client.close()
    assert report.stopped is None and not report.quarantined
    assert platform_cases(running) == with_laptop

    # Every case of every PC exactly once, with the number the PC recorded.
    remote = platform_cases(running)
    expected: dict[str, str] = {}
    for pc in (a, b, laptop):
        for case_id, entries in queued(pc.store).items():
            assert len(entries) == 1 and entries[0].status is OutboxStatus.SENT
            expected[case_id] = entries[0].platform_number or ""
    assert {k: v[0] for k, v in remote.items()} == expected
    assert len({v[0] for v in remote.values()}) == len(remote)
    with running.platform.engine.connect() as conn:
        assert len(conn.execute(select(db.case_revisions.c.case_id)).all()) == len(expected)

    # The operator decides; the windows pull the statuses back.
    moves = {
        a: [(PlatformStatus.COMPLETED, None), (PlatformStatus.RETURNED, "缺少死亡医学证明原件")],
        b: [(PlatformStatus.REJECTED, "不符合申请条件")],
    }
    wanted: dict[Pc, dict[uuid.UUID, CaseState]] = {}
    for pc, steps in moves.items():
        ids = sorted(queued(pc.store))
        wanted[pc] = {}
        for case_id, (status, reason) in zip(ids, steps, strict=False):
            set_status(running.platform, case_id, status, reason)
            wanted[pc][uuid.UUID(case_id)] = PLATFORM_TO_STATE[status]
    for pc, states in wanted.items():
        sync_until(pc, lambda pc=pc, states=states: reached(pc, states), publisher)

    # The new catalog is what new intakes at both windows start from.
    for pc in (a, b):
        current = Catalogs(pc.data, publisher.public_key()).current()
        assert current.version == NEW_VERSION
        update = installed_catalog(pc.data, publisher.public_key())
        assert update is not None and update.holidays["2099"]["holidays"] == ["2099-01-01"]

    for pc in (a, b, laptop):
        pc.store.close()
