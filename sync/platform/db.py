"""The platform's tables (SQLAlchemy Core) and engine: a SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)

metadata = MetaData()

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(40), primary_key=True),
    Column("public_key", String(64), nullable=False, unique=True),
    Column("label", Text, nullable=False),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
)

enrollment_codes = Table(
    "enrollment_codes",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_by", String(40), nullable=True),
)

nonces = Table(
    "nonces",
    metadata,
    Column("device_id", String(40), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("seen_at", BigInteger, nullable=False, index=True),
)

cases = Table(
    "cases",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(36), nullable=False, unique=True),
    Column("platform_number", String(32), nullable=True, unique=True),
    Column("device_id", String(40), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("payload_sha256", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

case_revisions = Table(
    "case_revisions",
    metadata,
    Column("case_id", String(36), ForeignKey("cases.case_id"), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("payload_sha256", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

case_attachments = Table(
    "case_attachments",
    metadata,
    Column("case_id", String(36), ForeignKey("cases.case_id"), primary_key=True),
    Column("sha256", String(64), ForeignKey("attachments.sha256"), primary_key=True),
)

attachments = Table(
    "attachments",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

status_events = Table(
    "status_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(36), ForeignKey("cases.case_id"), nullable=False),
    Column("device_id", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_status_events_device_seq", "device_id", "seq"),
)

catalogs = Table(
    "catalogs",
    metadata,
    Column("version", String(40), primary_key=True),
    Column("sort_key", String(120), nullable=False, unique=True),
    Column("document", Text, nullable=False),
    Column("signature", String(120), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

transfers = Table(
    "transfers",
    metadata,
    Column("transfer_id", String(64), primary_key=True),
    Column("device_id", String(40), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("result", Text, nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


def default_url(path: Path) -> str:
    return f"sqlite:///{path}"


def open_engine(db_url: str) -> Engine:
    """Create the engine and the tables. A bare path is taken as a SQLite file."""
    if "://" not in db_url:
        Path(db_url).parent.mkdir(parents=True, exist_ok=True)
        db_url = default_url(Path(db_url))
    if db_url.startswith("sqlite"):
        engine = create_engine(db_url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(db_url, pool_size=16, max_overflow=16, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # the platform's word is final: a 200 must survive power loss
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
