"""Reading cases: one case whole, the case list (a page at a time; the search box), and the figures of a period of
local days. Every query here is served by an index (migration 0005), on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, literal_column, or_, text, tuple_
from sqlmodel import Session, col, select

from desktop.cases.numbers import normalize_number
from desktop.cases.states import CaseState
from desktop.store.base import StoreBase
from desktop.store.models import AuditEvent, Case
from desktop.store.rows import CaseDetail, CaseSummary, DaySummary, case_detail, load_case
from desktop.store.search import SearchKind, SearchTerm, classify, fts_phrase, like_escape

PageKey = tuple[datetime, uuid.UUID]
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
        with Session(self.engine, expire_on_commit=False) as session:
            return case_detail(session, load_case(session, case_id))

    def find_by_number(self, number: str) -> CaseDetail | None:
        """The case with this number, typed grouped or not."""
        with Session(self.engine, expire_on_commit=False) as session:
            case = session.exec(select(Case).where(Case.number == normalize_number(number))).first()
            return None if case is None else case_detail(session, case)

    def list_cases(
        self,
        *,
        day: date | None = None,
        states: Iterable[CaseState] | None = None,
        text: str | None = None,
        limit: int = 500,
        after: PageKey | None = None,
    ) -> list[CaseSummary]:
        """Cases newest first (by ``updated_at``, then id); ``day`` is the hall's local day decided (or created,
        for undecided cases). ``text`` is what was typed in the search box (see desktop.store.search). The next page
        starts ``after`` the last row's :func:`page_key` (keyset pagination: a deep page costs what the first does).
        Only the listed columns are read, never the form's JSON."""
        query = select(*SUMMARY_COLUMNS).order_by(col(Case.updated_at).desc(), col(Case.id).desc()).limit(limit)
        if after is not None:
            query = query.where(tuple_(col(Case.updated_at), col(Case.id)) < after)
        if day is not None:
            start, end = self.clock.day_bounds(day)
            decided, created = col(Case.decided_at), col(Case.created_at)
            query = query.where(
                or_(and_(decided >= start, decided < end), and_(decided.is_(None), created >= start, created < end))
            )
        if states is not None:
            query = query.where(col(Case.state).in_([s.value for s in states]))
        if text and text.strip():
            query = query.where(_text_filter(classify(text), self.engine.dialect.name))
        with Session(self.engine) as session:
            return [CaseSummary(*row) for row in session.exec(query)]

    def drafts(self) -> list[CaseSummary]:
        """Open drafts, newest first (to offer after a crash)."""
        return self.list_cases(states=[CaseState.DRAFT])

    def period_summary(self, first: date, last: date) -> DaySummary:
        """Cases decided from the hall's local day ``first`` to ``last`` (inclusive), counted three ways (one
        grouped query over the covering report index)."""
        start, end = self.clock.period_bounds(first, last)
        query = (
            select(Case.decision, Case.bundle_code, Case.clerk, func.count())
            .where(col(Case.decided_at) >= start, col(Case.decided_at) < end)
            .group_by(col(Case.decision), col(Case.bundle_code), col(Case.clerk))
        )
        by_decision: Counter[str] = Counter()
        by_bundle: Counter[str] = Counter()
        by_clerk: Counter[str] = Counter()
        with Session(self.engine) as session:
            for decision, bundle, clerk, n in session.exec(query):
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

    def audit_trail(self, case_id: uuid.UUID) -> list[AuditEvent]:
        query = select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(col(AuditEvent.id))
        with Session(self.engine) as session:
            return list(session.exec(query))


def page_key(row: CaseSummary) -> PageKey:
    """Where the page after ``row`` starts (pass it as ``list_cases(after=...)``)."""
    return (row.updated_at, row.id)


def _text_filter(term: SearchTerm, dialect: str) -> Any:
    value = term.value
    match term.kind:
        case SearchKind.NUMBER:
            return col(Case.number) == value
        case SearchKind.ID:
            return col(Case.applicant_id) == value
        case SearchKind.PHONE:
            return col(Case.applicant_phone) == value
        case SearchKind.BUNDLE:
            return col(Case.bundle_code) == value
        case SearchKind.KEYWORD if dialect == "sqlite":
            hits = text("SELECT rowid FROM case_fts WHERE case_fts MATCH :phrase").bindparams(phrase=fts_phrase(value))
            return literal_column('"case".rowid').in_(hits)
        case SearchKind.KEYWORD:  # PostgreSQL: the pg_trgm GIN indexes serve it
            pattern = f"%{like_escape(value)}%"
            return or_(
                col(Case.applicant_name).like(pattern, escape="\\"),
                col(Case.applicant_id).like(pattern.upper(), escape="\\"),
            )
        case _ if dialect == "sqlite":  # a surname or a two-character name: a range on the name index
            return and_(col(Case.applicant_name) >= value, col(Case.applicant_name) < value + "\U0010ffff")
        case _:  # pg_trgm serves an anchored LIKE from its start-of-word trigrams
            return col(Case.applicant_name).like(f"{like_escape(value)}%", escape="\\")
