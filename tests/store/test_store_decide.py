import uuid
from typing import Any

import pytest
from conftest import ANSWERS, DAY, ITEMS, VALUES, WINDOW_3, materials
from sqlmodel import Session, select

from desktop.cases.decisions import DecisionError, MaterialStatus, plan_outcomes
from desktop.cases.numbers import parse_number
from desktop.cases.states import CaseState, Decision, IllegalTransition
from desktop.store import cases as store_cases
from desktop.store.models import AuditEvent, CaseItem, MaterialRecord, OutboxEntry, WindowSequence
from desktop.store.repo import CaseNotFound, NotEditable, Store

M = MaterialStatus


def decide(store: Store, case_id: uuid.UUID, decision: Decision, mats: Any = None, **kw: Any) -> Any:
    mats = materials(M.RECEIVED, M.CHECKED) if mats is None else mats
    return store.decide(
        case_id,
        decision,
        answers=ANSWERS,
        values=VALUES,
        items=plan_outcomes(decision, ITEMS, mats),
        materials=mats,
        profile=WINDOW_3,
        **kw,
    )


def test_accept_numbers_queues_and_writes_everything(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    case = decide(store, draft.id, Decision.ACCEPT)
    assert case.state is CaseState.QUEUED and case.decision is Decision.ACCEPT
    parts = parse_number(case.number)
    assert (parts.center, parts.window, parts.day, parts.sequence) == ("210102000", "03", DAY, 1)
    assert case.query_code is not None and len(case.query_code) == 6
    detail = store.get(draft.id)
    assert [i.item_code for i in detail.items] == ["GA001", "MZ002"]
    assert [m.status for m in detail.materials] == [M.RECEIVED, M.CHECKED]
    assert detail.case.applicant_name == "张三" and detail.case.applicant_id == "11010519491231002X"
    [entry] = store.pending_outbox(case.decided_at)
    assert entry.revision == 1 and entry.payload["number"] == case.number
    assert entry.payload["values"]["applicant.address"] == {"division": "210102", "detail": "中山路1号"}
    assert entry.payload["items"][0]["promised_date"] == "2026-12-05"
    outcomes = {i["item_code"]: i["outcome"] for i in entry.payload["items"]}
    assert outcomes == {"GA001": "accept", "MZ002": None}  # each item's own 办理结果 reaches the platform
    assert [e.action for e in store.audit_trail(draft.id)] == ["draft", "decide", "queue"]


def test_notify_is_numbered_but_not_queued(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    case = decide(store, draft.id, Decision.NOTIFY, materials(M.RECEIVED, M.MISSING))
    assert case.state is CaseState.SUPPLEMENT_NOTIFIED and case.number is not None
    assert store.pending_outbox(case.decided_at) == []


def test_applicant_returns_after_notice_and_keeps_the_number(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    notified = decide(store, draft.id, Decision.NOTIFY, materials(M.MISSING))
    store.reopen(draft.id)
    store.save_draft(draft.id, ANSWERS, VALUES, materials(M.RECEIVED))
    accepted = decide(store, draft.id, Decision.ACCEPT)
    assert accepted.number == notified.number and accepted.state is CaseState.QUEUED


def test_state_machine_refuses_illegal_decisions_through_the_store(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    decide(store, draft.id, Decision.ACCEPT)
    with pytest.raises(IllegalTransition) as info:
        decide(store, draft.id, Decision.REJECT, reason="重复")
    assert (info.value.source, info.value.target) == (CaseState.QUEUED, CaseState.REJECTED)
    with pytest.raises(IllegalTransition):
        store.reopen(draft.id)
    with pytest.raises(IllegalTransition):
        store.retry_quarantined(draft.id)
    with pytest.raises(NotEditable):
        store.save_draft(draft.id, {}, {})
    assert store.get(draft.id).case.state is CaseState.QUEUED


def test_decision_must_fit_the_materials(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    with pytest.raises(DecisionError):
        decide(store, draft.id, Decision.ACCEPT, materials(M.MISSING))
    with pytest.raises(DecisionError):
        decide(store, draft.id, Decision.REJECT)
    assert store.get(draft.id).case.state is CaseState.DRAFT


def test_failure_in_the_middle_of_decide_leaves_nothing_behind(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)

    def explode(*_: object) -> dict[str, object]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_cases, "case_payload", explode)
    with pytest.raises(RuntimeError):
        decide(store, draft.id, Decision.ACCEPT)
    with Session(store.engine) as session:
        for table in (CaseItem, MaterialRecord, OutboxEntry, WindowSequence):
            assert session.exec(select(table)).all() == []
        assert [a.action for a in session.exec(select(AuditEvent))] == ["draft"]
    case = store.get(draft.id).case
    assert (case.state, case.number, case.decision, case.revision) == (CaseState.DRAFT, None, None, 0)
    monkeypatch.undo()
    assert parse_number(decide(store, draft.id, Decision.ACCEPT).number).sequence == 1


def test_defer_then_supply_everything_becomes_accepted_with_a_new_revision(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    deferred = decide(store, draft.id, Decision.DEFER, materials(M.RECEIVED, M.DEFERRED, M.DEFERRED))
    assert deferred.decision is Decision.DEFER
    partly = store.supply_deferred(draft.id, ["m1"])
    assert partly.decision is Decision.DEFER and partly.revision == 2
    with pytest.raises(ValueError, match="not deferred"):
        store.supply_deferred(draft.id, ["m0"])
    done = store.supply_deferred(draft.id, ["m2"])
    assert done.decision is Decision.ACCEPT and done.state is CaseState.QUEUED and done.revision == 3
    revisions = [e.revision for e in store.pending_outbox(done.updated_at)]
    assert revisions == [1, 2, 3]
    assert [m.status for m in store.get(draft.id).materials] == [M.RECEIVED] * 3


def test_supply_deferred_on_an_accepted_case_is_refused(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    decide(store, draft.id, Decision.ACCEPT)
    with pytest.raises(IllegalTransition):
        store.supply_deferred(draft.id, ["m0"])


def test_unknown_case_is_reported(store: Store) -> None:
    with pytest.raises(CaseNotFound):
        store.get(uuid.uuid4())
