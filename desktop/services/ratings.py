"""好差评 and 作废 use cases: the applicant rates, the supervisor follows a 差评 up or voids a case."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from desktop.cases.ratings import BAD_REASONS, FOLLOW_UP_LABELS, LEVELS, FollowUpKind, is_bad
from desktop.cases.roles import Permission, require
from desktop.services.hall import Hall
from desktop.store.accounts import AccountInfo
from desktop.store.models import Case, Rating
from desktop.store.ratings import RatingError

__all__ = ["BAD_REASONS", "LEVELS", "RatingError", "RatingSummary", "follow_up", "rate", "rating_summary", "void"]


def rate(
    hall: Hall, case_id: uuid.UUID, level: int, operator: AccountInfo, *, reason: str | None = None, note: str = ""
) -> Rating:
    """The applicant's rating of the case just decided, given at the clerk's window (``operator``)."""
    return hall.store.rate(case_id, level, reason if is_bad(level) else None, note, actor=operator.username)


def follow_up(
    hall: Hall, case_id: uuid.UUID, supervisor: AccountInfo, *, kind: FollowUpKind, on: date, note: str
) -> Rating:
    require(supervisor.role, Permission.FOLLOW_UP_RATING)
    return hall.store.follow_up(case_id, kind, on, note, actor=supervisor.username)


def void(hall: Hall, case_id: uuid.UUID, reason: str, supervisor: AccountInfo) -> Case:
    require(supervisor.role, Permission.VOID_CASE)
    return hall.store.void_case(case_id, reason, actor=supervisor.username)


@dataclass(frozen=True)
class BadRatingLine:
    case_id: uuid.UUID
    number: str
    level: int
    reason: str
    clerk: str
    rated_on: date
    follow_up: str  # "回访 2026-12-01：…" or "" while open


@dataclass(frozen=True)
class RatingSummary:
    counts: dict[str, int]  # "1".."5"
    bad: list[BadRatingLine]

    @property
    def open_bad(self) -> int:
        return sum(1 for b in self.bad if not b.follow_up)


def follow_up_text(rating: Rating) -> str:
    if rating.follow_up_kind is None or rating.follow_up_on is None:
        return ""
    label = FOLLOW_UP_LABELS[FollowUpKind(rating.follow_up_kind)]
    return f"{label} {rating.follow_up_on.isoformat()}：{rating.follow_up_note or ''}"


def rating_summary(hall: Hall, counts: dict[str, int]) -> RatingSummary:
    """Every 差评 in the store with its follow-up, and ``counts`` (a report's ratings) alongside."""
    lines = []
    for r in hall.store.bad_ratings():
        case = hall.store.get(r.case_id).case
        lines.append(
            BadRatingLine(
                r.case_id,
                case.number or "",
                r.level,
                BAD_REASONS.get(r.reason or "", r.reason or ""),
                r.clerk,
                hall.clock.local_day(r.rated_at),
                follow_up_text(r),
            )
        )
    return RatingSummary(counts, lines)
