"""Reading cases: one case whole, the case list (a page at a time; the search box), and the figures of a period of
local days. Every query here is served by an index (migration 0005), on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, func, literal_column, or_, text, tuple_
from sqlmodel import Session, col, select

from desktop.cases.numbers import normalize_number
from desktop.cases.states import CaseState
from desktop.store.base import StoreBase
from desktop.store.columns import UTCDateTime
from desktop.store.models import Attachment, AuditEvent, Case, CaseItem, MaterialRecord
from desktop.store.rows import CaseDetail, CaseNotFound, CaseSummary, DaySummary, detached, read_statement
from desktop.store.search import SearchKind, SearchTerm, classify, fts_phrase, like_escape

PageKey = tuple[datetime, uuid.UUID]
_ID_TYPE = Case.__table__.c.id.type  # type: ignore[attr-defined]
# the case list's columns, in CaseSummary's order (the form's JSON is never read for a list)
SUMMARY_COLUMNS: tuple[Any, ...] = (
    Case.id,
    Case.number,
    Case.state,
    Case.decision,
    Case.bundle_code,
    Case.applicant_name,
    Case.applicant_id,
    Case.clerk,
    Case.window_code,
    Case.revision,
    Case.created_at,
    Case.updated_at,
    Case.decided_at,
)


class CaseQueries(StoreBase):
    def get(self, case_id: uuid.UUID) -> CaseDetail:
        """A case whole (opening it): four primary-key / case_id lookups in one read transaction, the rows
        built as detached objects straight from the driver's rows."""
        case_q, items_q, materials_q, attachments_q = _detail_statements()
        key = {"case_id": case_id}
        with self.reads.snapshot() as read:
            found = read(case_q, key)
            if not found:
                raise CaseNotFound(str(case_id))
            return CaseDetail(
                detached(Case, found[0]),
                [detached(CaseItem, row) for row in read(items_q, key)],
                [detached(MaterialRecord, row) for row in read(materials_q, key)],
                [detached(Attachment, row) for row in read(attachments_q, key)],
            )

    def find_by_number(self, number: str) -> CaseDetail | None:
        """The case with this number, typed grouped or not."""
        found = self.reads.all(_number_statement(), {"number": normalize_number(number)})
        return None if not found else self.get(found[0][0])

    def list_cases(
        self,
        *,
        day: date | None = None,
        states: Iterable[CaseState] | None = None,
        text: str | None = None,
        limit: int = 500,
        after: PageKey | None = None,
        first: date | None = None,
        last: date | None = None,
        clerk: str | None = None,
        bundles: Iterable[str] | None = None,
    ) -> list[CaseSummary]:
        """Cases newest first (by ``updated_at``, then id); ``day`` is the hall's local day decided (or created,
        for undecided cases); ``first`` / ``last`` bound a period of such days (either may be open); ``clerk`` keeps
        one clerk's cases; ``bundles`` keeps cases of these bundle codes; deleted drafts are left out unless ``states``
        asks for them. ``text`` is what was typed in the search box (see desktop.store.search). The next page
        starts ``after`` the last row's :func:`page_key` (keyset pagination: a deep page costs what the first does).
        Only the listed columns are read, never the form's JSON."""
        params: dict[str, Any] = {}
        if after is not None:
            params["after_at"], params["after_id"] = after
        first, last = (day, day) if day is not None else (first, last)
        if first is not None:
            params["start"] = self.clock.day_bounds(first)[0]
        if last is not None:
            params["end"] = self.clock.day_bounds(last)[1]
        if clerk is not None:
            params["clerk"] = clerk
        if bundles is not None:
            params["bundles"] = sorted(set(bundles))
        state_values = None if states is None else tuple(sorted(s.value for s in states))
        term = classify(text) if text and text.strip() else None
        if term is not None:
            params.update(_search_params(term, self.engine.dialect.name))
        shape = _Shape(
            None if term is None else term.kind, self.engine.dialect.name, after is not None, "start" in params,
            "end" in params, state_values, clerk is not None, bundles is not None, limit,
        )  # fmt: skip
        return [CaseSummary(*row) for row in self.reads.all(_list_statement(shape), params)]

    def drafts(self) -> list[CaseSummary]:
        """Open drafts, newest first (to offer after a crash)."""
        return self.list_cases(states=[CaseState.DRAFT])

    def period_summary(self, first: date, last: date) -> DaySummary:
        """Cases decided from the hall's local day ``first`` to ``last`` (inclusive), counted three ways (one
        grouped query over the covering report index)."""
        start, end = self.clock.period_bounds(first, last)
        by_decision: Counter[str] = Counter()
        by_bundle: Counter[str] = Counter()
        by_clerk: Counter[str] = Counter()
        for decision, bundle, clerk, n in self.reads.all(_period_statement(), {"start": start, "end": end}):
            if decision is not None:
                by_decision[str(decision)] += n
            by_bundle[bundle] += n
            by_clerk[clerk] += n
        return DaySummary(
            day=first,
            total=by_bundle.total(),
            by_decision=dict(by_decision),
            by_bundle=dict(by_bundle),
            by_clerk=dict(by_clerk),
        )

    def day_summary(self, day: date) -> DaySummary:
        return self.period_summary(day, day)

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk load or an upgrade (SQLite: ``PRAGMA optimize`` with a
        bounded ANALYZE; PostgreSQL: ANALYZE)."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("ANALYZE")
                conn.exec_driver_sql("PRAGMA optimize")
            else:
                conn.exec_driver_sql("ANALYZE")

    def audit_trail(self, case_id: uuid.UUID) -> list[AuditEvent]:
        query = select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(col(AuditEvent.id))
        with Session(self.engine) as session:
            return list(session.exec(query))


