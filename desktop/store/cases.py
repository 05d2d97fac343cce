"""Writing cases: drafts, decisions (numbered and queued in one durable transaction), reopenings, deferrals."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, bindparam, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, col, delete, select

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
from desktop.store.audit_log import AuditEntry, append_audit_rows
from desktop.store.base import StoreBase
from desktop.store.db import durable, next_sequence, write_session
from desktop.store.driver import insert_of, run, run_many
from desktop.store.models import PHRASES, Attachment, Case, CaseItem, MaterialRecord, OutboxEntry, OutboxStatus
from desktop.store.payload import case_attachments, case_payload, supervision_fields
from desktop.store.phrases import case_texts
from desktop.store.rows import CaseDetail, CaseNotFound, NotEditable, audit, case_detail, detached, load_case
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
            center_name_id=self.phrases.ids([profile.center_name])[profile.center_name],
            division_code=profile.center_code,
            window_code=profile.window_code,
            clerk=profile.clerk,
            created_at=now,
            updated_at=now,
        )
        set_committed_value(case, "center_name", profile.center_name)  # what its phrase reads (models.PHRASES)
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
        phrases = self.phrases.ids(m.name for m in materials)
        with write_session(self.engine) as session:
            case = load_case(session, case_id)
            if case.state not in EDITABLE_STATES:
                raise NotEditable(f"case {case_id} is {case.state.value}; only drafts and reopened cases are edited")
            _set_form(case, answers, values)
            case.updated_at = self.clock.now()
            rows = [_material_row(case_id, m) for m in materials]
            _replace_rows(session.connection(), MaterialRecord, case_id, rows, phrases)
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

        The one decision rule (desktop.cases.decisions) is enforced here as the window applied it.

        The rows are written as a hand would: one UPDATE of the case, the items and materials in one INSERT each,
        both audit rows in one chain append, one outbox INSERT; the payload is built from what is written, not
        read back. Texts are written as phrase ids, known beforehand (desktop.store.phrases)."""
        problems = decision_problems(decision, DecisionInput(items, materials, form_errors or {}, reason))
        if problems:
            raise DecisionError(problems)
        phrases = self.phrases.ids(case_texts(profile.center_name, items, materials))
        with durable(self.engine) as session:
            conn = session.connection()
            row = _read_case(conn, case_id)  # the stored columns: written below by one UPDATE, not by a session
            was = row["state"]
            state = check_transition(was, DECISION_STATE[decision])
            now = self.clock.now()
            if row["number"] is None:
                row["number"] = _next_number(conn, profile, self.clock.local_day(now), self.sequence_floor)
                row["query_code"] = new_query_code()
            row |= _form_columns(answers, values) | {
                "decision": decision, "reason": reason, "decided_at": now, "updated_at": now,
                "center_name": profile.center_name, "center_name_id": phrases[profile.center_name],
                "window_code": profile.window_code, "clerk": profile.clerk, "division_code": profile.center_code,
            }  # fmt: skip
            queued = decision in QUEUED_DECISIONS
            if queued:
                if state is not CaseState.QUEUED:
                    state = check_transition(state, CaseState.QUEUED)
                row["revision"] += 1
            row["state"] = state
            case = _detached(row)
            _update_decided(conn, row, was)
            item_rows = [_item_row(case_id, i) for i in items]
            material_rows = [_material_row(case_id, m) for m in materials]
            _replace_rows(conn, CaseItem, case_id, item_rows, phrases)
            _replace_rows(conn, MaterialRecord, case_id, material_rows, phrases)
            outcomes = {i.item_code: i.outcome.value for i in items if i.outcome is not None}
            detail = {"decision": decision.value, "number": case.number, "items": outcomes}
            rows = [AuditEntry(case_id, now, profile.clerk, "decide", detail)]
            if queued:
                rows.append(AuditEntry(case_id, now, profile.clerk, "queue", {"revision": case.revision}))
            decided, *_ = append_audit_rows(session, rows)
            if queued:  # the revision carries the chain's head as it was once the decision was recorded
                payload = case_payload(case, item_rows, material_rows, case_attachments(conn, case_id))
                payload |= supervision_fields(session, case, decided.head())
                run(conn, _outbox_insert(), _outbox_row(case, payload, now))
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
    for name, value in _form_columns(answers, values).items():
        setattr(case, name, value)


