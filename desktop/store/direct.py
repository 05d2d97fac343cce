"""Hot reads straight on the driver: a statement compiled once, run on a connection the thread keeps.

At a million cases every screen's read is an index lookup of 30–100 µs, and SQLAlchemy's per-execution work
(pool checkout, execution context, result metadata, reset on return) costs 150–250 µs more: most of opening a
case or searching a number. :class:`DirectReads` keeps the statements (SQLAlchemy Core, so one text serves
SQLite and PostgreSQL) but compiles each once per engine into driver SQL plus the bind and result processors of
its own column types, and runs it on the DB-API connection:

- SQLite: one pooled connection per thread, kept checked out (WAL: readers never block the writer and see every
  commit), each read in autocommit or, for reads that must agree, one deferred read transaction;
- PostgreSQL: a pooled connection per read (checked on checkout: the LAN may have dropped), returned after.

Writes never come here: they keep their sessions (desktop.store.db).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.elements import BindParameter

Processor = Callable[[Any], Any]
_REQUIRED = object()  # a bind whose value comes with each call


@dataclass
class Compiled:
    """A statement as its driver runs it: SQL text, how to make its parameters, how to read its rows."""

    sql: str
    positional: bool
    binds: tuple[tuple[str, Processor | None, Any], ...]  # (name, processor, constant or _REQUIRED)
    columns: tuple[tuple[int, Processor], ...]  # the result columns that need converting

    def parameters(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        if self.constants is not None:
            return self.constants
        values = [
            constant if constant is not _REQUIRED else _processed(process, params[name])
            for name, process, constant in self.binds
        ]
        return tuple(values) if self.positional else dict(zip(self.names, values, strict=True))

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _process, _constant in self.binds)

    @functools.cached_property
    def constants(self) -> Sequence[Any] | dict[str, Any] | None:
        """The parameters, when every one is a constant of the statement (made once)."""
        if any(constant is _REQUIRED for _name, _process, constant in self.binds):
            return None
        if self.positional:
            return tuple(constant for _name, _process, constant in self.binds)
        return {name: constant for name, _process, constant in self.binds}

    def convert(self, rows: list[Any]) -> list[tuple[Any, ...]]:
        if not self.columns:
            return [tuple(r) for r in rows]
        out = []
        for row in rows:
            values = list(row)
            for index, process in self.columns:
                values[index] = process(values[index])
            out.append(tuple(values))
        return out


def _processed(process: Processor | None, value: Any) -> Any:
    return value if process is None or value is None else process(value)


def compile_for(statement: Select[Any], dialect: Dialect) -> Compiled | None:
    """``statement`` compiled for ``dialect``, with the processors SQLAlchemy itself would apply (a constant
    bind's value is processed once, here); None for a statement with an IN list, whose SQL text depends on the
    list's length."""
    compiled = statement.compile(dialect=dialect)
    names = compiled.positiontup if dialect.positional else list(compiled.binds)
    binds: list[tuple[str, Processor | None, Any]] = []
    for name in names or []:
        bind: BindParameter[Any] = compiled.binds[name]
        if bind.expanding:
            return None
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if bind.required or bind.callable is not None:
            binds.append((name, process, _REQUIRED))
        else:
            constant = bind.effective_value
            binds.append((name, None, _processed(process, constant)))
    columns = []
    for index, column in enumerate(getattr(statement, "selected_columns", ())):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            columns.append((index, process))
    return Compiled(compiled.string, dialect.positional, tuple(binds), tuple(columns))


class _Kept:
    """The driver connection one thread keeps (held only by that thread's local data)."""

    __slots__ = ("__weakref__", "driver")

    def __init__(self, driver: Any) -> None:
        self.driver = driver


Run = Callable[[Select[Any], Mapping[str, Any]], list[tuple[Any, ...]]]


class DirectReads:
    """Reads on the driver connection (see the module's docstring); :meth:`close` gives every kept connection
    back before the engine is disposed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._compiled: dict[int, tuple[Select[Any], Compiled | None]] = {}
        self._local = threading.local()
        self._returns: list[weakref.finalize[Any, Any]] = []  # each kept connection's way back to the pool
        self._lock = threading.Lock()
        self._keep = engine.dialect.name == "sqlite"

    def all(self, statement: Select[Any], params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Every row of ``statement``, converted as SQLAlchemy would."""
        if self._keep:
            return self._run(self._driver(), statement, params or {})
        with self.snapshot() as run:
            return run(statement, params or {})

    @contextmanager
    def snapshot(self) -> Iterator[Run]:
        """A function running statements that all see one state of the store (SQLite: one read transaction;
        PostgreSQL: one connection at READ COMMITTED, as a session would)."""
        if not self._keep:
            raw = self.engine.raw_connection()
            try:
                yield functools.partial(self._run, raw.driver_connection)
            finally:
                raw.close()
            return
        driver = self._driver()
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

    def _driver(self) -> Any:
        kept = getattr(self._local, "kept", None)
        if kept is None:
            raw = self.engine.raw_connection()
            kept = self._local.kept = _Kept(raw.driver_connection)
            # the connection goes back to the pool when its thread ends (its thread-local data is freed: a worker
            # pool's threads come and go) or when the store closes, whichever is first
            give_back = weakref.finalize(kept, raw.close)
            with self._lock:
                self._returns = [r for r in self._returns if r.alive] + [give_back]
        return kept.driver

    def _compiled_of(self, statement: Select[Any]) -> Compiled | None:
        # statements are built once (functools.cache), so their identity is a stable key; the statement is kept
        # with its compilation so that identity is never reused
        found = self._compiled.get(id(statement))
        if found is None:
            found = self._compiled[id(statement)] = (statement, compile_for(statement, self.engine.dialect))
        return found[1]
