"""The outbox: revisions waiting for the platform, claimed by one window at a time, what the sync worker marks on
them, and its figures. Once acknowledged a revision keeps only its hash and what a resend names
(:func:`compact_payload`): the case itself stays in its tables."""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, bindparam, func, or_, text, update
from sqlmodel import Session, col, select

from desktop.cases.states import CaseState, check_transition
from desktop.store.audit_log import AuditEntry, append_audit_rows
from desktop.store.base import StoreBase
from desktop.store.columns import UTCDateTime
from desktop.store.db import durable, write_session
from desktop.store.json_columns import pack_forms
from desktop.store.models import Case, OutboxEntry, OutboxStatus
from desktop.store.rows import audit, detached, load_case, load_entry

# written as the partial index ix_outbox_unsent says it (a literal: SQLite matches a partial index by its text)
UNSENT = text("outbox.status <> 'sent'")
CLAIM_LEASE = timedelta(minutes=5)  # longer than one sync run takes to send a batch


def compact_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """What an acknowledged revision keeps: its sha256 over canonical JSON, its size and its attachments' hashes
    when it has any (the case id and revision a resend names are the row's own columns; the case itself is in its
    tables)."""
    if payload.get("compacted"):
        return payload
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    kept: dict[str, Any] = {
        "compacted": True,
        "schema": payload.get("schema"),
        "sha256": hashlib.sha256(canonical).hexdigest(),
        "bytes": len(canonical),
    }
    attachments = [a.get("sha256") for a in payload.get("attachments", [])]
    return kept | {"attachments": attachments} if attachments else kept


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
        rows = self.reads.all(_pending_statement(), {"now": now, "limit": limit})
        return [detached(OutboxEntry, row) for row in rows]

    def claim_outbox(self, now: datetime, limit: int = 50, lease: timedelta = CLAIM_LEASE) -> list[OutboxEntry]:
        """Entries due for sending, oldest first, claimed by this window for ``lease``: several windows draining one
        center store each get their own entries (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so claimers neither wait
        for nor take each other's rows; SQLite: ``BEGIN IMMEDIATE`` serializes them). ``mark_sent`` /
        ``mark_failed`` / ``quarantine`` settle a claim, :meth:`release_claims` hands back what was not tried; a
        claim its window never settles (it crashed) comes due again when the lease ends."""
        until = now + lease
        with write_session(self.engine) as session:
            conn = session.connection()  # Core rows, no identity map: the worker claims hundreds of payloads a run
            entries = [
                detached(OutboxEntry, row) for row in conn.execute(_claim_statement(), {"now": now, "limit": limit})
            ]
            if entries:
                ids = [e.id for e in entries]
                conn.execute(update(OutboxEntry).where(col(OutboxEntry.id).in_(ids)).values(next_attempt_at=until))
                for entry in entries:
                    entry.next_attempt_at = until
        return entries

    def release_claims(self, entries: Iterable[OutboxEntry], now: datetime) -> None:
        """Hand back claimed entries this run did not try (still pending, claim untouched): due again at ``now``."""
        claims: dict[datetime, list[int]] = {}
        for entry in entries:
            claims.setdefault(entry.next_attempt_at, []).append(int(entry.id or 0))
        if not claims:
            return
        with write_session(self.engine) as session:
            for until, ids in claims.items():
                untried = update(OutboxEntry).where(
                    col(OutboxEntry.id).in_(ids),
                    col(OutboxEntry.status) == OutboxStatus.PENDING,
                    col(OutboxEntry.next_attempt_at) == until,
                )
                session.exec(untried.values(next_attempt_at=now))

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
        self.mark_sent_batch([(entry_id, platform_number)])

    def mark_sent_batch(self, sent: Sequence[tuple[int, str | None]]) -> None:
        """:meth:`mark_sent` for many revisions in one durable (fsynced) transaction: the sync worker marks what the
        platform took in batches, not one fsync per case. A crash before it commits loses only the marks; the
        worker resends those revisions and the idempotent platform answers with the same numbers."""
        if not sent:
            return
        ids = [entry_id for entry_id, _number in sent]
        outbox, cases = OutboxEntry.__table__, Case.__table__  # type: ignore[attr-defined]
        with durable(self.engine) as session:  # Core on the session's connection: no entities, one UPDATE each
            conn = session.connection()
            columns = (outbox.c.id, outbox.c.case_id, outbox.c.revision, outbox.c.payload)
            entries = {row.id: row for row in conn.execute(select(*columns).where(outbox.c.id.in_(ids)))}
            missing = [entry_id for entry_id in ids if entry_id not in entries]
            if missing:
                raise KeyError(f"no outbox entry {missing[0]}")
            case_ids = {e.case_id for e in entries.values()}
            newer = select(outbox.c.case_id).where(
                outbox.c.case_id.in_(case_ids), outbox.c.status == OutboxStatus.PENDING, outbox.c.id.not_in(ids)
            )
            synced = case_ids - set(conn.execute(newer).scalars())
            marked = update(outbox).where(outbox.c.id == bindparam("entry_id"))
            marked = marked.values(
                status=OutboxStatus.SENT, platform_number=bindparam("number"), last_error=None,
                payload=bindparam("compacted"), attempts=outbox.c.attempts + 1,
            )  # fmt: skip
            compacted = {entry_id: compact_payload(e.payload) for entry_id, e in entries.items()}
            conn.execute(
                marked, [{"entry_id": i, "number": n, "compacted": compacted[i]} for i, n in sent]
            )  # fmt: skip
            if synced:  # a queued case is synced once no newer revision of it waits
                to_synced = check_transition(CaseState.QUEUED, CaseState.SYNCED)
                conn.execute(
                    update(cases)
                    .where(cases.c.id.in_(synced), cases.c.state == CaseState.QUEUED)
                    .values(state=to_synced)
                )
            marks = [
                AuditEntry(
                    entries[entry_id].case_id, self.clock.now(), "sync", "sent",
                    {"revision": entries[entry_id].revision, "platform_number": platform_number},
                )
                for entry_id, platform_number in sent
            ]  # fmt: skip
            append_audit_rows(session, marks)  # one read of the chain's head, every row hashed in order

    def mark_relayed(self, entry_id: int) -> None:
        """An offline store's revision is now in the center store, whose windows send it (desktop.store.fallback):
        done here, without a platform number and without moving the case."""
        with write_session(self.engine) as session:
            entry = load_entry(session, entry_id)
            entry.status, entry.last_error = OutboxStatus.SENT, None
            entry.payload = compact_payload(entry.payload)
            session.add(entry)
            audit(session, entry.case_id, "sync", "relayed", {"revision": entry.revision}, at=self.clock.now())

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

    def compact_acknowledged(self, batch: int = 2000) -> int:
        """Compact every acknowledged revision still holding its whole payload (a store written before
        compaction); returns how many. Walks the outbox once, in batches: a maintenance run, not start-up. Then packs
        the forms of cases written before migration 0006 (SQLite, desktop.store.json_columns.pack_forms), one batch
        a transaction, so windows writing meanwhile wait for a batch at most."""
        done, last = 0, 0
        while True:
            query = (
                select(OutboxEntry)
                .where(OutboxEntry.status == OutboxStatus.SENT, col(OutboxEntry.id) > last)
                .order_by(col(OutboxEntry.id))
                .limit(batch)
            )
            with write_session(self.engine) as session:
                entries = list(session.exec(query))
                if not entries:
                    break
                for entry in entries:
                    if not entry.payload.get("compacted"):
                        entry.payload = compact_payload(entry.payload)
                        session.add(entry)
                        done += 1
                last = int(entries[-1].id or 0)
        after: int | None = 0
        while after is not None:
            with write_session(self.engine) as session:
                after, _packed = pack_forms(session.connection(), after, batch)
        return done

    def vacuum(self) -> None:
        """Give the pages compaction freed back to the file system (SQLite: VACUUM, which may renumber rows, so
        the FTS index is rebuilt; PostgreSQL: VACUUM ANALYZE)."""
        raw = self.engine.raw_connection()  # VACUUM runs outside any transaction
        try:
            driver: Any = raw.driver_connection
            if self.engine.dialect.name == "sqlite":
                driver.execute("VACUUM")
                driver.execute("INSERT INTO case_fts(case_fts) VALUES ('rebuild')")
            else:
                driver.autocommit = True
                driver.execute("VACUUM ANALYZE")
                driver.autocommit = False
        finally:
            raw.close()

    def outbox_figures(self) -> OutboxFigures:
        """Counts of waiting, failing (waiting after a transient error) and refused revisions (the acknowledged
        ones, a million in four years, are never counted: every query here stays on the status index)."""
        counts_q, failed_q, last_q, refused_q = _figures_statements()
        with self.reads.snapshot() as read:
            counts = {OutboxStatus(k): int(v) for k, v in read(counts_q, {})}
            [(failed,)] = read(failed_q, {})
            last = read(last_q, {})
            refused = read(refused_q, {})
        return OutboxFigures(
            pending=int(counts.get(OutboxStatus.PENDING, 0)),
            failed=int(failed),
            quarantined=int(counts.get(OutboxStatus.QUARANTINED, 0)),
            last_error=last[0][0] if last else None,
            quarantine_reasons={str(case_id): reason or "" for case_id, reason in refused},
        )