def _form_columns(answers: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """The case's columns the form fills: the answers and values, and the applicant copied out of them."""
    name, id_number = applicant_of(values)
    return {
        "answers": dict(answers), "values": dict(values), "applicant_name": name, "applicant_id": id_number,
        "applicant_phone": applicant_phone(values),
    }  # fmt: skip


def _next_number(conn: Connection, profile: Profile, day: date, floor: int = 0) -> str:
    """Draw the window's next daily sequence (above ``floor``) in one upsert. Its row stays locked until the
    decision commits (SQLite: our BEGIN IMMEDIATE; PostgreSQL: the row lock of INSERT … ON CONFLICT DO UPDATE),
    so windows deciding at once queue on it, and a decision that never commits gives its number back."""
    [(last,)] = run(conn, _sequence_statement(conn, floor), {"window_key": profile.window_key, "day": day}).rows
    return make_number(profile.center_code, profile.window_code, day, int(last))


_sequence_statements: dict[tuple[str, int], Any] = {}


def _sequence_statement(conn: Connection, floor: int) -> Any:
    """desktop.store.db.next_sequence built once per dialect and floor; each call binds its window and day."""
    key = (conn.dialect.name, floor)
    statement = _sequence_statements.get(key)
    if statement is None:
        statement = _sequence_statements[key] = next_sequence(conn, "", date.min, floor)
    return statement


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
    run(session.connection(), _outbox_insert(), _outbox_row(case, payload, now))
    audit(session, case.id, actor, "queue", {"revision": case.revision}, at=now)


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


class _ItemRow(NamedTuple):
    """A ``case_item`` row as decide writes it (and the payload reads it)."""

    case_id: uuid.UUID
    item_code: str
    applies: bool
    reason: str
    department: str
    promised_days: int | None
    promised_date: date | None
    estimated: bool
    outcome: Decision | None
    outcome_reason: str | None


class _MaterialRow(NamedTuple):
    """A ``material_record`` row as decide writes it (and the payload reads it)."""

    case_id: uuid.UUID
    material_code: str
    name: str
    status: MaterialStatus
    copies: int
    deadline: date | None
    items: list[str]


def _item_row(case_id: uuid.UUID, i: ItemEntry) -> _ItemRow:
    return _ItemRow(
        case_id, i.item_code, i.applies, i.reason, i.department, i.promised_days, i.promised_date, i.estimated,
        i.outcome, i.outcome_reason or None,
    )  # fmt: skip


def _material_row(case_id: uuid.UUID, m: MaterialEntry) -> _MaterialRow:
    return _MaterialRow(case_id, m.material_code, m.name, m.status, m.copies, m.deadline, list(m.items))


def _replace_rows(
    conn: Connection,
    model: type[CaseItem] | type[MaterialRecord],
    case_id: uuid.UUID,
    rows: Sequence[_ItemRow | _MaterialRow],
    phrases: Mapping[str, int],
) -> None:
    """The case's rows of ``model`` become ``rows`` (one DELETE, one INSERT for all), each text of
    ``models.PHRASES`` written as its id in ``phrases``."""
    delete_q, insert_q = _replace_statements(model)
    texts = PHRASES[model]
    run(conn, delete_q, {"case_id": case_id})
    run_many(conn, insert_q, [r._asdict() | {f"{t}_id": phrases[getattr(r, t)] for t in texts} for r in rows])


OUTBOX_COLUMNS = (
    "case_id", "revision", "payload", "created_at", "attempts", "next_attempt_at", "status", "last_error",
    "platform_number",
)  # fmt: skip


def _outbox_row(case: Case, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "case_id": case.id, "revision": case.revision, "payload": payload, "created_at": now, "attempts": 0,
        "next_attempt_at": now, "status": OutboxStatus.PENDING, "last_error": None, "platform_number": None,
    }  # fmt: skip


def _read_case(conn: Connection, case_id: uuid.UUID) -> dict[str, Any]:
    """The case's columns by name (one SELECT on the driver)."""
    rows = run(conn, _case_select(), {"case_id": case_id}).rows
    if not rows:
        raise CaseNotFound(str(case_id))
    return dict(zip(CASE_COLUMNS, rows[0], strict=True))


def _detached(row: dict[str, Any]) -> Case:
    """The decided ``Case`` of these columns, detached as if the session that loaded it had closed."""
    case = detached(Case, row)
    make_transient_to_detached(case)
    return case


def _update_decided(conn: Connection, row: Mapping[str, Any], was: CaseState) -> None:
    """Write the decided case in one UPDATE, provided it is still in the state it was read in (on PostgreSQL
    another window may have decided it since: its row lock makes this wait, then match nothing)."""
    params = {f"v_{name}": row[name] for name in DECIDED_COLUMNS}
    if run(conn, _case_update(), params | {"case_id": row["id"], "was": was}).rowcount != 1:
        [(now_state,)] = run(conn, _case_state(), {"case_id": row["id"]}).rows
        raise IllegalTransition(now_state, row["state"])


DECIDED_COLUMNS = (
    "state", "number", "query_code", "answers", "values", "applicant_name", "applicant_id", "applicant_phone",
    "decision", "reason", "decided_at", "updated_at", "center_name_id", "window_code", "clerk", "division_code",
    "revision",
)  # fmt: skip


@functools.cache
def _case_update() -> Any:
    table = _table(Case)
    return (
        update(table)
        .where(table.c.id == bindparam("case_id"), table.c.state == bindparam("was"))
        .values({table.c[name]: bindparam(f"v_{name}") for name in DECIDED_COLUMNS})
    )


CASE_COLUMNS = tuple(column.key for column in _table(Case).columns)


@functools.cache
def _case_select() -> Any:
    return select(*(getattr(Case, name) for name in CASE_COLUMNS)).where(col(Case.id) == bindparam("case_id"))


@functools.cache
def _case_state() -> Any:
    return select(Case.state).where(Case.id == bindparam("case_id"))


@functools.cache
def _replace_statements(model: type[CaseItem] | type[MaterialRecord]) -> tuple[Any, Any]:
    table = _table(model)
    row = _ItemRow if model is CaseItem else _MaterialRow
    stored = [f"{name}_id" if name in PHRASES[model] else name for name in row._fields]  # a text as its phrase
    return delete(table).where(table.c.case_id == bindparam("case_id")), insert_of(table, stored)


@functools.cache
def _outbox_insert() -> Any:
    return insert_of(_table(OutboxEntry), OUTBOX_COLUMNS)
