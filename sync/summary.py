"""What the status bar shows about sync: counts of waiting and refused revisions and the last error."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from desktop.store.models import OutboxEntry, OutboxStatus
from desktop.store.repo import Store


@dataclass(frozen=True)
class OutboxCounts:
    """Revisions waiting to go, refused by the platform, and the newest transient error text."""

    pending: int
    quarantined: int
    last_error: str | None


def outbox_counts(store: Store) -> OutboxCounts:
    with Session(store.engine) as session:
        counts = dict(session.exec(select(OutboxEntry.status, func.count()).group_by(col(OutboxEntry.status))).all())
        last = session.exec(
            select(OutboxEntry.last_error)
            .where(OutboxEntry.status == OutboxStatus.PENDING, col(OutboxEntry.last_error).is_not(None))
            .order_by(col(OutboxEntry.next_attempt_at).desc())
            .limit(1)
        ).first()
    return OutboxCounts(
        pending=int(counts.get(OutboxStatus.PENDING, 0)),
        quarantined=int(counts.get(OutboxStatus.QUARANTINED, 0)),
        last_error=last,
    )
