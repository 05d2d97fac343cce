"""Opening the SQLite file: WAL, foreign keys, busy timeout, and durable (fsynced) commits.

Write transactions start with ``BEGIN IMMEDIATE`` (see :func:`writer`) so two windows'
threads never deadlock upgrading a read lock; reads start a plain deferred transaction.

A ``postgresql://`` URL instead opens a center's shared PostgreSQL store (psycopg 3, READ COMMITTED; row locks
where a write must be serialized, see desktop.store.cases._next_number and Outbox.claim_outbox).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import Session

from desktop.files import private_sqlite
from desktop.store.encryption import key_pragma, sqlcipher_module, store_key
from desktop.store.models import WindowSequence

BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5  # a window whose LAN is down falls back to its own store this soon
PAGE_SIZE = 8192  # bytes a page of a new plain store (SQLite's default 4096: rows split less, pages fill better)
CACHE_KIB = 65_536  # SQLite's page cache per connection (the default is 2 MiB)
PG_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_postgres(target: Path | str) -> bool:
    """``target`` names a PostgreSQL server (a URL), not a SQLite file."""
    return isinstance(target, str) and target.startswith(PG_SCHEMES)


def postgres_url(url: str) -> str:
    """The SQLAlchemy URL for psycopg 3 (``postgresql://`` and ``postgres://`` as libpq spells them)."""
    for scheme in PG_SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    raise ValueError(f"not a PostgreSQL URL: {url!r}")


def open_postgres(url: str) -> Engine:
    """An engine on a center's PostgreSQL store; connections are checked before use (the LAN may drop)."""
    try:
        return create_engine(
            postgres_url(url),
            pool_pre_ping=True,
            pool_size=4,
            max_overflow=4,
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        )
    except ModuleNotFoundError as exc:  # a single window's install, pointed at a center's server
        raise ValueError("a postgresql:// case store needs psycopg 3: pip install 'yishi[center]'") from exc


def center_local_path(local_dir: Path | None = None) -> Path:
    """Where a window on a center store keeps its own files (attachments, transfers, sync state): a stand-in
    path whose parent is ``local_dir`` (default: the user data dir of "yishi", sub-folder ``center``)."""
    folder = local_dir or Path(platformdirs.user_data_dir("yishi", appauthor=False)) / "center"
    return folder / "center.store"


def open_engine(path: Path | str) -> Engine:
    """An engine on the SQLite file at ``path`` (parent dirs created), tuned for a window PC; or on the
    PostgreSQL server a ``postgresql://`` URL names."""
    if is_postgres(path):
        assert isinstance(path, str)
        return open_postgres(path)
    db = private_sqlite(Path(path))  # 0600, and so are its WAL and SHM (SQLite gives them the file's mode)
    key = store_key(db)  # None: a plain store; else SQLCipher, keyed first thing on every connection
    cipher = {} if key is None else {"module": sqlcipher_module()}
    engine = create_engine(f"sqlite:///{db}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **cipher)
    if key is not None:
        event.listen(engine, "connect", lambda conn, _record: conn.execute(key_pragma(key)))
    else:  # SQLCipher ties the page size to the key's cipher settings: an encrypted store keeps its default
        event.listen(engine, "connect", _new_file_page_size)  # before _on_connect's WAL, which fixes the page size
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _new_file_page_size(dbapi_conn: Any, _record: Any) -> None:
    """A new (empty) file gets PAGE_SIZE pages; an existing one keeps the page size it has."""
    if dbapi_conn.execute("PRAGMA page_count").fetchone()[0] == 0:
        dbapi_conn.execute(f"PRAGMA page_size={PAGE_SIZE}")


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    # we emit BEGIN ourselves (pysqlite's implicit transactions cannot do IMMEDIATE)
    dbapi_conn.isolation_level = None
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
        "synchronous=NORMAL",
        f"cache_size=-{CACHE_KIB}",  # a list page at a million cases reads rows all over the file
    ):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    # straight to the driver: the engine's statement machinery would cost more than the SELECT that follows
    conn.connection.driver_connection.execute(f"BEGIN {mode}")


def writer(engine: Engine) -> Engine:
    """The same engine, but transactions take the write lock at once (``BEGIN IMMEDIATE``)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A write session committed on success (synchronous=NORMAL: safe against crashes, not power loss)."""
    with Session(writer(engine), expire_on_commit=False) as session:
        yield session
        session.commit()


@contextmanager
def durable(engine: Engine) -> Iterator[Session]:
    """A write session whose commit is on disk (synchronous=FULL) before the block returns.

    Use it for anything printed afterwards: an accepted case must survive a power cut. (PostgreSQL commits
    durably by default: synchronous_commit=on.)
    """
    if engine.dialect.name != "sqlite":
        with write_session(engine) as session:
            yield session
        return
    with writer(engine).connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA synchronous=FULL")
        try:
            with Session(bind=conn, expire_on_commit=False) as session:
                yield session
                session.commit()
        finally:
            raw.execute("PRAGMA synchronous=NORMAL")


def next_sequence(bind: Engine | Connection, window_key: str, day: date, floor: int = 0) -> ReturningInsert[tuple[int]]:
    """``INSERT … ON CONFLICT DO UPDATE SET last = last + 1 RETURNING last`` on the window's row of ``day`` (one
    statement on either engine; its row lock is held to the end of the transaction)."""
    table = WindowSequence.__table__  # type: ignore[attr-defined]
    row = {"window_key": window_key, "day": day, "last": floor + 1}
    bumped = {"last": sql_case((table.c.last + 1 > floor, table.c.last + 1), else_=floor + 1)}
    keys = ["window_key", "day"]
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert  # noqa: PLC0415 - 90 ms a SQLite window never pays

        pg = pg_insert(table).values(row).on_conflict_do_update(index_elements=keys, set_=bumped)
        return pg.returning(table.c.last)
    lite = sqlite_insert(table).values(row).on_conflict_do_update(index_elements=keys, set_=bumped)
    return lite.returning(table.c.last)
