"""The outbox: revisions waiting for the platform, what the sync worker marks on them, and its figures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from desktop.cases.states import CaseState, check_transition
from desktop.store.base import StoreBase
from desktop.store.db import write_session
from desktop.store.models import OutboxEntry, OutboxStatus
from desktop.store.rows import audit, load_case, load_entry


@dataclass(frozen=True)
class OutboxFigures:
    """What the status bar shows: revisions waiting (of which after a transient error), refused, the newest error."""

    pending: int
    failed: int
    quarantined: int
    last_error: str | None
    quarantine_reasons: dict[str, str]


class Outbox(StoreBase):
    def pending_outbox(self, now: datetime, limit: int = 50) -> list[OutboxEntry]:
        """Entries due for sending, oldest first (a case's revisions stay in order)."""
        query = (
            select(OutboxEntry)
            .where(OutboxEntry.status == OutboxStatus.PENDING, col(OutboxEntry.next_attempt_at) <= now)
            .order_by(col(OutboxEntry.id))
            .limit(limit)
        )
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.exec(query))

    def outbox_history(self, case_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[tuple[int, int, OutboxStatus]]]:
        """Every outbox row (id, revision, status) of these cases."""
        rows: dict[uuid.UUID, list[tuple[int, int, OutboxStatus]]] = {c: [] for c in case_ids}
        if case_ids:
            query = select(OutboxEntry.case_id, OutboxEntry.id, OutboxEntry.revision, OutboxEntry.status).where(
                col(OutboxEntry.case_id).in_(case_ids)
            )
            with Session(self.engine) as session:
                for case_id, entry_id, revision, status in session.exec(query):
                    rows[case_id].append((int(entry_id or 0), revision, OutboxStatus(status)))
        return rows

    def acknowledged_revision(self, case_id: uuid.UUID, below: int) -> int | None:
        """The newest revision of this case under ``below`` that the platform acknowledged, as far as this PC
        knows (the ``base_revision`` a resend names)."""
        query = select(func.max(OutboxEntry.revision)).where(
            OutboxEntry.case_id == case_id,
            OutboxEntry.status == OutboxStatus.SENT,
            col(OutboxEntry.revision) < below,
        )
        with Session(self.engine) as session:
            value = session.exec(query).one()
        return None if value is None else int(value)

    def has_unsent(self, case_id: uuid.UUID) -> bool:
        """A revision of this case has not reached the platform yet (pending or quarantined)."""
        query = select(func.count()).where(OutboxEntry.case_id == case_id, OutboxEntry.status != OutboxStatus.SENT)
        with Session(self.engine) as session:
            return session.exec(query).one() > 0

    def mark_sent(self, entry_id: int, platform_number: str | None) -> None:
        """The platform took this revision; the case is synced once no newer revision waits."""
        with write_session(self.engine) as session:
            entry = load_entry(session, entry_id)
            entry.status, entry.platform_number, entry.last_error = OutboxStatus.SENT, platform_number, None
            entry.attempts += 1
            session.add(entry)
            case = load_case(session, entry.case_id)
            waiting = session.exec(
                select(OutboxEntry.id).where(
                    OutboxEntry.case_id == case.id,
                    OutboxEntry.status == OutboxStatus.PENDING,
                    OutboxEntry.id != entry_id,
                )
            ).first()
            if case.state is CaseState.QUEUED and waiting is None:
                case.state = check_transition(case.state, CaseState.SYNCED)
                session.add(case)
            detail = {"revision": entry.revision, "platform_number": platform_number}
            audit(session, case.id, "sync", "sent", detail, at=self.clock.now())

    def mark_failed(self, entry_id: int, error: str, next_attempt_at: datetime) -> None:
        """A transient failure (network, 5xx): try again at ``next_attempt_at``."""
        with write_session(self.engine) as session:
            entry = load_entry(session, entry_id)
            entry.attempts += 1
            entry.last_error, entry.next_attempt_at = error, next_attempt_at
            session.add(entry)

    def quarantine(self, entry_id: int, reason: str) -> None:
        """The platform refused the revision (4xx): park it until the clerk retries."""
        with write_session(self.engine) as session:
            entry = load_entry(session, entry_id)
            entry.status, entry.last_error = OutboxStatus.QUARANTINED, reason
            entry.attempts += 1
            session.add(entry)
            case = load_case(session, entry.case_id)
            if case.state is not CaseState.QUARANTINED:
                case.state = check_transition(case.state, CaseState.QUARANTINED)
                session.add(case)
            detail = {"revision": entry.revision, "reason": reason}
            audit(session, case.id, "sync", "quarantined", detail, at=self.clock.now())

    def retry_quarantined(self, case_id: uuid.UUID, actor: str = "") -> None:
        """The clerk asks to send a quarantined case again."""
        with write_session(self.engine) as session:
            case = load_case(session, case_id)
            case.state = check_transition(case.state, CaseState.QUEUED)
            now = self.clock.now()
            entries = session.exec(
                select(OutboxEntry).where(
                    OutboxEntry.case_id == case_id, OutboxEntry.status == OutboxStatus.QUARANTINED
                )
            )
            for entry in entries:
                entry.status, entry.attempts, entry.next_attempt_at = OutboxStatus.PENDING, 0, now
                session.add(entry)
            session.add(case)
            audit(session, case_id, actor or case.clerk, "retry", {}, at=now)

    def outbox_figures(self) -> OutboxFigures:
        """Counts of waiting, failing (waiting after a transient error) and refused revisions."""
        with Session(self.engine) as session:
            counts = dict(
                session.exec(select(OutboxEntry.status, func.count()).group_by(col(OutboxEntry.status))).all()
            )
            waiting_after_error = and_(
                col(OutboxEntry.status) == OutboxStatus.PENDING, col(OutboxEntry.last_error).is_not(None)
            )
            failed = session.exec(select(func.count()).where(waiting_after_error)).one()
            last = session.exec(
                select(OutboxEntry.last_error)
                .where(waiting_after_error)
                .order_by(col(OutboxEntry.next_attempt_at).desc())
                .limit(1)
            ).first()
            refused = session.exec(
                select(OutboxEntry.case_id, OutboxEntry.last_error)
                .where(OutboxEntry.status == OutboxStatus.QUARANTINED)
                .order_by(col(OutboxEntry.id))
            ).all()
        return OutboxFigures(
            pending=int(counts.get(OutboxStatus.PENDING, 0)),
            failed=int(failed),
            quarantined=int(counts.get(OutboxStatus.QUARANTINED, 0)),
            last_error=last,
            quarantine_reasons={str(case_id): reason or "" for case_id, reason in refused},
        )
