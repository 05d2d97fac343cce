"""Reading cases: one case whole, the case list, and the figures of a period of local days."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from desktop.cases.numbers import normalize_number
from desktop.cases.states import CaseState
from desktop.store.base import StoreBase
from desktop.store.models import AuditEvent, Case
from desktop.store.rows import CaseDetail, CaseSummary, DaySummary, case_detail, case_summary, load_case


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
    ) -> list[CaseSummary]:
        """Cases newest first; ``day`` is the hall's local day decided (or created, for undecided cases)."""
        query = select(Case).order_by(col(Case.updated_at).desc()).limit(limit)
        if day is not None:
            start, end = self.clock.day_bounds(day)
            when = func.coalesce(Case.decided_at, Case.created_at)
            query = query.where(when >= start, when < end)
        if states is not None:
            query = query.where(col(Case.state).in_([s.value for s in states]))
        if text and text.strip():
            query = query.where(_text_filter(text.strip()))
        with Session(self.engine) as session:
            return [case_summary(c) for c in session.exec(query)]

    def drafts(self) -> list[CaseSummary]:
        """Open drafts, newest first (to offer after a crash)."""
        return self.list_cases(states=[CaseState.DRAFT])

    def period_summary(self, first: date, last: date) -> DaySummary:
        """Cases decided from the hall's local day ``first`` to ``last`` (inclusive), counted three ways."""
        start, end = self.clock.period_bounds(first, last)
        query = select(Case.decision, Case.bundle_code, Case.clerk).where(
            col(Case.decided_at) >= start, col(Case.decided_at) < end
        )
        with Session(self.engine) as session:
            rows = session.exec(query).all()
        return DaySummary(
            day=first,
            total=len(rows),
            by_decision=dict(Counter(str(d) for d, _, _ in rows if d is not None)),
            by_bundle=dict(Counter(b for _, b, _ in rows)),
            by_clerk=dict(Counter(c for _, _, c in rows)),
        )

    def day_summary(self, day: date) -> DaySummary:
        return self.period_summary(day, day)

    def audit_trail(self, case_id: uuid.UUID) -> list[AuditEvent]:
        query = select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(col(AuditEvent.id))
        with Session(self.engine) as session:
            return list(session.exec(query))


def _text_filter(text: str) -> Any:
    pattern = f"%{text}%"
    number = f"%{normalize_number(text)}%"
    return or_(
        col(Case.applicant_name).like(pattern),
        col(Case.applicant_id).like(pattern.upper()),
        col(Case.number).like(number),
        col(Case.bundle_code).like(pattern),
    )