def page_key(row: CaseSummary) -> PageKey:
    """Where the page after ``row`` starts (pass it as ``list_cases(after=...)``)."""
    return (row.updated_at, row.id)


@dataclass(frozen=True)
class _Shape:
    """What varies between case-list statements (values are bound parameters, not part of the shape)."""

    kind: SearchKind | None
    dialect: str
    after: bool
    start: bool
    end: bool
    states: tuple[str, ...] | None
    clerk: bool
    bundles: bool = False
    limit: int = 500  # written into the SQL: PostgreSQL plans a bound LIMIT for a tenth of the table, not a page


@functools.cache
def _list_statement(shape: _Shape) -> Any:
    """The case list's statement for one shape of request, built once (building and keying a statement costs
    more than running it on an index); values come as bound parameters."""
    newest_first = (col(Case.updated_at).desc(), col(Case.id).desc())
    if shape.dialect == "sqlite" and shape.kind in (SearchKind.KEYWORD, SearchKind.PREFIX):
        # a name finds a few thousand cases: read them by the name / FTS index and sort them, rather than walk the
        # whole list in order looking for them (SQLite's planner may choose the walk when the LIMIT tempts it;
        # a unary + keeps the ordering index out of its choices)
        newest_first = (literal_column('+"case".updated_at').desc(), literal_column('+"case".id').desc())
    query = select(*SUMMARY_COLUMNS).order_by(*newest_first).limit(literal_column(str(int(shape.limit))))
    if shape.after:
        key = tuple_(bindparam("after_at", type_=UTCDateTime()), bindparam("after_id", type_=_ID_TYPE))
        query = query.where(tuple_(col(Case.updated_at), col(Case.id)) < key)
    if shape.start or shape.end:  # the local day decided, or created for an undecided case
        decided, created = col(Case.decided_at), col(Case.created_at)
        start, end = bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
        on_decided = [c for c, wanted in ((decided >= start, shape.start), (decided < end, shape.end)) if wanted]
        on_created = [c for c, wanted in ((created >= start, shape.start), (created < end, shape.end)) if wanted]
        query = query.where(or_(and_(*on_decided), and_(decided.is_(None), *on_created)))
    if shape.states is not None:
        query = query.where(col(Case.state).in_(shape.states))
    else:  # a deleted draft stays only as the audit chain's anchor
        query = query.where(col(Case.state) != CaseState.DISCARDED.value)
    if shape.bundles:
        query = query.where(col(Case.bundle_code).in_(bindparam("bundles", expanding=True)))
    if shape.clerk:
        query = query.where(col(Case.clerk) == bindparam("clerk", type_=String()))
    if shape.kind is not None:
        query = query.where(_text_filter(shape.kind, shape.dialect))
    return query


