"""The write paths written as a hand would (issue 11, issue 12): deciding writes its rows straight, builds the
payload from what it writes and appends both audit rows in one chain append; marking a batch sent appends its
rows in one. What is stored must be exactly what the slower, re-reading way stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import ANSWERS, ITEMS, VALUES, WINDOW_3, WINDOW_4, materials
from sqlmodel import Session, col, select

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialStatus, plan_outcomes
from desktop.cases.profile import Profile
from desktop.cases.roles import Role
from desktop.cases.states import CaseState, Decision, IllegalTransition
from desktop.store.audit_log import AuditEntry, ChainHead, UnknownOperator, append_audit, append_audit_rows
from desktop.store.db import write_session
from desktop.store.models import AuditEvent, Case, OutboxEntry
from desktop.store.payload import case_payload, supervision_fields
from desktop.store.repo import Store
from desktop.store.rows import case_detail

M = MaterialStatus
AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def decide(store: Store, case_id: uuid.UUID, decision: Decision, profile: Profile = WINDOW_3, **kw: Any) -> Case:
    second = {Decision.DEFER: M.DEFERRED, Decision.NOTIFY: M.MISSING}.get(decision, M.RECEIVED)
    mats = materials(M.CHECKED, second, M.CHECKED)
    return store.decide(
        case_id, decision, answers=ANSWERS, values=VALUES, items=plan_outcomes(decision, ITEMS, mats),
        materials=mats, profile=profile, **kw,
    )  # fmt: skip


def test_the_queued_payload_is_what_reading_the_written_rows_back_gives(store: Store, tmp_path: Path) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(b"\xff\xd8 a scanned certificate")
    store.add_attachment(draft.id, "m1", scan)
    decide(store, draft.id, Decision.DEFER)
    with Session(store.engine) as session:
        [entry] = session.exec(select(OutboxEntry).where(OutboxEntry.case_id == draft.id)).all()
        case = session.get(Case, draft.id)
        assert case is not None
        decided_row = session.exec(
            select(AuditEvent).where(AuditEvent.case_id == draft.id, AuditEvent.action == "decide")
        ).one()
        detail = case_detail(session, case)
        head = ChainHead(decided_row.id or 0, decided_row.id, decided_row.hash)
        reread = case_payload(case, detail.items, detail.materials, detail.attachments)
        reread |= supervision_fields(session, case, head)
    assert entry.payload == reread
    assert entry.payload["attachments"][0]["material_code"] == "m1"
    assert [m["status"] for m in entry.payload["materials"]] == ["checked", "deferred", "checked"]


def test_the_returned_case_is_the_stored_case(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    returned = decide(store, draft.id, Decision.ACCEPT)
    stored = store.get(draft.id).case
    assert returned.model_dump() == stored.model_dump()
    assert (returned.state, returned.revision, returned.decision) == (CaseState.QUEUED, 1, Decision.ACCEPT)


def test_a_notice_is_numbered_and_written_but_queues_nothing(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    case = decide(store, draft.id, Decision.NOTIFY)
    assert (case.state, case.revision) == (CaseState.SUPPLEMENT_NOTIFIED, 0)
    assert store.has_unsent(draft.id) is False
    actions = [e.action for e in store.audit_events() if e.case_id == draft.id]
    assert actions == ["decide", "draft"]  # newest first: no "queue" row


def test_deciding_and_marking_sent_keep_the_chain_whole_and_in_order(store: Store) -> None:
    drafts = [store.new_draft("birth", "2026.1", WINDOW_3 if i % 2 else WINDOW_4) for i in range(4)]
    for draft in drafts:
        decide(store, draft.id, Decision.ACCEPT, WINDOW_3 if drafts.index(draft) % 2 else WINDOW_4)
    pending = store.pending_outbox(AT + timedelta(days=30), 10)
    store.mark_sent_batch([(int(e.id or 0), f"P{e.id}") for e in pending])
    checked, broken = store.verify_audit()
    assert broken is None
    events = list(reversed(store.audit_events()))
    assert checked == len(events) == 4 * 3 + 4  # draft, decide, queue per case; one "sent" each
    assert [e.id for e in events] == list(range(1, checked + 1))
    sent = [e for e in events if e.action == "sent"]
    assert [e.detail["platform_number"] for e in sent] == [f"P{e.id}" for e in pending]
    assert {store.get(d.id).case.state for d in drafts} == {CaseState.SYNCED}


def test_a_batch_append_chains_as_one_row_at_a_time(tmp_path: Path) -> None:
    entries = [
        AuditEntry(None, AT + timedelta(seconds=i), "system", "export", {"n": i, "名": "导出"}) for i in range(5)
    ]
    one_by_one = Store(tmp_path / "a.sqlite3", clock=Clock())
    batched = Store(tmp_path / "b.sqlite3", clock=Clock())
    try:
        with write_session(one_by_one.engine) as session:
            for e in entries:
                append_audit(session, AuditEvent(case_id=e.case_id, at=e.at, actor=e.actor, action=e.action,
                                                 detail=e.detail))  # fmt: skip
        with write_session(batched.engine) as session:
            rows = append_audit_rows(session, entries)
        assert batched.verify_audit() == (5, None) == one_by_one.verify_audit()
        stored = [(e.id, e.hash) for e in reversed(one_by_one.audit_events())]
        assert [(r.id, r.hash) for r in rows] == stored
        assert batched.audit_head() == rows[-1].head() == one_by_one.audit_head()
    finally:
        one_by_one.close()
        batched.close()


def test_a_decision_by_a_disabled_account_writes_nothing(store: Store) -> None:
    clerk = Profile(WINDOW_3.center_name, WINDOW_3.center_code, WINDOW_3.window_code, "wangfang")
    store.add_account("admin", "管理员", Role.ADMIN, "correct horse 1", actor="system")
    store.add_account(clerk.clerk, "王芳", Role.CLERK, "correct horse 2", actor="admin")
    draft = store.new_draft("birth", "2026.1", clerk)
    store.disable_account(clerk.clerk, actor="admin")
    before = store.verify_audit()
    with pytest.raises(UnknownOperator, match="disabled"):
        decide(store, draft.id, Decision.ACCEPT, clerk)
    case = store.get(draft.id)
    assert (case.case.state, case.case.number, case.items, store.has_unsent(draft.id)) == (
        CaseState.DRAFT, None, [], False,
    )  # fmt: skip
    assert store.verify_audit() == before


def test_a_batch_naming_an_unknown_operator_appends_none_of_it(store: Store) -> None:
    store.add_account("admin", "管理员", Role.ADMIN, "correct horse 1", actor="system")
    before = store.audit_head()
    batch = [AuditEntry(None, AT, "admin", "export", {}), AuditEntry(None, AT, "nobody", "export", {})]
    with pytest.raises(UnknownOperator, match="unknown"), write_session(store.engine) as session:
        append_audit_rows(session, batch)
    assert store.audit_head() == before


def decide_at_once(stores: list[Store], case_id: uuid.UUID) -> list[object]:
    """Both windows decide the case at the same moment; what each got (its Case, or the refusal)."""
    start = threading.Barrier(len(stores))
    outcomes: list[object] = []

    def window(store: Store, profile: Profile) -> None:
        start.wait()
        try:
            outcomes.append(decide(store, case_id, Decision.ACCEPT, profile))
        except IllegalTransition as exc:
            outcomes.append(exc)

    profiles = (WINDOW_3, WINDOW_4)
    threads = [threading.Thread(target=window, args=pair) for pair in zip(stores, profiles, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
def test_two_windows_deciding_one_case_at_once_decide_it_once(pg_url: str, tmp_path: Path) -> None:
    """On a center's server nothing serializes the two reads of the draft: the UPDATE only writes a case still in
    the state it was read in, so the slower window is refused and its number handed back."""
    stores = [Store(pg_url, clock=Clock(), local_dir=tmp_path / f"w{i}") for i in range(2)]
    try:
        for _ in range(5):
            draft = stores[0].new_draft("birth", "2026.1", WINDOW_3)
            outcomes = decide_at_once(stores, draft.id)
            won = [o for o in outcomes if isinstance(o, Case)]
            assert len(won) == 1 and len(outcomes) == 2, outcomes
            assert stores[0].get(draft.id).case.number == won[0].number
            history = stores[0].outbox_history({draft.id})[draft.id]
            assert [revision for _id, revision, _status in history] == [1]
        with Session(stores[0].engine) as session:
            decides = session.exec(select(AuditEvent).where(col(AuditEvent.action) == "decide")).all()
        assert len(decides) == 5
        assert stores[0].verify_audit()[1] is None
    finally:
        for s in stores:
            s.close()
