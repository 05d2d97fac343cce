"""The case store's tables. Timestamps are UTC and timezone-aware; JSON columns hold plain dicts/lists."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Column,
    Dialect,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import column_property
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import CaseState, Decision
from desktop.store.columns import BinaryUUID, EnumText, UTCDateTime
from desktop.store.json_columns import CompactJSON, PackedJSON

# the condition of ix_case_created_undecided (migration 0006): the day list finds undecided cases by created_at
UNDECIDED = text("decided_at IS NULL")


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    QUARANTINED = "quarantined"


def _fk_case(nullable: bool = False, *, index: bool = True, primary_key: bool = False) -> Any:
    # index=False where a unique constraint or the primary key starting with case_id already indexes it (0005, 0006)
    column: Column[Any] = Column(
        BinaryUUID(), ForeignKey("case.id", ondelete="CASCADE"), nullable=nullable, index=index, primary_key=primary_key
    )
    return Field(sa_column=column, default=None if nullable else ...)


def _place() -> Any:
    """``id`` of a row keyed by (case_id, code) (migration 0006): its place in the case's list, which readers order
    by. A writer leaves it out: SQLite numbers it 1, 2, … per case (a trigger), PostgreSQL takes its sequence
    (FetchedValue: the ORM leaves an unset id out of its INSERT rather than writing NULL)."""
    return Field(default=None, sa_column=Column(Integer, nullable=True, server_default=FetchedValue()))


# WITHOUT ROWID on SQLite (migration 0006): the (case_id, code) key is the table, not an index beside it
_KEYED_BY_CASE = {"sqlite_with_rowid": False}


class Phrase(SQLModel, table=True):
    """A text that many rows repeat (a material's catalog name, why an item applies, the center's name), kept once
    (migration 0008): those rows hold its id, and read its text back with them (see :data:`PHRASES`). Phrases are
    only ever added, never changed or removed, so an id names its text for good (desktop.store.phrases keeps them
    in memory once learned)."""

    __tablename__ = "phrase"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(String, nullable=False, unique=True))


def _phrase_id(*, nullable: bool = False) -> Any:
    """``<text>_id``: the id of the phrase holding a row's text (migration 0008)."""
    return Field(sa_column=Column(ForeignKey("phrase.id"), nullable=nullable), default=None if nullable else ...)


class Case(SQLModel, table=True):
    """One application (办件). ``id`` is the sync idempotency key; ``number`` is set once decided."""

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_state_updated", "state", "updated_at"),
        # migration 0005 (issue 11): the case list's keyset, the search box's equalities, reports index-only
        Index("ix_case_updated_id", "updated_at", "id"),
        Index("ix_case_bundle_updated", "bundle_code", "updated_at"),
        Index("ix_case_applicant_id", "applicant_id"),
        Index("ix_case_applicant_phone", "applicant_phone"),
        Index("ix_case_applicant_name", "applicant_name"),
        # the day list finds an undecided case by created_at, a decided one by decided_at (migration 0006)
        Index("ix_case_created_undecided", "created_at", sqlite_where=UNDECIDED, postgresql_where=UNDECIDED),
        Index("ix_case_report", "decided_at", "decision", "bundle_code", "clerk"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True, sa_type=BinaryUUID)  # 16 bytes on SQLite
    number: str | None = Field(default=None, sa_column=Column(String(22), unique=True, nullable=True))
    query_code: str | None = Field(default=None, sa_column=Column(String(6), nullable=True))
    bundle_code: str  # indexed with updated_at (ix_case_bundle_updated)
    catalog_version: str
    state: CaseState = Field(default=CaseState.DRAFT, sa_column=Column(EnumText(CaseState), nullable=False))
    decision: Decision | None = Field(default=None, sa_column=Column(EnumText(Decision), nullable=True))
    revision: int = 0
    # the form, read whole (search and reports read the columns copied from it): packed on SQLite (migration 0006)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(PackedJSON, nullable=False))
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(PackedJSON, nullable=False))
    applicant_name: str | None = None
    applicant_id: str | None = None
    applicant_phone: str | None = None  # migration 0005: the search box finds a case by phone
    # the center's name, a phrase (center_name, read with the row); nullable only because SQLite cannot add a NOT
    # NULL column that references another table (migration 0008): the store always writes it
    center_name_id: int | None = _phrase_id(nullable=True)
    division_code: str = Field(sa_column=Column(String(9), nullable=False))
    window_code: str = Field(sa_column=Column(String(2), nullable=False))
    clerk: str
    reason: str | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))  # ix_case_report
    # 作废 by a supervisor (migration 0004): kept, never deleted; counted apart in reports
    voided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    voided_by: str | None = None
    void_reason: str | None = None

    if TYPE_CHECKING:  # read-only: the phrase's text, read with the row (PHRASES); a writer sets center_name_id

        @property
        def center_name(self) -> str: ...


class CaseItem(SQLModel, table=True):
    """A service item of the case's bundle: whether it applies, and its promised time limit."""

    __tablename__ = "case_item"
    __table_args__ = _KEYED_BY_CASE

    id: int | None = _place()
    case_id: uuid.UUID = _fk_case(index=False, primary_key=True)
    item_code: str = Field(primary_key=True)
    applies: bool
    reason_id: int = _phrase_id()  # why it applies or not (the situation answered, 本一件事必办事项): a phrase
    department: str
    promised_days: int | None = None
    promised_date: date | None = None
    estimated: bool = False
    # 办理结果 of this item (None: it does not apply, or a case decided before outcomes were kept per item)
    outcome: Decision | None = Field(default=None, sa_column=Column(EnumText(Decision), nullable=True))
    outcome_reason: str | None = None

    if TYPE_CHECKING:  # read-only: the phrase's text, read with the row (PHRASES); a writer sets reason_id

        @property
        def reason(self) -> str: ...


