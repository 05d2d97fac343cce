import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import ANSWERS, DAY, ITEMS, VALUES, WINDOW_3, WINDOW_4, Clock, materials

from desktop.cases.decisions import MaterialStatus, plan_outcomes
from desktop.cases.numbers import format_number
from desktop.cases.profile import Profile
from desktop.cases.states import CaseState, Decision, IllegalTransition
from desktop.store.models import OutboxStatus
from desktop.store.repo import Store

M = MaterialStatus


def decided(store: Store, decision: Decision = Decision.ACCEPT, profile: Profile = WINDOW_3, **kw: Any) -> Any:
    draft = store.new_draft(kw.pop("bundle", "birth"), "2026.1", profile)
    mats = kw.pop("mats", materials(M.RECEIVED))
    return store.decide(
        draft.id,
        decision,
        answers=ANSWERS,
        values=kw.pop("values", VALUES),
        items=plan_outcomes(decision, ITEMS, mats),
        materials=mats,
        profile=profile,
        **kw,
    )


def test_sent_entry_syncs_the_case_and_platform_states_follow(store: Store) -> None:
    case = decided(store)
    [entry] = store.pending_outbox(case.decided_at)
    store.mark_sent(entry.id, "LN-2026-1")
    assert store.get(case.id).case.state is CaseState.SYNCED
    assert store.pending_outbox(case.decided_at + timedelta(days=1)) == []
    assert store.record_platform_state(case.id, CaseState.PLATFORM_ACCEPTED).state is CaseState.PLATFORM_ACCEPTED
    assert store.record_platform_state(case.id, CaseState.RETURNED).state is CaseState.RETURNED
    assert store.reopen(case.id).case.state is CaseState.SUPPLEMENT_NOTIFIED
    with pytest.raises(ValueError):
        store.record_platform_state(case.id, CaseState.QUEUED)


def test_failed_entry_waits_until_its_next_attempt(store: Store) -> None:
    case = decided(store)
    [entry] = store.pending_outbox(case.decided_at)
    later = case.decided_at + timedelta(minutes=5)
    store.mark_failed(entry.id, "timeout", later)
    assert store.pending_outbox(case.decided_at) == []
    [again] = store.pending_outbox(later)
    assert (again.attempts, again.last_error) == (1, "timeout")


def test_quarantine_and_retry(store: Store, clock: Clock) -> None:
    case = decided(store)
    [entry] = store.pending_outbox(case.decided_at)
    store.quarantine(entry.id, "400 invalid applicant id")
    assert store.get(case.id).case.state is CaseState.QUARANTINED
    assert store.pending_outbox(clock.now + timedelta(days=1)) == []
    store.retry_quarantined(case.id)
    assert store.get(case.id).case.state is CaseState.QUEUED
    [retried] = store.pending_outbox(clock.now)
    assert (retried.id, retried.status, retried.attempts) == (entry.id, OutboxStatus.PENDING, 0)


def test_mark_sent_waits_for_the_newest_revision(store: Store) -> None:
    case = decided(store, Decision.DEFER, mats=materials(M.RECEIVED, M.DEFERRED))
    store.supply_deferred(case.id, ["m1"])
    first, second = store.pending_outbox(store.clock.now())
    store.mark_sent(first.id, None)
    assert store.get(case.id).case.state is CaseState.QUEUED
    store.mark_sent(second.id, "LN-1")
    assert store.get(case.id).case.state is CaseState.SYNCED


def test_completed_case_cannot_go_back(store: Store) -> None:
    case = decided(store)
    [entry] = store.pending_outbox(case.decided_at)
    store.mark_sent(entry.id, "LN-1")
    store.record_platform_state(case.id, CaseState.COMPLETED)
    with pytest.raises(IllegalTransition):
        store.record_platform_state(case.id, CaseState.RETURNED)


def test_list_filters_by_day_state_and_text(store: Store, clock: Clock) -> None:
    accepted = decided(store)
    rejected = decided(store, Decision.REJECT, reason="不属于受理范围", values={"applicant.name": "李四"})
    draft = store.new_draft("death", "2026.1", WINDOW_3)
    clock.now += timedelta(days=1)
    tomorrow = decided(store)
    assert {c.id for c in store.list_cases(day=DAY)} == {accepted.id, rejected.id, draft.id}
    assert [c.id for c in store.list_cases(day=DAY + timedelta(days=1))] == [tomorrow.id]
    assert [c.id for c in store.list_cases(states=[CaseState.DRAFT])] == [draft.id]
    assert [c.id for c in store.list_cases(text="李四")] == [rejected.id]
    assert [c.id for c in store.list_cases(text=format_number(accepted.number))] == [accepted.id]
    assert [c.id for c in store.list_cases(text="49123")][-1] == accepted.id  # part of the ID number
    assert len(store.list_cases(limit=2)) == 2
    assert store.list_cases()[0].id == tomorrow.id
    [row] = store.list_cases(text="李四")
    assert (row.state, row.decision) == (CaseState.QUEUED, Decision.REJECT)


def test_find_by_number_accepts_the_grouped_form(store: Store) -> None:
    case = decided(store)
    found = store.find_by_number(format_number(case.number).lower())
    assert found is not None and found.case.id == case.id
    assert store.find_by_number("210102000-03-261128-9999-0") is None


def test_day_summary_counts_by_decision_bundle_and_clerk(store: Store) -> None:
    decided(store)
    decided(store, bundle="death")
    decided(store, Decision.NOTIFY, WINDOW_4, mats=materials(M.MISSING))
    store.new_draft("birth", "2026.1", WINDOW_3)
    summary = store.day_summary(DAY)
    assert summary.total == 3
    assert summary.by_decision == {"accept": 2, "notify": 1}
    assert summary.by_bundle == {"birth": 2, "death": 1}
    assert summary.by_clerk == {"王芳": 2, "李强": 1}
    assert store.day_summary(date(2026, 11, 27)).total == 0


def test_attachments_are_content_addressed_and_deduplicated(store: Store, tmp_path: Path) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(b"\xff\xd8 fake jpeg")
    copy = tmp_path / "same.jpg"
    copy.write_bytes(scan.read_bytes())
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    first = store.add_attachment(draft.id, "m0", scan)
    second = store.add_attachment(draft.id, "m0", copy)
    other = store.add_attachment(draft.id, "m1", copy)
    assert first.id == second.id and other.id != first.id
    assert first.path == f"{digest[:2]}/{digest}" and first.media_type == "image/jpeg"
    assert store.attachment_path(first).read_bytes() == scan.read_bytes()
    assert [p.name for p in (store.attachments_dir / digest[:2]).iterdir()] == [digest]
    case = store.decide(
        draft.id,
        Decision.ACCEPT,
        answers=ANSWERS,
        values=VALUES,
        items=plan_outcomes(Decision.ACCEPT, ITEMS, []),
        materials=materials(M.RECEIVED, M.RECEIVED),
        profile=WINDOW_3,
    )
    [entry] = store.pending_outbox(case.decided_at)
    assert entry.payload["materials"][0]["attachments"] == [digest]
    assert {a["sha256"] for a in entry.payload["attachments"]} == {digest}


def test_attachment_damaged_on_disk_is_replaced(store: Store, tmp_path: Path) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 fake")
    row = store.add_attachment(draft.id, "m0", scan)
    store.attachment_path(row).write_bytes(b"bit rot")
    store.add_attachment(draft.id, "m0", scan)
    assert store.attachment_path(row).read_bytes() == scan.read_bytes()
