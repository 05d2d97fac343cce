"""Phrases (migration 0008): a text that many rows repeat is kept once, and the rows hold its id.

A material's name is its catalog text (申请表（一表申请生成，申请人签字）, 40 bytes on average), why an item
applies is the situation answered (「典当行申请办理哪项事项？」答「变更名称或住所」, 75 bytes, on every item of
the case), the center's name is the same on every case of a window: stored whole they were a fifth of a case.
There are as many of them as the catalog and the halls have (hundreds, not millions), so a store keeps every
phrase it has met in memory: :meth:`Phrases.ids` answers from there, and goes to the database only for a text it
has not seen yet.

A text the store lacks is added in a short transaction of its own, committed before the caller's write begins
(``INSERT … ON CONFLICT DO NOTHING``, then the ids read back: windows adding the same phrase at once on a center's
PostgreSQL get the same row). So the memory only ever holds committed ids: a write that then fails leaves at most
a phrase nothing uses yet, never an id that names nothing (SQLite gives a rolled-back id out again). Because the
caller's transaction has not begun, a SQLite writer never waits on itself. Phrases are never changed or removed.

Reads need none of this: the models read a phrase's text with the row (``desktop.store.models.PHRASES``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from desktop.store.db import writer
from desktop.store.driver import run_many
from desktop.store.models import Phrase


class _Item(Protocol):
    @property
    def reason(self) -> str: ...


class _Material(Protocol):
    @property
    def name(self) -> str: ...


def case_texts(center_name: str, items: Iterable[_Item], materials: Iterable[_Material]) -> list[str]:
    """A case's phrases (``models.PHRASES``): its center's name, why each item applies, each material's name."""
    return [center_name, *(i.reason for i in items), *(m.name for m in materials)]


class Phrases:
    """The ids of the phrases one store has met (see the module's docstring); shared by the store's threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._ids: dict[str, int] = {}
        self._adding = threading.Lock()  # one thread adds what several may lack

    def ids(self, texts: Iterable[str]) -> Mapping[str, int]:
        """Every phrase id this store knows by its text, ``texts`` among them (added to the store if new).

        Call it before the write that uses the ids begins, never inside one (the new texts commit on their own)."""
        known = self._ids
        missing = {t for t in texts if t not in known}
        if missing:
            with self._adding:
                missing -= known.keys()  # another thread may have added them meanwhile
                if missing:
                    self._add(sorted(missing))
        return known

    def _add(self, texts: list[str]) -> None:
        with writer(self.engine).begin() as conn:  # SQLite: BEGIN IMMEDIATE, as every write
            run_many(conn, _insert(conn.dialect.name), [{"text": t} for t in texts])
            found = conn.execute(_select(), {"texts": texts}).all()
        self._ids.update({text: phrase_id for phrase_id, text in found})  # committed: for good


@functools.cache
def _insert(dialect: str) -> Any:
    """``INSERT INTO phrase (text) VALUES (:text) ON CONFLICT (text) DO NOTHING``, in each dialect's spelling."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert  # noqa: PLC0415 - 90 ms a SQLite window never pays

        return pg_insert(Phrase).values(text=bindparam("text")).on_conflict_do_nothing(index_elements=["text"])
    return sqlite_insert(Phrase).values(text=bindparam("text")).on_conflict_do_nothing(index_elements=["text"])


@functools.cache
def _select() -> Any:
    return select(col(Phrase.id), col(Phrase.text)).where(col(Phrase.text).in_(bindparam("texts", expanding=True)))
