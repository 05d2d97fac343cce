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
from sqlalchemy import select as sa_select
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


CASE_COLUMNS = (
    "id",
    "number",
    "state",
    "decision",
    "bundle_code",
    "applicant_name",
    "clerk",
    "window_code",
    "created_at",
    "decided_at",
    "voided_at",
)


def _query(deferred_only: bool = False) -> Any:
    """The listed columns of cases (never the form's JSON), their rating and earliest open deferral deadline."""
    deadline = (
        select(MaterialRecord.case_id, func.min(MaterialRecord.deadline).label("deadline"))
        .where(MaterialRecord.status == MaterialStatus.DEFERRED)
        .group_by(col(MaterialRecord.case_id))
        .subquery()
    )
    columns: list[Any] = [*(getattr(Case, name) for name in CASE_COLUMNS), Rating.level, deadline.c.deadline]
    return (
        sa_select(*columns)
        .join(Rating, col(Rating.case_id) == col(Case.id), isouter=True)
        .join(deadline, deadline.c.case_id == col(Case.id), isouter=not deferred_only)
    )


def _row(row: Any) -> SupervisedCase:
    return SupervisedCase(
        id=row.id,
        number=row.number,
        state=row.state,
        decision=row.decision,
        bundle_code=row.bundle_code,
        applicant_name=row.applicant_name,
        clerk=row.clerk,
        window_code=row.window_code,
        created_at=row.created_at,
        decided_at=row.decided_at,
        voided=row.voided_at is not None,
        rating=row.level,
        deferred_deadline=row.deadline,
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
            return [_row(r) for r in session.execute(q.order_by(col(Case.decided_at)))]

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