@functools.cache
def _pending_statement() -> Any:
    """Built once (see desktop.store.queries._list_statement)."""
    return (
        select(*OutboxEntry.__table__.columns)  # type: ignore[attr-defined]
        .where(
            UNSENT,
            OutboxEntry.status == OutboxStatus.PENDING,
            col(OutboxEntry.next_attempt_at) <= bindparam("now", type_=UTCDateTime()),
        )
        .order_by(col(OutboxEntry.id))
        .limit(bindparam("limit", type_=Integer()))
    )


@functools.cache
def _claim_statement() -> Any:
    """The pending entries, locked for this claim (PostgreSQL: rows another window claims are skipped, not waited
    for)."""
    return _pending_statement().with_for_update(skip_locked=True)


@functools.cache
def _figures_statements() -> tuple[Any, Any, Any, Any]:
    # not IN (…): an IN list's SQL is rendered per call, which DirectReads leaves to SQLAlchemy
    status = col(OutboxEntry.status)
    waiting = or_(status == OutboxStatus.PENDING, status == OutboxStatus.QUARANTINED)
    unsent = and_(UNSENT, waiting)
    waiting_after_error = and_(
        UNSENT, col(OutboxEntry.status) == OutboxStatus.PENDING, col(OutboxEntry.last_error).is_not(None)
    )
    return (
        select(OutboxEntry.status, func.count()).where(unsent).group_by(col(OutboxEntry.status)),
        select(func.count()).where(waiting_after_error),
        select(OutboxEntry.last_error)
        .where(waiting_after_error)
        .order_by(col(OutboxEntry.next_attempt_at).desc())
        .limit(1),
        select(OutboxEntry.case_id, OutboxEntry.last_error)
        .where(UNSENT, OutboxEntry.status == OutboxStatus.QUARANTINED)
        .order_by(col(OutboxEntry.id)),
    )
