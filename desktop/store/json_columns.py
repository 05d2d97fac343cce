"""JSON columns as a SQLite store keeps them small (PostgreSQL: its ``json`` type, as before).

- :class:`CompactJSON`: UTF-8 as typed rather than ``\\uXXXX`` escapes, no blanks between tokens (SQLAlchemy's
  default text spells each Chinese character in six bytes, not three, and pads every key and value);
- :class:`PackedJSON`: that text zlib-compressed when it comes out smaller, for a document only ever read whole: the
  form's answers and values (search and reports read the columns copied from them, never the document in SQL).

Both read plain JSON text too (rows written before migration 0006, or by hand), so a value is JSON text or, packed,
a BLOB: SQL that looks inside ``case.values`` on SQLite must decode it in Python (:func:`load_json`).
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from sqlalchemy import JSON, Dialect, Text
from sqlalchemy.types import TypeDecorator, TypeEngine


def dump_json(value: Any) -> str:
    """``value`` as compact JSON text (what :class:`CompactJSON` stores)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def pack_json(text: str) -> str | bytes:
    """JSON text as :class:`PackedJSON` stores it: compressed when that is smaller, else as it is."""
    raw = text.encode()
    packed = zlib.compress(raw)
    return packed if len(packed) < len(raw) else text


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
