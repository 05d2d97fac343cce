"""Case ids in 16 bytes (issue 11): on SQLite every UUID column holds the id's 16 bytes, not 32 hex characters.

SQLAlchemy's ``Uuid`` keeps a UUID as CHAR(32) hex text where the database has no uuid type, and a case id is
stored about 21 times a case: the case's key and its unique index, the key of each of its items and materials
(WITHOUT ROWID tables keyed by case and code, migration 0006), its audit rows and their index, its outbox revisions
and their (case_id, revision) index, its scans and its rating. As a BLOB of the UUID's 16 bytes
(desktop.store.columns.BinaryUUID) each takes 17 bytes instead of 33: some 340 bytes a case.

Nothing above the store sees it: the column type still writes and reads ``uuid.UUID``. The audit chain hashes the
id as its text (desktop.store.audit_log.canonical_row), so every stored hash stays valid. Bytes sort as their hex
did, so every key, index and keyset page keeps its order. PostgreSQL keeps its native uuid (16 bytes already): the
migration does nothing there.

SQLite cannot change a column's type in place, so the seven tables with a UUID column are rebuilt together:

1. each is renamed away (``<table>_old``; the foreign keys between them follow the rename);
2. each is created again, parents first, from its own ``CREATE TABLE`` text with BLOB for CHAR(32) on its UUID
   columns: everything else as it was (columns, constraints, foreign keys, WITHOUT ROWID);
3. its rows are copied in their order, converted: a row-id table with its row ids (the FTS index of ``case`` is
   keyed by them, so it stays valid without a rebuild), a WITHOUT ROWID table in key order (full pages);
4. the old versions are dropped, children first. Dropping a table deletes its rows first, and foreign keys cannot be
   turned off inside the migration's transaction: by then no other table refers to an old version, so no ON DELETE
   action reaches the new tables;
5. its indexes and triggers (the FTS triggers of 0005, the place triggers of 0006) are created again from their own
   text, and ANALYZE gives the planner its figures back.

An id that is not a UUID (only an edit behind the store's back makes one) is kept as it is. A CHAR(32) column this
migration does not list, or a table it does not rebuild with a foreign key to one it does, stops it (nothing
changes) rather than be left as text under a model that reads bytes, or naming a dropped table.

Going back down does the same the other way: the bytes become 32 lowercase hex characters again.

The rebuilt tables leave free pages behind in a SQLite file until ``Store.vacuum()`` gives them back.

Create Date: 2026-12-01
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"  # the only two lines that name this migration's place
down_revision = "0008"
branch_labels = None
depends_on = None

# each table with UUID columns and its UUID columns; parents before children
UUID_COLUMNS = {
    "case": ("id",),
    "case_item": ("case_id",),
    "material_record": ("case_id",),
    "attachment": ("case_id",),
    "outbox": ("case_id",),
    "audit_event": ("case_id",),
    "rating": ("case_id",),
}
TEXT, BYTES = "CHAR(32)", "BLOB"  # a UUID column's declared type before and after
TO_BYTES = "yishi_uuid_bytes"  # a function of the migration's own SQLite connection
TO_TEXT = "CASE WHEN typeof({0}) = 'blob' AND length({0}) = 16 THEN lower(hex({0})) ELSE {0} END"


def _uuid_bytes(stored: Any) -> Any:
    """A UUID's text (as ``sqlalchemy.Uuid`` stored it, or any spelling ``uuid.UUID`` reads) as its 16 bytes."""
    if not isinstance(stored, str):
        return stored
    try:
        return uuid.UUID(stored).bytes
    except ValueError:
        return stored


def _query(bind: sa.Connection, sql: str, *params: Any) -> list[Any]:
    return list(bind.exec_driver_sql(sql, params).all())


def _retyped(table: str, create: str, *, before: str, after: str) -> str:
    """The ``CREATE TABLE`` text of ``table`` with each of its UUID columns declared ``after`` instead of ``before``."""
    for column in UUID_COLUMNS[table]:
        pattern = rf'([(,]\s*"?{column}"?\s+){re.escape(before)}(?=[\s,)])'
        create, found = re.subn(pattern, rf"\g<1>{after}", create)
        if found != 1:
            raise RuntimeError(f"{table}.{column} is not declared {before}: {create}")
    return create