@functools.cache
def _detail_statements() -> tuple[Any, Any, Any, Any]:
    """What opening a case reads (every column and phrase: desktop.store.rows.read_statement), built once."""
    key = bindparam("case_id", type_=_ID_TYPE)
    case = read_statement(Case).where(col(Case.id) == key)
    parts = (
        read_statement(model).where(col(model.case_id) == key).order_by(col(model.id))
        for model in (CaseItem, MaterialRecord, Attachment)
    )
    return (case, *parts)


@functools.cache
def _number_statement() -> Any:
    return select(Case.id).where(col(Case.number) == bindparam("number", type_=String()))


@functools.cache
def _period_statement() -> Any:
    decided = col(Case.decided_at)
    return (
        select(Case.decision, Case.bundle_code, Case.clerk, func.count())
        .where(decided >= bindparam("start", type_=UTCDateTime()), decided < bindparam("end", type_=UTCDateTime()))
        .group_by(col(Case.decision), col(Case.bundle_code), col(Case.clerk))
    )


def _search_params(term: SearchTerm, dialect: str) -> dict[str, Any]:
    value = term.value
    if term.kind is SearchKind.KEYWORD:
        if dialect == "sqlite":
            return {"phrase": fts_phrase(value)}
        pattern = f"%{like_escape(value)}%"
        return {"pattern": pattern, "pattern_upper": pattern.upper()}
    if term.kind in (SearchKind.PREFIX, SearchKind.INITIAL):
        if dialect == "sqlite":
            return {"low": value, "high": value + "\U0010ffff"}
        return {"pattern": f"{like_escape(value)}%"}
    return {"value": value}


def _text_filter(kind: SearchKind, dialect: str) -> Any:
    value = bindparam("value", type_=String())
    match kind:
        case SearchKind.NUMBER:
            return col(Case.number) == value
        case SearchKind.ID:
            return col(Case.applicant_id) == value
        case SearchKind.PHONE:
            return col(Case.applicant_phone) == value
        case SearchKind.BUNDLE:
            return col(Case.bundle_code) == value
        case SearchKind.KEYWORD if dialect == "sqlite":
            hits = text("SELECT rowid FROM case_fts WHERE case_fts MATCH :phrase")
            return literal_column('"case".rowid').in_(hits)
        case SearchKind.KEYWORD:  # PostgreSQL: the pg_trgm GIN indexes serve it
            return or_(
                col(Case.applicant_name).like(bindparam("pattern", type_=String()), escape="\\"),
                col(Case.applicant_id).like(bindparam("pattern_upper", type_=String()), escape="\\"),
            )
        case SearchKind.INITIAL if dialect == "sqlite":  # a surname: every twentieth case, found walking the list
            low, high = bindparam("low", type_=String()), bindparam("high", type_=String())
            name: Any = literal_column('+"case".applicant_name')  # + keeps the name index (50,000 rows to sort) out
            return and_(name >= low, name < high)
        case _ if dialect == "sqlite":  # a two-character name: a range on the name index
            low, high = bindparam("low", type_=String()), bindparam("high", type_=String())
            return and_(col(Case.applicant_name) >= low, col(Case.applicant_name) < high)
        case _:  # pg_trgm serves an anchored LIKE from its start-of-word trigrams
            return col(Case.applicant_name).like(bindparam("pattern", type_=String()), escape="\\")