class MaterialRecord(SQLModel, table=True):
    """A material of the case's merged checklist and how the window took it."""

    __tablename__ = "material_record"
    __table_args__ = _KEYED_BY_CASE

    id: int | None = _place()
    case_id: uuid.UUID = _fk_case(index=False, primary_key=True)
    material_code: str = Field(primary_key=True)
    name_id: int = _phrase_id()  # the material's name as the catalog gives it: a phrase
    status: MaterialStatus = Field(sa_column=Column(EnumText(MaterialStatus), nullable=False))
    copies: int = 0
    deadline: date | None = None
    items: list[str] = Field(default_factory=list, sa_column=Column(CompactJSON, nullable=False))

    if TYPE_CHECKING:  # read-only: the phrase's text, read with the row (PHRASES); a writer sets name_id

        @property
        def name(self) -> str: ...


PHRASES: dict[type[SQLModel], tuple[str, ...]] = {
    Case: ("center_name",),
    CaseItem: ("reason",),
    MaterialRecord: ("name",),
}
"""The texts each model keeps as phrases (migration 0008): column ``<name>_id`` holds the phrase's id, attribute
``<name>`` its text. The text is read with the row: a session's load selects it (a scalar subquery on the phrase's
primary key) and keeps it through a flush; ``rows.read_statement`` joins it for the hot reads. It cannot be set: a
writer gives the id (``Store.phrases``)."""


def _read_phrase(model: type[SQLModel], name: str) -> None:
    table, phrase = model.__table__, Phrase.__table__  # type: ignore[attr-defined]
    found = select(phrase.c.text).where(phrase.c.id == table.c[f"{name}_id"]).scalar_subquery()
    model.__mapper__.add_property(name, column_property(found, expire_on_flush=False))  # type: ignore[attr-defined]


for _model, _names in PHRASES.items():
    for _name in _names:
        _read_phrase(_model, _name)


class Attachment(SQLModel, table=True):
    """A scanned or photographed material, content-addressed under ``<db dir>/attachments``."""

    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    case_id: uuid.UUID = _fk_case()
    material_code: str
    sha256: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    path: str  # relative to the attachments dir: ab/<sha256>
    size: int
    media_type: str
    added_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # the platform acknowledged holding this content (migration 0010): sync asks about it no more (sync.worker)
    on_platform: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})


class OutboxEntry(SQLModel, table=True):
    """One revision of a case waiting to go to (or sent to) the provincial platform."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("case_id", "revision"),
        # only what still waits (migration 0005): the acknowledged million stay out of the status queries' way
        Index(
            "ix_outbox_unsent",
            "status",
            "next_attempt_at",
            sqlite_where=text("status <> 'sent'"),
            postgresql_where=text("status <> 'sent'"),
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    case_id: uuid.UUID = _fk_case(index=False)
    revision: int
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_column=Column(EnumText(OutboxStatus), nullable=False))
    last_error: str | None = None
    platform_number: str | None = None  # added by migration 0002


class Digest(TypeDecorator[str]):
    """A SHA-256 digest (the audit chain's): stored as its 32 bytes, written and read as its 64 hex characters."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        return None if value is None else bytes.fromhex(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        # text here was put there behind the store's back (SQLite): shown as it is, checked as any hash is
        return value.hex() if isinstance(value, bytes | memoryview) else value


class AuditEvent(SQLModel, table=True):
    """Who did what to which case, when (kept forever; never updated)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_case_id", "case_id"),)  # a trail is read in id order (migration 0006)

    id: int | None = Field(default=None, primary_key=True)
    case_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(BinaryUUID(), ForeignKey("case.id", ondelete="SET NULL"), nullable=True)
    )
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    actor: str
    action: str
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(CompactJSON, nullable=False))
    # the hash chain (migration 0004; 32 bytes and no prev_hash since 0007, desktop.store.audit_log): sha256 of the
    # previous row's hash (in id order) + this row's canonical JSON
    hash: str = Field(default="", sa_column=Column(Digest(), nullable=False, server_default=""))  # "": no hash yet


class Account(SQLModel, table=True):
    """A person who works the window (clerk, supervisor, administrator); cases and audit rows name its username."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    display_name: str
    role: str = Field(sa_column=Column(String(16), nullable=False))
    password_hash: str
    enabled: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class Rating(SQLModel, table=True):
    """The applicant's 好差评 of one visit (one per case), with the 差评 reason and its follow-up."""

    __tablename__ = "rating"

    id: int | None = Field(default=None, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(BinaryUUID(), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    level: int  # 5 非常满意 … 1 非常不满意
    reason: str | None = None  # a 差评 category code (desktop.cases.ratings.BAD_REASONS)
    note: str = ""
    clerk: str  # the account rated (who took the case)
    rated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    follow_up_kind: str | None = None  # "visit" 回访 / "rectify" 整改
    follow_up_on: date | None = None
    follow_up_note: str | None = None
    follow_up_by: str | None = None


class WindowSequence(SQLModel, table=True):
    """The last case-number sequence a window issued on a (local) day."""

    __tablename__ = "window_sequence"

    window_key: str = Field(sa_column=Column(String(11), primary_key=True))
    day: date = Field(primary_key=True)
    last: int = 0


STORE_TABLES = frozenset(
    {
        "case",
        "case_item",
        "material_record",
        "attachment",
        "outbox",
        "audit_event",
        "window_sequence",
        "account",
        "rating",
        "phrase",
    }
)
