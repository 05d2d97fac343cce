"""Writing cases: drafts, decisions (numbered and queued in one durable transaction), reopenings, deferrals."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from desktop.cases.decisions import (
    DecisionError,
    DecisionInput,
    ItemEntry,
    MaterialEntry,
    MaterialStatus,
    applicant_of,
    decision_problems,
)
from desktop.cases.numbers import make_number, new_query_code
from desktop.cases.profile import Profile
from desktop.cases.states import (
    DECISION_STATE,
    PLATFORM_STATES,
    QUEUED_DECISIONS,
    CaseState,
    Decision,
    IllegalTransition,
    check_transition,
)
from desktop.store.base import StoreBase
from desktop.store.db import durable, next_sequence, write_session
from desktop.store.models import Attachment, Case, CaseItem, MaterialRecord, OutboxEntry
from desktop.store.payload import case_payload, supervision_fields
from desktop.store.rows import CaseDetail, NotEditable, audit, case_detail, load_case
from desktop.store.search import applicant_phone

EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.SUPPLEMENT_NOTIFIED})


class CaseWrites(StoreBase):
    # the first daily sequence a window draws is above this (a window's offline store numbers from 5001:
    # see desktop.store.fallback)
    sequence_floor = 0

    def new_draft(self, bundle_code: str, catalog_version: str, profile: Profile) -> Case:
        now = self.clock.now()
        case = Case(
            bundle_code=bundle_code,
            catalog_version=catalog_version,
            center_name=profile.center_name,
            division_code=profile.center_code,
            window_code=profile.window_code,
            clerk=profile.clerk,
            created_at=now,
            updated_at=now,
        )
        with write_session(self.engine) as session:
            session.add(case)
            session.flush()  # rows without relationships are not ordered by foreign key
            audit(session, case.id, profile.clerk, "draft", {"bundle": bundle_code}, at=now)
        return case

    def save_draft(
        self,
        case_id: uuid.UUID,
        answers: Mapping[str, Any],
        values: Mapping[str, Any],
        materials: Sequence[MaterialEntry] = (),
    ) -> datetime:
        """Autosave of an open case (draft, or reopened after a supplement notice); returns updated_at."""
        with write_session(self.engine) as session:
            case = load_case(session, case_id)
            if case.state not in EDITABLE_STATES:
                raise NotEditable(f"case {case_id} is {case.state.value}; only drafts and reopened cases are edited")
            _set_form(case, answers, values)
            case.updated_at = self.clock.now()
            _replace_materials(session, case_id, materials)
            session.add(case)
            return case.updated_at

    def decide(
        self,
        case_id: uuid.UUID,
        decision: Decision,
        *,
        answers: Mapping[str, Any],
        values: Mapping[str, Any],
        items: Sequence[ItemEntry],
        materials: Sequence[MaterialEntry],
        profile: Profile,
        reason: str | None = None,
        form_errors: Mapping[str, str] | None = None,
    ) -> Case:
        """Record the clerk's decision and each item's outcome, number the case and (when it goes ahead or is
        refused) queue it, all in one durable transaction: once this returns, the receipt may be printed.

        The one decision rule (desktop.cases.decisions) is enforced here as the window applied it."""
        problems = decision_problems(decision, DecisionInput(items, materials, form_errors or {}, reason))
        if problems:
            raise DecisionError(problems)
        with durable(self.engine) as session:
            case = load_case(session, case_id)
            case.state = check_transition(case.state, DECISION_STATE[decision])
            now = self.clock.now()
            if case.number is None:
                case.number = _next_number(session, profile, self.clock.local_day(now), self.sequence_floor)
                case.query_code = new_query_code()
            _set_form(case, answers, values)
            case.decision, case.reason, case.decided_at, case.updated_at = decision, reason, now, now
            case.center_name, case.window_code, case.clerk = profile.center_name, profile.window_code, profile.clerk
            case.division_code = profile.center_code
            _replace_items(session, case_id, items)
            _replace_materials(session, case_id, materials)
            session.add(case)
            outcomes = {i.item_code: i.outcome.value for i in items if i.outcome is not None}
            detail = {"decision": decision.value, "number": case.number, "items": outcomes}
            audit(session, case_id, profile.clerk, "decide", detail, at=now)
            if decision in QUEUED_DECISIONS:
                _queue(session, case, profile.clerk, now)
            return case

    def reopen(self, case_id: uuid.UUID, actor: str = "") -> CaseDetail:
        """Open a supplement-notified or returned case for editing; decide it again afterwards."""
        with write_session(self.engine) as session:
            case = load_case(session, case_id)
            if case.state is not CaseState.SUPPLEMENT_NOTIFIED:
                case.state = check_transition(case.state, CaseState.SUPPLEMENT_NOTIFIED)
                case.updated_at = self.clock.now()
                session.add(case)
                audit(session, case_id, actor or case.clerk, "reopen", {}, at=case.updated_at)
            return case_detail(session, case)

    def supply_deferred(self, case_id: uuid.UUID, material_codes: Iterable[str], actor: str = "") -> Case:
        """Deferred materials came in: mark them received; once none is left the case becomes accepted.

        Either way a new revision is queued for the platform.
        """
        codes = set(material_codes)
        with durable(self.engine) as session:
            case = load_case(session, case_id)
            if case.decision is not Decision.DEFER:
                raise IllegalTransition(case.state, CaseState.ACCEPTED)
            now = self.clock.now()
            left = _receive_deferred(session, case_id, codes)
            if not left:
                check_transition(CaseState.DEFERRED_ACCEPTED, CaseState.ACCEPTED)
                case.decision = Decision.ACCEPT
                _accept_deferred_items(session, case_id)
            case.updated_at = now
            audit(session, case_id, actor or case.clerk, "supply_deferred", {"materials": sorted(codes)}, at=now)
            _queue(session, case, actor or case.clerk, now)
            return case

    def record_platform_state(self, case_id: uuid.UUID, state: CaseState, note: str = "") -> Case:
        """The platform reported 在办 / 办结 / 退件 / 不予受理 for a synced case."""
        if state not in PLATFORM_STATES:
            raise ValueError(f"{state.value} is not a state the platform reports")
        with write_session(self.engine) as session:
            case = load_case(session, case_id)
            case.state = check_transition(case.state, state)
            case.updated_at = self.clock.now()
            session.add(case)
            detail = {"state": state.value, "note": note}
            audit(session, case_id, "platform", "platform_state", detail, at=case.updated_at)
            return case

    def delete_draft(self, case_id: uuid.UUID, *, actor: str) -> None:
        """Delete a draft (never a decided case): its answers, values, applicant, materials and attachments are
        erased in one audited transaction. The row stays as ``discarded`` because the audit rows that name the case
        are hash-chained (removing it would null their ``case_id`` and break the chain); lists leave it out."""
        with write_session(self.engine) as session:
            case = load_case(session, case_id)
            if case.state is not CaseState.DRAFT or case.decision is not None or case.number is not None:
                raise NotEditable(f"case {case_id} is {case.state.value}; only an undecided draft can be deleted")
            case.state = check_transition(case.state, CaseState.DISCARDED)
            _set_form(case, {}, {})
            case.updated_at = self.clock.now()
            for model in (MaterialRecord, CaseItem, Attachment):
                session.exec(delete(model).where(col(model.case_id) == case_id))
            session.add(case)
            audit(session, case_id, actor, "delete_draft", {"bundle": case.bundle_code}, at=case.updated_at)


def _set_form(case: Case, answers: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    case.answers, case.values = dict(answers), dict(values)
    case.applicant_name, case.applicant_id = applicant_of(values)
    case.applicant_phone = applicant_phone(values)


def _next_number(session: Session, profile: Profile, day: date, floor: int = 0) -> str:
    """Draw the window's next daily sequence (above ``floor``) in one upsert. Its row stays locked until the
    decision commits (SQLite: our BEGIN IMMEDIATE; PostgreSQL: the row lock of INSERT … ON CONFLICT DO UPDATE),
    so windows deciding at once queue on it, and a decision that never commits gives its number back."""
    last = session.execute(next_sequence(session.get_bind(), profile.window_key, day, floor)).scalar_one()
    return make_number(profile.center_code, profile.window_code, day, int(last))


def _replace_items(session: Session, case_id: uuid.UUID, items: Sequence[ItemEntry]) -> None:
    session.exec(delete(CaseItem).where(col(CaseItem.case_id) == case_id))
    for item in items:
        session.add(
            CaseItem(
                case_id=case_id,
                item_code=item.item_code,
                applies=item.applies,
                reason=item.reason,
                department=item.department,
                promised_days=item.promised_days,
                promised_date=item.promised_date,
                estimated=item.estimated,
                outcome=item.outcome,
                outcome_reason=item.outcome_reason or None,
            )
        )


def _replace_materials(session: Session, case_id: uuid.UUID, materials: Sequence[MaterialEntry]) -> None:
    session.exec(delete(MaterialRecord).where(col(MaterialRecord.case_id) == case_id))
    for m in materials:
        session.add(
            MaterialRecord(
                case_id=case_id,
                material_code=m.material_code,
                name=m.name,
                status=m.status,
                copies=m.copies,
                deadline=m.deadline,
                items=list(m.items),
            )
        )


def _receive_deferred(session: Session, case_id: uuid.UUID, codes: set[str]) -> int:
    """Mark ``codes`` received; return how many materials stay deferred."""
    records = list(session.exec(select(MaterialRecord).where(MaterialRecord.case_id == case_id)))
    deferred = {r.material_code: r for r in records if r.status is MaterialStatus.DEFERRED}
    unknown = codes - set(deferred)
    if unknown:
        raise ValueError(f"not deferred on this case: {', '.join(sorted(unknown))}")
    for code in codes:
        deferred[code].status, deferred[code].deadline = MaterialStatus.RECEIVED, None
        session.add(deferred[code])
    return len(deferred) - len(codes)


def _accept_deferred_items(session: Session, case_id: uuid.UUID) -> None:
    """Every deferred material arrived: the items that were 容缺受理 are now 受理."""
    for item in session.exec(select(CaseItem).where(CaseItem.case_id == case_id, CaseItem.outcome == Decision.DEFER)):
        item.outcome = Decision.ACCEPT
        session.add(item)


def _queue(session: Session, case: Case, actor: str, now: datetime) -> None:
    """Move the case to queued with a new revision and put that revision in the outbox."""
    if case.state is not CaseState.QUEUED:
        case.state = check_transition(case.state, CaseState.QUEUED)
    case.revision += 1
    session.add(case)
    session.flush()
    detail = case_detail(session, case)
    payload = case_payload(case, detail.items, detail.materials, detail.attachments) | supervision_fields(session, case)
    session.add(
        OutboxEntry(case_id=case.id, revision=case.revision, payload=payload, created_at=now, next_attempt_at=now)
    )
    audit(session, case.id, actor, "queue", {"revision": case.revision}, at=now)
