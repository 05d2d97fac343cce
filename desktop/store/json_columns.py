"""JSON columns as a SQLite store keeps them small (PostgreSQL: its ``json`` type, as before).

- :class:`CompactJSON`: UTF-8 as typed rather than ``\\uXXXX`` escapes, no blanks between tokens (SQLAlchemy's
  default text spells each Chinese character in six bytes, not three, and pads every key and value);
- :class:`PackedJSON`: that text zlib-compressed when it comes out smaller, for a document only ever read whole: the
  form's answers and values (search and reports read the columns copied from them, never the document in SQL).

Both read plain JSON text too (rows written before migration 0006, or by hand), so a value is JSON text or, packed,
a BLOB: SQL that looks inside ``case.values`` on SQLite must decode it in Python (:func:`load_json`). Forms written
before 0006 are packed by the maintenance run (:func:`pack_forms`, from ``Store.compact_acknowledged``), not at
start-up.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from sqlalchemy import JSON, Connection, Dialect, Text
from sqlalchemy.types import TypeDecorator, TypeEngine


def dump_json(value: Any) -> str:
    """``value`` as compact JSON text (what :class:`CompactJSON` stores)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# a form is a few hundred bytes to a few KiB: a 2 KiB window packs it as well as zlib's default 32 KiB, and
# setting up the default's buffers takes three times as long as compressing
PACK_WBITS, PACK_MEMLEVEL = 11, 4
PACK_BATCH = 2000


def pack_json(text: str) -> str | bytes:
    """JSON text as :class:`PackedJSON` stores it: compressed when that is smaller, else as it is."""
    raw = text.encode()
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, PACK_WBITS, PACK_MEMLEVEL)
    packed = packer.compress(raw) + packer.flush()
    return packed if len(packed) < len(raw) else text


def pack_forms(conn: Connection, after: int = 0, batch: int = PACK_BATCH) -> tuple[int | None, int]:
    """Pack the answers and values of one batch of SQLite cases (by rowid, after ``after``) written before migration
    0006, still JSON text; returns the rowid to go on after (None: no case is left) and how many were packed.
    PostgreSQL keeps its json type: nothing to do."""
    if conn.dialect.name != "sqlite":
        return None, 0
    rows = conn.exec_driver_sql(
        'SELECT rowid, answers, "values" FROM "case" WHERE rowid > ? ORDER BY rowid LIMIT ?', (after, batch)
    ).all()
    stale = [(_repack(a), _repack(v), r) for r, a, v in rows if isinstance(a, str) or isinstance(v, str)]
    if stale:
        conn.exec_driver_sql('UPDATE "case" SET answers = ?, "values" = ? WHERE rowid = ?', stale)
    return (int(rows[-1][0]) if rows else None), len(stale)


def _repack(stored: str | bytes) -> str | bytes:
    return pack_json(dump_json(json.loads(stored))) if isinstance(stored, str) else stored


def load_json(stored: str | bytes) -> Any:
    """A stored JSON value back (plain text or packed)."""
    return json.loads(zlib.decompress(stored) if isinstance(stored, bytes) else stored)


class _JSONText(Text):
    """Declared ``JSON`` as before, its value (text or BLOB) passed as it is: :class:`CompactJSON` does the JSON."""

    __visit_name__ = "JSON"


class CompactJSON(TypeDecorator[Any]):
    """JSON stored as compact UTF-8 text on SQLite."""

    impl = JSON
    cache_ok = True
    packed = False

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return _JSONText() if dialect.name == "sqlite" else dialect.type_descriptor(JSON())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if dialect.name != "sqlite" or value is None:
            return value
        text = dump_json(value)
        return pack_json(text) if self.packed else text

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if dialect.name != "sqlite" or value is None:
            return value
        return load_json(value)


class PackedJSON(CompactJSON):
    """JSON stored compact and, when that is smaller, zlib-compressed on SQLite."""

    cache_ok = True
    packed = True
