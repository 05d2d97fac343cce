"""好差评 and 作废: the applicant's rating of a case, the supervisor's follow-up of a 差评, and voiding a case.

A rating, a follow-up and a void are stored with the case and travel with it: each queues a new revision of a case
that is queued or synced already (the payload carries ``rating`` and ``void``; see desktop/store/payload.py).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Session, col, select

from desktop.cases.ratings import BAD_LEVELS, FollowUpKind, check_rating, is_bad
from desktop.cases.roles import NotPermitted, Permission, can
from desktop.cases.states import CaseState
from desktop.store.base import StoreBase
from desktop.store.cases import _queue as queue_revision
from desktop.store.db import durable, write_session
from desktop.store.models import Account, Case, Rating
from desktop.store.rows import audit, load_case

REQUEUE_STATES = frozenset({CaseState.QUEUED, CaseState.SYNCED})
"""A case in these states goes to the platform again when its rating, follow-up or void changes; in any other
state it travels with the next revision the window queues."""


class RatingError(ValueError):
    """A rating or follow-up that does not fit the case (not decided, rated already, not a 差评…)."""


def _require(session: Session, actor: str, permission: Permission) -> None:
    account = session.exec(select(Account).where(Account.username == actor)).first()
    if account is None or not account.enabled or not can(account.role, permission):
        raise NotPermitted(f"{actor!r} may not {permission.value.replace('_', ' ')}")


def _requeue(session: Session, case: Case, actor: str, now: datetime) -> None:
    if case.state in REQUEUE_STATES:
        queue_revision(session, case, actor, now)


class Ratings(StoreBase):
    def rate(self, case_id: uuid.UUID, level: int, reason: str | None = None, note: str = "", *, actor: str) -> Rating:
        """The applicant's rating of a decided case (one per case); ``actor`` is the clerk at the window."""
        check_rating(level, reason)
        with durable(self.engine) as session:
            case = load_case(session, case_id)
            if case.decision is None or case.voided_at is not None:
                raise RatingError("only a decided, not voided case can be rated")
            if session.exec(select(Rating).where(Rating.case_id == case_id)).first() is not None:
                raise RatingError(f"case {case.number} is rated already (one rating per visit)")
            now = self.clock.now()
            rating = Rating(
                case_id=case_id, level=level, reason=reason, note=note.strip(), clerk=case.clerk, rated_at=now
            )
            session.add(rating)
            session.flush()
            audit(session, case_id, actor, "rate", {"level": level, "reason": reason}, at=now)
            _requeue(session, case, actor, now)
            return rating

    def follow_up(self, case_id: uuid.UUID, kind: FollowUpKind, on: date, note: str, *, actor: str) -> Rating:
        """The supervisor's 回访 or 整改 of a 差评, with its date and a note."""
        if not note.strip():
            raise RatingError("a follow-up needs a note (what was said or done)")
        with write_session(self.engine) as session:
            _require(session, actor, Permission.FOLLOW_UP_RATING)
            rating = session.exec(select(Rating).where(Rating.case_id == case_id)).first()
            if rating is None or not is_bad(rating.level):
                raise RatingError("only a 差评 (level 1 or 2) gets a follow-up")
            now = self.clock.now()
            rating.follow_up_kind, rating.follow_up_on = kind.value, on
            rating.follow_up_note, rating.follow_up_by = note.strip(), actor
            session.add(rating)
            detail = {"kind": kind.value, "on": on.isoformat(), "note": note.strip()}
            audit(session, case_id, actor, "rating_follow_up", detail, at=now)
            _requeue(session, load_case(session, case_id), actor, now)
            return rating

    def rating_of(self, case_id: uuid.UUID) -> Rating | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.exec(select(Rating).where(Rating.case_id == case_id)).first()

    def bad_ratings(self, *, open_only: bool = False) -> list[Rating]:
        """Every 差评, newest first (``open_only``: those without a follow-up yet)."""
        query = select(Rating).where(col(Rating.level) <= max(BAD_LEVELS)).order_by(col(Rating.rated_at).desc())
        if open_only:
            query = query.where(col(Rating.follow_up_kind).is_(None))
        with Session(self.engine) as session:
            return list(session.exec(query))

    def void_case(self, case_id: uuid.UUID, reason: str, *, actor: str) -> Case:
        """作废: a supervisor cancels a decided case with a reason. The case is kept (never deleted), leaves the
        reports' counts, and the platform learns of it with the next revision."""
        if not reason.strip():
            raise RatingError("a void needs a reason")
        with durable(self.engine) as session:
            _require(session, actor, Permission.VOID_CASE)
            case = load_case(session, case_id)
            if case.voided_at is not None:
                raise RatingError(f"case {case.number} is void already")
            if case.decision is None:
                raise RatingError("a draft is deleted, not voided")
            now = self.clock.now()
            case.voided_at, case.voided_by, case.void_reason, case.updated_at = now, actor, reason.strip(), now
            session.add(case)
            audit(session, case_id, actor, "void", {"reason": reason.strip(), "number": case.number}, at=now)
            _requeue(session, case, actor, now)
            return case
