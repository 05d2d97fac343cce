"""The tamper-evident audit log: every row carries the hash of the row before it.

``hash = sha256(prev_hash + canonical JSON of the row)``, where ``prev_hash`` is the hash of the row before it in
id order (64 hex characters; the first row's is :data:`GENESIS`) and the canonical JSON is the row's id, case id, UTC
instant (ISO 8601 with microseconds), actor, action and detail, keys sorted, no spaces, UTF-8. A row stores only its
hash, as 32 bytes (migration 0007; everything that shows one shows hex): verifying walks the rows in id order and
recomputes each from the one before. Editing any stored field of a row breaks that row's hash; deleting, inserting
or reordering rows breaks the hash of the next row (it was hashed on another predecessor, and its id is hashed
too); the chain's head (the newest row's hash) travels with every case revision synced to the platform, so cutting
rows off the end shows against what the platform last saw.

Every row's actor is an enabled account (``desktop.store.models.Account``) or one of the system actors
(:data:`desktop.cases.roles.SYSTEM_ACTORS`): once a store has accounts, an unknown or disabled operator is refused
and the whole write rolls back.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, exists, text
from sqlmodel import Session, col, select

from desktop.cases.roles import SYSTEM_ACTORS
from desktop.store.base import StoreBase
from desktop.store.db import write_session
from desktop.store.driver import insert_of, run, run_many
from desktop.store.models import Account, AuditEvent

GENESIS = "0" * 64
"""What the first row is hashed on, as if the hash of a row before it."""


CHAIN_LOCK = 0x59495348  # "YISH": the advisory lock a PostgreSQL store's chain appends serialize on


class UnknownOperator(PermissionError):  # noqa: N818 - reads as what happened
    """The actor named for a write is not an enabled account of this store."""


@dataclass(frozen=True)
class ChainHead:
    """The newest audit row: how many rows the chain has, its last id and hash (what sync carries)."""

    count: int
    last_id: int | None
    hash: str

    def as_payload(self) -> dict[str, Any]:
        return {"count": self.count, "last_id": self.last_id, "hash": self.hash}


@dataclass(frozen=True)
class Break:
    """The first row where the chain does not hold, and why."""

    row_id: int
    reason: str


def canonical_row(
    row_id: int, case_id: uuid.UUID | None, at: datetime, *, actor: str, action: str, detail: dict[str, Any]
) -> bytes:
    """The bytes a row's hash covers (besides the previous hash)."""
    if at.tzinfo is None:
        raise ValueError("audit instants must be timezone-aware")
    body = {
        "id": row_id,
        "case_id": None if case_id is None else str(case_id),
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "detail": detail,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def row_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()


class AuditRow(Protocol):
    """What hashing reads of a row: an ``AuditEvent``, or a plain result row of its columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def case_id(self) -> uuid.UUID | None: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def detail(self) -> dict[str, Any]: ...
    @property
    def hash(self) -> str: ...


def event_hash(event: AuditRow, prev_hash: str) -> str:
    if event.id is None:
        raise ValueError("an audit row is hashed once it has its id")
    canonical = canonical_row(
        event.id, event.case_id, event.at, actor=event.actor, action=event.action, detail=dict(event.detail)
    )
    return row_hash(prev_hash, canonical)


@dataclass(frozen=True)
class AuditEntry:
    """One row to append: what it says, before the chain gives it an id and hashes."""

    case_id: uuid.UUID | None
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class ChainedRow:
    """An appended row's place in the chain: its id and hash (64 hex characters)."""

    id: int
    hash: str

    def head(self) -> ChainHead:
        """The chain's head once this row is its newest."""
        return ChainHead(self.id, self.id, self.hash)


CHAIN_COLUMNS = ("hash",)
"""The columns of ``audit_event`` that hold a row's place in the chain besides its id, in the order ``chain_values``
gives them."""


def chain_values(row: ChainedRow) -> tuple[Any, ...]:
    """What the chain columns of ``row`` hold as the database driver takes them (``CHAIN_COLUMNS``, in order): for
    a writer of plain SQL, which the columns' type does not convert."""
    return (bytes.fromhex(row.hash),)


def chain_rows(head: ChainHead, entries: Iterable[AuditEntry]) -> list[ChainedRow]:
    """Give ``entries`` their ids and hashes in order after ``head`` (ids the head's + 1, + 2, …; each row hashed
    on the one before it). Pure: the caller writes the rows, under the lock that keeps ``head`` the head."""
    row_id, prev = head.last_id or 0, head.hash
    chained = []
    for entry in entries:
        row_id += 1
        digest = row_hash(
            prev,
            canonical_row(row_id, entry.case_id, entry.at, actor=entry.actor, action=entry.action, detail=entry.detail),
        )
        chained.append(ChainedRow(row_id, digest))
        prev = digest
    return chained


def check_operator(session: Session, actor: str) -> None:
    """Refuse ``actor`` unless it is a system actor or an enabled account (stores without accounts accept any)."""
    _check_operators(session.connection(), [actor])


def _check_operators(conn: Connection, actors: Iterable[str]) -> None:
    for actor in dict.fromkeys(actors):
        if actor in SYSTEM_ACTORS:
            continue
        [(enabled, any_account)] = run(conn, _operator_statement(), {"actor": actor}).rows
        if enabled or not any_account:
            continue  # an enabled account; or a store from before accounts (the app creates the administrator first)
        state = "disabled" if enabled is not None else "unknown"
        raise UnknownOperator(f"{state} operator {actor!r}: every case and audit row must name an enabled account")


def append_audit(session: Session, event: AuditEvent) -> AuditEvent:
    """Add ``event`` at the head of the chain inside the caller's write transaction (``BEGIN IMMEDIATE``); it gets
    its id and hashes (the row is written by one INSERT, not through the session: don't add it again)."""
    session.flush()  # the rows it may name (a new case) go first: foreign keys are checked at once
    entry = AuditEntry(event.case_id, event.at, event.actor, event.action, dict(event.detail))
    [row] = append_audit_rows(session, [entry])
    event.id, event.hash = row.id, row.hash
    return event


def append_audit_rows(session: Session, entries: Sequence[AuditEntry]) -> list[ChainedRow]:
    """Append ``entries`` in order at the head of the chain inside the caller's write transaction: their actors
    checked once each, one read of the head, each row hashed on the one before it, one INSERT for all (Core, not
    the unit of work: flush anything they name first). Returns each row's id and hashes, in order."""
    if not entries:
        return []
    conn = session.connection()
    _check_operators(conn, (e.actor for e in entries))
    if conn.dialect.name == "postgresql":  # several windows on one server: one writer at the head
        run(conn, _lock_statement(), {"key": CHAIN_LOCK})
    # ids are chosen here (the head's + 1, under the write lock) so each row is hashed before the INSERT
    chained = chain_rows(_head(conn), entries)
    rows = [  # the hash as hex: the column's type stores its bytes
        {"id": c.id, "case_id": e.case_id, "at": e.at, "actor": e.actor, "action": e.action, "detail": e.detail,
         "hash": c.hash}
        for e, c in zip(entries, chained, strict=True)
    ]  # fmt: skip
    run_many(conn, _insert_statement(), rows)
    return chained


@functools.cache
def _operator_statement() -> Any:
    """(the actor's ``enabled``, or NULL when no account has that name; whether the store has any account)."""
    enabled = select(Account.enabled).where(Account.username == bindparam("actor")).scalar_subquery()
    return select(enabled, exists().select_from(Account))


@functools.cache
def _head_statement() -> Any:
    return select(AuditEvent.id, AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)


@functools.cache
def _lock_statement() -> Any:
    return text("SELECT pg_advisory_xact_lock(:key)")


@functools.cache
def _insert_statement() -> Any:
    columns = ("id", "case_id", "at", "actor", "action", "detail", *CHAIN_COLUMNS)
    return insert_of(AuditEvent.__table__, columns)  # type: ignore[attr-defined]


def chain_head(session: Session) -> ChainHead:
    """The newest row of the chain. Ids run 1, 2, 3… without gaps (``append_audit`` gives each the head's + 1), so
    the head's id is the number of rows: no count over the whole table on every decision."""
    return _head(session.connection())


def _head(conn: Connection) -> ChainHead:
    last = next(iter(run(conn, _head_statement()).rows), None)
    if last is None or last[0] is None:
        return ChainHead(0, None, GENESIS)
    return ChainHead(int(last[0]), int(last[0]), last[1])


def first_break(rows: Iterable[AuditRow]) -> Break | None:
    """Walk ``rows`` (in id order) and return where the chain first fails, or ``None`` when it holds: each row's
    hash recomputed on the hash of the row before it (which itself held)."""
    prev, prev_id = GENESIS, 0
    for row in rows:
        assert row.id is not None
        if row.hash != event_hash(row, prev):
            if row.id != prev_id + 1:  # ids run 1, 2, 3… (append_audit_rows): say what most likely happened
                gone = f"row {prev_id + 1}" if row.id == prev_id + 2 else f"rows {prev_id + 1} to {row.id - 1}"
                return Break(row.id, f"it does not follow on the row before it ({gone} removed)")
            return Break(
                row.id, "its content does not match its hash (the row was edited, or a row before it removed or moved)"
            )
        prev, prev_id = row.hash, row.id
    return None


class AuditLog(StoreBase):
    def audit_head(self) -> ChainHead:
        with Session(self.engine) as session:
            return chain_head(session)

    def verify_audit(self) -> tuple[int, Break | None]:
        """How many rows were checked and the first break (``None``: the chain is intact)."""
        columns = [getattr(AuditEvent, c) for c in ("id", "case_id", "at", "actor", "action", "detail", "hash")]
        with Session(self.engine) as session:
            rows: list[Any] = list(session.execute(select(*columns).order_by(col(AuditEvent.id))))  # no entities
        return len(rows), first_break(rows)

    def audit_events(
        self, *, start: datetime | None = None, end: datetime | None = None, limit: int = 1000
    ) -> list[AuditEvent]:
        """Audit rows, newest first, optionally between two instants (``end`` exclusive)."""
        query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
        if start is not None:
            query = query.where(col(AuditEvent.at) >= start)
        if end is not None:
            query = query.where(col(AuditEvent.at) < end)
        with Session(self.engine) as session:
            return list(session.exec(query))

    def record(self, actor: str, action: str, detail: dict[str, Any], case_id: uuid.UUID | None = None) -> None:
        """An audited action that changes nothing else (a reprint, an export, a settings change)."""
        with write_session(self.engine) as session:
            append_audit(
                session, AuditEvent(case_id=case_id, at=self.clock.now(), actor=actor, action=action, detail=detail)
            )
