"""Hot reads straight on the driver: a statement compiled once, run on a connection the thread keeps.

At a million cases every screen's read is an index lookup of 30–100 µs, and SQLAlchemy's per-execution work
(pool checkout, execution context, result metadata, reset on return) costs 150–250 µs more: most of opening a
case or searching a number. :class:`DirectReads` keeps the statements (SQLAlchemy Core, so one text serves
SQLite and PostgreSQL), compiled once per dialect by desktop.store.driver into driver SQL plus the bind and
result processors of their own column types, and runs them on the DB-API connection:

- one pooled connection per thread, kept checked out until the thread ends or the store closes;
- SQLite: each read in autocommit (WAL: readers never block the writer and see every commit) or, for reads that
  must agree, one deferred read transaction;
- PostgreSQL: in autocommit, each statement at READ COMMITTED as a session's would be (no BEGIN, no ROLLBACK,
  no ping: a read is one round trip on the LAN). A connection the LAN broke is replaced, and a single read is
  tried once more on the new one.

Writes never come here: they keep their sessions (desktop.store.db), and run hot statements through
desktop.store.driver inside them.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.pool import PoolProxiedConnection

from desktop.store.driver import DriverStatement, RenderedPerCallError, driver_statement


class _Kept:
    """The driver connection one thread keeps (held only by that thread's local data)."""

    __slots__ = ("__weakref__", "driver", "give_back")

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.give_back: weakref.finalize[Any, Any] | None = None


Run = Callable[[Select[Any], Mapping[str, Any]], list[tuple[Any, ...]]]


class DirectReads:
    """Reads on the driver connection (see the module's docstring); :meth:`close` gives every kept connection
    back before the engine is disposed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._per_call: dict[int, Select[Any]] = {}  # statements with IN lists (SQLAlchemy renders them)
        self._local = threading.local()
        self._returns: list[weakref.finalize[Any, Any]] = []  # each kept connection's way back to the pool
        self._lock = threading.Lock()
        self._sqlite = engine.dialect.name == "sqlite"
        # what a dropped server connection raises (SQLite has none to lose)
        self._lost: type[Exception] | tuple[()] = () if self._sqlite else engine.dialect.loaded_dbapi.OperationalError

    def all(self, statement: Select[Any], params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Every row of ``statement``, converted as SQLAlchemy would."""
        try:
            return self._run(self._driver(), statement, params or {})
        except self._lost:  # the LAN dropped the kept connection since the last read: once more, on a new one
            self._forget()
            return self._run(self._driver(), statement, params or {})

    @contextmanager
    def snapshot(self) -> Iterator[Run]:
        """A function running statements that all see one state of the store (SQLite: one read transaction;
        PostgreSQL: each statement at READ COMMITTED, as a session's would)."""
        driver = self._driver()
        if not self._sqlite:
            yield functools.partial(self._run, driver)
            return
        driver.execute("BEGIN")
        try:
            yield functools.partial(self._run, driver)
        finally:
            driver.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            returns, self._returns = self._returns, []
            self._local = threading.local()
        for give_back in returns:
            give_back()  # once only: a finalizer that has run does nothing

    def _run(self, driver: Any, statement: Select[Any], params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        compiled = self._compiled_of(statement)
        if compiled is None:  # an IN list: SQLAlchemy renders it for its length
            with self.engine.connect() as conn:
                return [tuple(row) for row in conn.execute(statement, dict(params))]
        return compiled.convert(driver.execute(compiled.sql, compiled.parameters(params)).fetchall())

    def _compiled_of(self, statement: Select[Any]) -> DriverStatement | None:
        if id(statement) in self._per_call:
            return None
        try:
            return driver_statement(statement, self.engine.dialect)
        except RenderedPerCallError:
            self._per_call[id(statement)] = statement  # kept, so that its identity is never reused
            return None

    def _driver(self) -> Any:
        kept = getattr(self._local, "kept", None)
        if kept is not None and not self._sqlite and (kept.driver.closed or kept.driver.broken):
            self._forget()  # psycopg marks a connection the LAN broke
            kept = None
        if kept is None:
            raw = self.engine.raw_connection()
            driver: Any = raw.driver_connection
            if not self._sqlite:
                driver.autocommit = True
            kept = self._local.kept = _Kept(driver)
            # the connection goes back to the pool when its thread ends (its thread-local data is freed: a worker
            # pool's threads come and go) or when the store closes, whichever is first
            give_back = weakref.finalize(kept, _give_back, raw, self._sqlite)
            with self._lock:
                self._returns = [r for r in self._returns if r.alive] + [give_back]
            kept.give_back = give_back
        return kept.driver

    def _forget(self) -> None:
        """Give this thread's kept connection back (a broken one is thrown away by the pool)."""
        kept = getattr(self._local, "kept", None)
        self._local.kept = None
        if kept is not None and kept.give_back is not None:
            kept.give_back()


def _give_back(raw: PoolProxiedConnection, sqlite: bool) -> None:
    """Back to the pool as the pool gave it (PostgreSQL: with transactions again, for the sessions that write)."""
    try:
        if not sqlite:
            raw.driver_connection.autocommit = False  # type: ignore[union-attr]
    except Exception:
        raw.invalidate()
        return
    raw.close()
