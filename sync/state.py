"""The sync worker's own small state beside the case store: the status cursor and withheld statuses.

Kept in ``sync-state.sqlite3`` next to the case database so the store's schema stays the store's.
Applying a status twice is harmless (the second is a no-op), so the cursor is saved after applying.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop.files import private_sqlite

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS withheld (
    case_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT
);
CREATE TABLE IF NOT EXISTS applied (case_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class Withheld:
    """A platform status not applied yet: the case has local unsent changes, or its local state cannot take the
    status now (a returned case reopened at the window, then 不予受理). ``why`` says which, for the clerk."""

    case_id: str
    seq: int
    status: str
    reason: str | None
    why: str | None = None


class SyncState:
    """Cursor and withheld statuses in a SQLite file (one short transaction per call)."""

    def __init__(self, path: Path) -> None:
        self.path = private_sqlite(path)  # 0600, its WAL too
        with self._conn() as conn:
            conn.executescript(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(withheld)")}
            if "why" not in columns:  # a state file from before statuses were withheld for their state
                conn.execute("ALTER TABLE withheld ADD COLUMN why TEXT")

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # autocommit: one statement each
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            yield conn
        finally:
            conn.close()

    def cursor(self) -> int:
        with self._conn() as conn:
            row = conn.execute("SELECT value FROM kv WHERE key = 'status_cursor'").fetchone()
        return int(row[0]) if row else 0

    def set_cursor(self, cursor: int) -> None:
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO kv (key, value) VALUES ('status_cursor', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(cursor),),
            )

    def last_success(self) -> datetime | None:
        """When a run last reached the platform and finished."""
        with self._conn() as conn:
            row = conn.execute("SELECT value FROM kv WHERE key = 'last_success_at'").fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def record_success(self, when: datetime) -> None:
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO kv (key, value) VALUES ('last_success_at', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (when.isoformat(),),
            )

    def withhold(self, item: Withheld) -> None:
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO withheld (case_id, seq, status, reason, why) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(case_id) DO UPDATE SET seq = excluded.seq, status = excluded.status, "
                "reason = excluded.reason, why = excluded.why WHERE excluded.seq >= seq",
                (item.case_id, item.seq, item.status, item.reason, item.why),
            )

    def withheld(self) -> list[Withheld]:
        with self._conn() as conn:
            rows = conn.execute("SELECT case_id, seq, status, reason, why FROM withheld ORDER BY seq").fetchall()
        return [Withheld(*r) for r in rows]

    def release(self, case_id: str) -> None:
        with self._conn() as conn:
            conn.execute("DELETE FROM withheld WHERE case_id = ?", (case_id,))

    def applied_seq(self, case_id: str) -> int | None:
        """The feed position of the newest status applied to this case (``None``: none recorded)."""
        with self._conn() as conn:
            row = conn.execute("SELECT seq FROM applied WHERE case_id = ?", (case_id,)).fetchone()
        return None if row is None else int(row[0])

    def record_applied(self, case_id: str, seq: int) -> None:
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO applied VALUES (?, ?) ON CONFLICT(case_id) DO UPDATE SET seq = excluded.seq "
                "WHERE excluded.seq > seq",
                (case_id, seq),
            )


def state_path(store_path: Path) -> Path:
    return store_path.parent / "sync-state.sqlite3"
