"""Statements compiled once for the driver: hot writes inside the caller's transaction, and the compiling the
hot reads (desktop.store.direct) share.

Deciding a case runs a dozen statements in one durable transaction; through SQLAlchemy each costs its execution
context, result metadata and cache-key work (50–100 µs) on top of the 5–20 µs SQLite takes. Here a statement is
still written once in SQLAlchemy Core (one text for SQLite and PostgreSQL, built once, ``functools.cache``), but
compiled once per dialect into the driver's SQL with the bind and result processors of its own column types, and
run on the DB-API connection of the caller's :class:`sqlalchemy.Connection`: the same transaction (``BEGIN
IMMEDIATE`` / the PostgreSQL transaction the session opened), the same values stored as SQLAlchemy would store
them, only without the per-call machinery.

A bind's value comes from the call's parameters by its name, else it is the constant the statement was built
with (as SQLAlchemy does). Statements with expanding (``IN``) binds are not for this module
(:class:`RenderedPerCallError`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Insert, Table, bindparam, insert
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
_GIVEN = object()  # a bind with no constant: its value must come with each call


class RenderedPerCallError(ValueError):
    """The statement's SQL text depends on its values (an IN list): SQLAlchemy must render each call."""


@dataclass(frozen=True)
class DriverStatement:
    """A statement as the driver runs it: SQL text, its binds in the driver's order, how to convert its rows."""

    sql: str
    positional: bool
    binds: tuple[tuple[str, Processor | None, Any], ...]  # (name, processor, processed constant or _GIVEN)
    results: tuple[tuple[int, Processor], ...]  # (index, processor) of the result columns that need converting
    escaped: Mapping[str, str]  # a bind's name as a named paramstyle's SQL spells it, where that differs

    def parameters(self, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = []
        for name, process, constant in self.binds:
            if name in params:
                value = params[name]
                values.append(value if process is None or value is None else process(value))
            elif constant is _GIVEN:
                raise KeyError(f"no value for bind {name!r} of: {self.sql}")
            else:
                values.append(constant)
        if self.positional:
            return tuple(values)
        return {self.escaped.get(name, name): value for (name, _p, _c), value in zip(self.binds, values, strict=True)}

    def convert(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        if not self.results:
            return [tuple(row) for row in rows]
        out = []
        for row in rows:  # only the columns that need it: a list row has 13 columns, 6 converted
            values = list(row)
            for index, process in self.results:
                value = values[index]
                if value is not None:
                    values[index] = process(value)
            out.append(tuple(values))
        return out


def compile_statement(statement: Executable, dialect: Dialect) -> DriverStatement:
    """``statement`` compiled for ``dialect`` with the processors SQLAlchemy itself would apply."""
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    assert isinstance(compiled, SQLCompiler)
    if dialect.positional:
        names = list(compiled.positiontup or [])
    else:  # each bind once, by the name the SQL gives it (``binds`` also keys some under internal names)
        names = list(dict.fromkeys(compiled.bind_names.values()))
    binds: list[tuple[str, Processor | None, Any]] = []
    for name in names:
        bind = compiled.binds[name]
        if bind.expanding:
            raise RenderedPerCallError("statements with IN lists are rendered per call: run them through SQLAlchemy")
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if bind.required or bind.callable is not None:
            binds.append((name, process, _GIVEN))
        else:
            constant = bind.effective_value
            binds.append((name, process, constant if process is None or constant is None else process(constant)))
    processors = (
        column[3].dialect_impl(dialect).result_processor(dialect, None) for column in compiled._result_columns
    )
    results = tuple((index, p) for index, p in enumerate(processors) if p is not None)
    escaped = dict(compiled.escaped_bind_names or {})
    return DriverStatement(compiled.string, dialect.positional, tuple(binds), results, escaped)


_compiled: dict[tuple[int, str, str], tuple[Executable, DriverStatement]] = {}


def driver_statement(statement: Executable, dialect: Dialect) -> DriverStatement:
    # statements come from functools.cache builders, so their identity is a stable key; each is kept with its
    # compilation so that identity is never reused
    key = (id(statement), dialect.name, dialect.driver)
    found = _compiled.get(key)
    if found is None:
        found = _compiled[key] = (statement, compile_statement(statement, dialect))
    return found[1]


@dataclass(frozen=True)
class Ran:
    """What one statement returned: its rows (converted) and how many rows it changed."""

    rows: list[tuple[Any, ...]]
    rowcount: int


def run(conn: Connection, statement: Executable, params: Mapping[str, Any] | None = None) -> Ran:
    """Execute ``statement`` once on ``conn``'s DB-API connection, in its transaction."""
    compiled = driver_statement(statement, conn.dialect)
    cursor = _cursor(conn)
    try:
        cursor.execute(compiled.sql, compiled.parameters(params or {}))
        rows = compiled.convert(cursor.fetchall()) if cursor.description else []
        return Ran(rows, cursor.rowcount)
    finally:
        cursor.close()


def run_many(conn: Connection, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
    """Execute a write once per row of parameters (the driver's ``executemany``)."""
    if not rows:
        return
    compiled = driver_statement(statement, conn.dialect)
    cursor = _cursor(conn)
    try:
        cursor.executemany(compiled.sql, [compiled.parameters(r) for r in rows])
    finally:
        cursor.close()


def _cursor(conn: Connection) -> Any:
    driver = conn.connection.driver_connection
    assert driver is not None
    return driver.cursor()


def insert_of(table: Table, keys: Sequence[str]) -> Insert:
    """``INSERT INTO table (keys…)``, each value bound by its column's name (for :func:`run` / :func:`run_many`)."""
    return insert(table).values({table.c[key]: bindparam(key) for key in keys})