def _unlisted(bind: sa.Connection, *, before: str) -> list[str]:
    """What this migration would get wrong: a column declared as ``sqlalchemy.Uuid`` declares it on SQLite that
    UUID_COLUMNS does not name (left as text under a model that reads bytes), or a table it does not rebuild whose
    foreign key names one it does (left naming a dropped table)."""
    tables = [t for (t,) in _query(bind, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    problems = [
        f"{table}.{column} is declared {TEXT}"
        for table in tables
        for _cid, column, declared, *_rest in _query(bind, f'PRAGMA table_info("{table}")')
        if before == TEXT and declared.upper() == TEXT and column not in UUID_COLUMNS.get(table, ())
    ]
    return problems + [
        f"{table} refers to {parent}"
        for table in tables
        if table not in UUID_COLUMNS
        for _id, _seq, parent, *_rest in _query(bind, f'PRAGMA foreign_key_list("{table}")')
        if parent in UUID_COLUMNS
    ]


def _rebuild_sqlite(bind: sa.Connection, *, before: str, after: str, convert: str) -> None:
    """Rebuild every table of UUID_COLUMNS with its UUID columns declared ``after`` instead of ``before``, each
    value given by the SQL ``convert`` (``{0}``: the column)."""
    problems = _unlisted(bind, before=before)
    if problems:  # nothing has changed yet: the store stays as it was
        raise RuntimeError(f"tables this migration does not know: {'; '.join(problems)}")
    schema = {
        table: _query(bind, "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL", table)
        for table in UUID_COLUMNS
    }
    for table in UUID_COLUMNS:  # the other tables' foreign keys now name the old versions, which go together
        op.execute(f'ALTER TABLE "{table}" RENAME TO "{table}_old"')
    for table, entries in schema.items():
        [create] = [sql for kind, sql in entries if kind == "table"]
        op.execute(_retyped(table, create, before=before, after=after))
        _copy(bind, table, f"{table}_old", convert)
    for table in reversed(UUID_COLUMNS):  # children first: nothing refers to a parent when it goes
        op.execute(f'DROP TABLE "{table}_old"')
    for entries in schema.values():
        for kind, sql in sorted(entries, key=lambda entry: entry[0] != "index"):  # indexes, then triggers
            if kind != "table":
                op.execute(sql)
    op.execute("PRAGMA analysis_limit=1000")  # the planner's figures for the rebuilt tables, as 0006 left them
    for table in UUID_COLUMNS:
        op.execute(f'ANALYZE "{table}"')


def _copy(bind: sa.Connection, table: str, source: str, convert: str) -> None:
    """Every row of ``source`` into ``table`` in its order: a row-id table by row id (kept: the FTS index of
    ``case`` is keyed by it), a WITHOUT ROWID table by its key (so its pages come out full)."""
    info = _query(bind, f'PRAGMA table_info("{source}")')
    names = [f'"{name}"' for _cid, name, *_rest in info]
    key = [f'"{name}"' for _cid, name, _type, _notnull, _default, pk in sorted(info, key=lambda c: c[5]) if pk]
    [(without_rowid,)] = _query(bind, "SELECT wr FROM pragma_table_list(?)", source)
    row_id_column = len(key) == 1 and not without_rowid and [c[2].upper() for c in info if c[5]] == ["INTEGER"]
    uuids = {f'"{column}"' for column in UUID_COLUMNS[table]}
    values = [convert.format(name) if name in uuids else name for name in names]
    if without_rowid:
        order = ", ".join(key)
    else:
        order = "rowid"
        if not row_id_column:  # an implicit row id (``case``): copied too
            names, values = ["rowid", *names], ["rowid", *values]
    op.execute(
        f'INSERT INTO "{table}" ({", ".join(names)}) SELECT {", ".join(values)} FROM "{source}" ORDER BY {order}'
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL's uuid is 16 bytes already
    driver: Any = bind.connection.driver_connection
    driver.create_function(TO_BYTES, 1, _uuid_bytes, deterministic=True)
    _rebuild_sqlite(bind, before=TEXT, after=BYTES, convert=f"{TO_BYTES}({{0}})")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    _rebuild_sqlite(bind, before=BYTES, after=TEXT, convert=TO_TEXT)
