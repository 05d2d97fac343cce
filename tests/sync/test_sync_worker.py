"""The delivery loop against a real reference platform: exactly once, backoff, quarantine, statuses."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from sync_helpers import Clock, Running, enroll, queue_case, queue_deferred_case

from desktop.cases.states import CaseState
from desktop.store.models import OutboxEntry, OutboxStatus
from desktop.store.repo import Store
from sync.client import PlatformClient, client_from_folder, enroll_device, load_platform_key
from sync.crypto import sha256_hex
from sync.platform.operator import create_enrollment_code, set_status
from sync.protocol import PlatformStatus
from sync.state import SyncState, state_path
from sync.worker import BACKOFF_BASE_SECONDS, backoff_delay, sync_once, withheld_statuses


def _outbox(store: Store) -> list[tuple[int, OutboxStatus, str | None]]:
    with Session(store.engine) as session:
        rows = session.exec(select(OutboxEntry).order_by(col(OutboxEntry.id))).all()
        return [(r.revision, r.status, r.platform_number) for r in rows]


def test_queued_cases_and_their_attachments_arrive_once(
    store: Store, client: PlatformClient, running: Running, tmp_path: Path, clock: Clock
) -> None:
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(random.Random(1).randbytes(50_000))
    ids = [queue_case(store, "张三", attachments=[scan]), queue_case(store, "李四")]
    report = sync_once(store, client, clock.now)
    assert report.stopped is None and len(report.sent) == 2
    assert {s.case_id for s in report.sent} == set(ids)
    assert all(store.get(i).case.state is CaseState.SYNCED for i in ids)
    assert running.platform.attachment_bytes(sha256_hex(scan.read_bytes())) == scan.read_bytes()
    again = sync_once(store, client, clock.now)
    assert again.sent == [] and running.platform.counts()["cases"] == 2


def test_resend_after_a_crash_before_mark_sent_gets_the_same_platform_number(
    store: Store, client: PlatformClient, running: Running, clock: Clock
) -> None:
    cid = queue_case(store)
    entry = store.pending_outbox(clock.now)[0]
    # The platform committed, then the window died before recording it.
    first = client.submit_case(str(cid), entry.revision, None, entry.payload, [])
    report = sync_once(store, client, clock.now)
    assert [s.platform_number for s in report.sent] == [first.platform_number]
    assert running.platform.counts()["cases"] == 1


def test_an_edit_after_sending_goes_as_a_new_revision_with_the_same_number(
    store: Store, client: PlatformClient, clock: Clock
) -> None:
    case = queue_deferred_case(store)
    first = sync_once(store, client, clock.now).sent[0]
    store.supply_deferred(case.id, ["hukou"])
    second = sync_once(store, client, clock.now).sent[0]
    assert (second.revision, second.platform_number) == (2, first.platform_number)
    assert client.get_case(str(case.id)).revision == 2


def test_server_errors_back_off_with_jitter_and_retry_later(
    store: Store, client: PlatformClient, running: Running, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = queue_case(store)
    real = running.platform.submit_case

    def broken(*args: object, **kw: object) -> object:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(running.platform, "submit_case", broken)
    report = sync_once(store, client, clock.now)
    assert report.stopped and report.retries and report.sent == []
    retry = report.retries[0]
    assert clock.now <= retry.next_attempt_at <= clock.now + timedelta(seconds=BACKOFF_BASE_SECONDS)
    assert store.get(cid).case.state is CaseState.QUEUED
    monkeypatch.setattr(running.platform, "submit_case", real)
    assert len(sync_once(store, client, retry.next_attempt_at).sent) == 1


def test_backoff_grows_exponentially_under_a_cap() -> None:
    rng = random.Random(7)
    assert max(backoff_delay(0, rng) for _ in range(200)) <= BACKOFF_BASE_SECONDS
    assert max(backoff_delay(3, rng) for _ in range(200)) > BACKOFF_BASE_SECONDS * 4
    assert max(backoff_delay(60, rng) for _ in range(200)) <= 3600


def test_a_refused_case_is_quarantined_without_blocking_the_others(
    store: Store, client: PlatformClient, running: Running, clock: Clock
) -> None:
    bad = queue_case(store, "甲")
    good = queue_case(store, "乙")
    # Another device already owns this case id: the platform answers 403 for it.
    other = PlatformClient(running.url, enroll(running, "另一窗口"), timeout=5)
    other.submit_case(str(bad), 1, None, {"x": 1}, [])
    report = sync_once(store, client, clock.now)
    assert [q.case_id for q in report.quarantined] == [bad]
    assert [s.case_id for s in report.sent] == [good]
    assert store.get(bad).case.state is CaseState.QUARANTINED
    other.close()


def test_a_conflict_is_reported_with_the_platform_revision(store: Store, client: PlatformClient, clock: Clock) -> None:
    cid = queue_case(store)
    taken = client.submit_case(str(cid), 1, None, {"different": True}, [])
    report = sync_once(store, client, clock.now)
    assert len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert (conflict.case_id, conflict.platform_revision, conflict.platform_number) == (cid, 1, taken.platform_number)
    assert store.get(cid).case.state is CaseState.QUARANTINED


def test_damaged_attachment_on_disk_quarantines_the_case(
    store: Store, client: PlatformClient, tmp_path: Path, clock: Clock
) -> None:
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"original bytes")
    cid = queue_case(store, attachments=[scan])
    blob = store.attachments_dir / sha256_hex(b"original bytes")[:2] / sha256_hex(b"original bytes")
    blob.write_bytes(b"bit rot")
    report = sync_once(store, client, clock.now)
    assert [q.case_id for q in report.quarantined] == [cid]
    assert "damaged" in report.quarantined[0].reason


def test_platform_statuses_move_local_cases_and_the_cursor_persists(
    store: Store, client: PlatformClient, running: Running, clock: Clock
) -> None:
    a, b = queue_case(store, "甲"), queue_case(store, "乙")
    sync_once(store, client, clock.now)
    set_status(running.platform, str(a), PlatformStatus.ACCEPTED)
    set_status(running.platform, str(a), PlatformStatus.COMPLETED)
    set_status(running.platform, str(b), PlatformStatus.RETURNED, "缺少死亡证明")
    report = sync_once(store, client, clock.now)
    assert [(c.case_id, c.state) for c in report.status_changes] == [
        (a, CaseState.PLATFORM_ACCEPTED),
        (a, CaseState.COMPLETED),
        (b, CaseState.RETURNED),
    ]
    assert store.get(a).case.state is CaseState.COMPLETED
    assert SyncState(state_path(store.path)).cursor() == 3
    assert sync_once(store, client, clock.now).status_changes == []


def test_a_case_with_unsent_local_changes_is_not_overwritten_by_the_platform(
    store: Store, client: PlatformClient, running: Running, clock: Clock
) -> None:
    case = queue_deferred_case(store)
    sync_once(store, client, clock.now)
    set_status(running.platform, str(case.id), PlatformStatus.ACCEPTED)
    store.supply_deferred(case.id, ["hukou"])  # revision 2 waits in the outbox
    withheld = sync_once(store, client, clock.now, batch=0)
    assert withheld.withheld == [case.id] and withheld.status_changes == []
    assert store.get(case.id).case.state is CaseState.QUEUED
    report = sync_once(store, client, clock.now)
    assert [s.revision for s in report.sent] == [2]
    assert [(c.case_id, c.state) for c in report.status_changes] == [(case.id, CaseState.PLATFORM_ACCEPTED)]


def test_status_bar_counts_follow_the_outbox(store: Store, client: PlatformClient, clock: Clock) -> None:
    queue_case(store, "甲")
    queue_case(store, "乙")
    assert store.outbox_figures().pending == 2
    sync_once(store, client, clock.now)
    counts = store.outbox_figures()
    assert (counts.pending, counts.quarantined) == (0, 0)


def test_enrolled_folder_gives_a_working_client(running: Running, tmp_path: Path) -> None:
    folder = tmp_path / "device"
    assert client_from_folder(folder) is None
    enroll_device(running.url, create_enrollment_code(running.platform, "窗口"), folder, "窗口")
    c = client_from_folder(folder)
    assert c is not None and c.status_updates(0).updates == []
    load_platform_key(folder)
    c.close()


def test_a_status_the_case_cannot_take_now_is_withheld_and_shown_run_after_run(
    store: Store, client: PlatformClient, running: Running, clock: Clock
) -> None:
    """A returned case reopened and edited at the window, then 不予受理 by the platform: never lost."""
    cid = queue_case(store, "赵六")
    sync_once(store, client, clock.now)
    set_status(running.platform, str(cid), PlatformStatus.RETURNED, "缺少死亡证明")
    assert [c.state for c in sync_once(store, client, clock.now).status_changes] == [CaseState.RETURNED]
    store.reopen(cid)
    store.save_draft(cid, {"death_kind": "normal"}, {"applicant.name": "赵六", "applicant.phone": "13800000000"})
    set_status(running.platform, str(cid), PlatformStatus.REJECTED, "不符合受理条件")
    report = sync_once(store, client, clock.now)
    assert report.withheld == [cid] and report.status_changes == []
    state = SyncState(state_path(store.path))
    assert state.cursor() == 2  # the cursor passed it, but only once it was kept
    [held] = withheld_statuses(store)
    assert (held.case_id, held.status, held.reason) == (str(cid), PlatformStatus.REJECTED, "不符合受理条件")
    assert held.why is not None and "已告知补正" in held.why and "平台不予受理" in held.why
    assert store.get(cid).case.state is CaseState.SUPPLEMENT_NOTIFIED  # the clerk's edit is untouched
    again = sync_once(store, client, clock.now)  # still cannot apply: still withheld, still shown
    assert again.withheld == [cid] and withheld_statuses(store) != []
    assert store.get(cid).case.state is CaseState.SUPPLEMENT_NOTIFIED


def test_a_replayed_older_status_is_stale_not_withheld(
    store: Store, client: PlatformClient, running: Running, clock: Clock
) -> None:
    cid = queue_case(store, "钱七")
    sync_once(store, client, clock.now)
    set_status(running.platform, str(cid), PlatformStatus.ACCEPTED)
    set_status(running.platform, str(cid), PlatformStatus.COMPLETED)
    sync_once(store, client, clock.now)
    SyncState(state_path(store.path)).set_cursor(0)  # a crash before the cursor was saved replays the page
    report = sync_once(store, client, clock.now)
    assert report.withheld == [] and report.status_changes == []
    assert store.get(cid).case.state is CaseState.COMPLETED and withheld_statuses(store) == []
