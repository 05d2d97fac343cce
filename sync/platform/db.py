"""The platform's tables (SQLAlchemy Core) and engine: a SQLite file by default, PostgreSQL by URL.

A SQLite database and its WAL/SHM files are owner-only (0600, SQLite gives the side files the database's mode) and
a folder made for it is 0700, whatever the umask. PostgreSQL needs psycopg, which only the ``platform`` install
extra brings (``pip install -e '.[platform]'``): the window app does not.
"""

from __future__ import annotations

import os
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
    make_url,
)
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from desktop.files import private_dir

INT32_MAX = 2**31 - 1  # Integer columns are 32-bit on PostgreSQL: a bigger parameter is an error, not "none"
INSTALL_HINT = "pip install -e '.[platform]' (or: pip install 'psycopg[binary]')"

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

case_query = Table(
    "case_query",
    metadata,
    Column("case_id", String(36), ForeignKey("cases.case_id"), primary_key=True),
    Column("number", String(32), nullable=True, index=True),  # the window's case number (办件编号), canonical form
    Column("query_code", String(16), nullable=True),  # 查询密码 printed on the receipt
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


class PlatformSetupError(Exception):
    """The platform database cannot be opened as configured; the message is one English line saying why."""


def default_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_url(db_url: str) -> str:
    """A bare path is a SQLite file; ``postgresql://`` and ``postgres://`` mean psycopg 3 (``postgresql+psycopg``)."""
    if "://" not in db_url:
        return default_url(Path(db_url))
    scheme, rest = db_url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else db_url


def sqlite_file(db_url: str) -> Path | None:
    """The database file of a SQLite URL (None for other databases and for an in-memory one)."""
    url = make_url(database_url(db_url))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def open_engine(db_url: str) -> Engine:
    """Create the engine and the tables. A bare path is taken as a SQLite file; PlatformSetupError if unusable."""
    url = database_url(db_url)
    try:
        if url.startswith("sqlite"):
            path = sqlite_file(url)
            if path is not None:
                _private_sqlite_file(path)
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            if make_url(url).get_driver_name() == "psycopg":
                _require_psycopg()
            engine = create_engine(url, pool_size=16, max_overflow=16, pool_pre_ping=True)
        metadata.create_all(engine)
    except ArgumentError:
        raise PlatformSetupError(f"not a database URL or path: {safe_url(url)}") from None
    except ModuleNotFoundError as exc:
        raise PlatformSetupError(f"the driver for {safe_url(url)} is not installed ({exc.name})") from None
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise PlatformSetupError(f"cannot open the platform database {safe_url(url)}: {reason}") from None
    return engine


def _require_psycopg() -> None:
    try:
        import psycopg  # noqa: F401, PLC0415 - optional: only the platform install extra brings it
    except ImportError:
        raise PlatformSetupError(f"a PostgreSQL platform needs psycopg, not installed: {INSTALL_HINT}") from None


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url[:80]


def _private_sqlite_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (it would use the umask); tighten existing ones of ours."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        os.fchmod(fd, 0o600)
        os.close(fd)
    for side in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            st = side.stat()
        except FileNotFoundError:
            continue
        if st.st_uid == os.geteuid() and st.st_mode & 0o077:
            os.chmod(side, 0o600)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # the platform's word is final: a 200 must survive power loss
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left readable in free space
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
