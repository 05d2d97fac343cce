"""What a supervisor reads: the cases of a period with what reports count, and the lists of what is still open.

Counting happens in :mod:`desktop.services.reports`; this module only reads rows (one query each).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import CaseState, Decision
from desktop.store.base import StoreBase
from desktop.store.models import Case, MaterialRecord, Rating


@dataclass(frozen=True)
class SupervisedCase:
    """A case as the supervisor's lists and reports see it."""

    id: uuid.UUID
    number: str | None
    state: CaseState
    decision: Decision | None
    bundle_code: str
    applicant_name: str | None
    clerk: str
    window_code: str
    created_at: datetime
    decided_at: datetime | None
    voided: bool
    rating: int | None
    deferred_deadline: date | None  # the earliest deadline of a material still deferred


def _query(deferred_only: bool = False) -> Any:
    deadline = (
        select(MaterialRecord.case_id, func.min(MaterialRecord.deadline).label("deadline"))
        .where(MaterialRecord.status == MaterialStatus.DEFERRED)
        .group_by(col(MaterialRecord.case_id))
        .subquery()
    )
    query = (
        select(Case, Rating.level, deadline.c.deadline)
        .join(Rating, col(Rating.case_id) == col(Case.id), isouter=True)
        .join(deadline, deadline.c.case_id == col(Case.id), isouter=not deferred_only)
    )
    return query


def _row(case: Case, level: int | None, deadline: date | None) -> SupervisedCase:
    return SupervisedCase(
        id=case.id,
        number=case.number,
        state=case.state,
        decision=case.decision,
        bundle_code=case.bundle_code,
        applicant_name=case.applicant_name,
        clerk=case.clerk,
        window_code=case.window_code,
        created_at=case.created_at,
        decided_at=case.decided_at,
        voided=case.voided_at is not None,
        rating=level,
        deferred_deadline=deadline,
    )


class Supervision(StoreBase):
    def _supervised(
        self, query: Any, clerk: str | None, window: str | None, bundle: str | None
    ) -> list[SupervisedCase]:
        q = query
        if clerk:
            q = q.where(Case.clerk == clerk)
        if window:
            q = q.where(Case.window_code == window)
        if bundle:
            q = q.where(Case.bundle_code == bundle)
        with Session(self.engine) as session:
            return [_row(c, lv, dl) for c, lv, dl in session.exec(q.order_by(col(Case.decided_at)))]

    def decided_between(
        self,
        start: datetime,
        end: datetime,
        *,
        window: str | None = None,
        clerk: str | None = None,
        bundle: str | None = None,
    ) -> list[SupervisedCase]:
        """Cases decided in ``[start, end)`` (voided ones included, flagged), oldest first."""
        query = _query().where(col(Case.decided_at) >= start, col(Case.decided_at) < end)
        return self._supervised(query, clerk, window, bundle)

    def open_deferred(self, *, window: str | None = None, clerk: str | None = None) -> list[SupervisedCase]:
        """容缺受理 cases with materials still missing, not voided, by deadline (soonest first)."""
        query = _query(deferred_only=True).where(Case.decision == Decision.DEFER, col(Case.voided_at).is_(None))
        found = self._supervised(query, clerk, window, None)
        return sorted(found, key=lambda c: (c.deferred_deadline or date.max, c.number or ""))

    def in_states(
        self, states: Iterable[CaseState], *, window: str | None = None, clerk: str | None = None
    ) -> list[SupervisedCase]:
        """Not voided cases in ``states`` (一次性告知 not back: SUPPLEMENT_NOTIFIED; quarantined: QUARANTINED)."""
        query = _query().where(col(Case.state).in_([s.value for s in states]), col(Case.voided_at).is_(None))
        return self._supervised(query, clerk, window, None)
