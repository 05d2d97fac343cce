"""Opening the SQLite file: WAL, foreign keys, busy timeout, and durable (fsynced) commits.

Write transactions start with ``BEGIN IMMEDIATE`` (see :func:`writer`) so two windows'
threads never deadlock upgrading a read lock; reads start a plain deferred transaction.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

BUSY_TIMEOUT_MS = 10_000


def default_db_path() -> Path:
    """``$YISHI_DB`` if set, else ``cases.sqlite3`` in the user data dir of "yishi"."""
    override = os.environ.get("YISHI_DB")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("yishi", appauthor=False)) / "cases.sqlite3"


def open_engine(path: Path | str) -> Engine:
    """An engine on the SQLite file at ``path`` (parent dirs created), tuned for a window PC."""
    db = Path(path)
    db.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{db}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    # we emit BEGIN ourselves (pysqlite's implicit transactions cannot do IMMEDIATE)
    dbapi_conn.isolation_level = None
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
        "synchronous=NORMAL",
    ):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


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

    Use it for anything printed afterwards: an accepted case must survive a power cut.
    """
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
