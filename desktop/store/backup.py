"""Backups of a SQLite store with SQLite's online backup API, and a restore that checks before it replaces.

A backup reads one consistent snapshot (a WAL reader: the app keeps writing meanwhile) into a temp file beside
the target, fsynced, then renamed: a kill leaves no half backup under the name. A backup of an encrypted store
is encrypted with the same key (SQLCipher's backup keeps the page format). For a PostgreSQL store see
docs/backup.md (``pg_dump``).

A restore first checks the file (``PRAGMA integrity_check`` and a migration revision this build knows), then
empties the live store's WAL into it, keeps it as ``<name>.before-restore``, and renames the checked copy over
it: the app must be closed on the store while it runs.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.files import fsync_file, private_sqlite, sync_dir, write_private
from desktop.store.encryption import (
    EncryptionError,
    connect,
    forget_format,
    is_encrypted,
    store_key,
    take_exclusive,
)
from desktop.store.revision import shipped_revisions

SIDECARS = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is for the operator (English)."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str
    cases: int
    encrypted: bool


def backup_store(db: Path, out: Path) -> BackupInfo:
    """Copy the live store ``db`` to ``out`` (replaced atomically) while the app may be writing to it."""
    if not db.exists():
        raise BackupError(f"no store at {db}")
    key = store_key(db)
    out = out.resolve()
    beside = out.with_name(f".{out.name}.{os.getpid()}.partial")
    for stale in [beside, *(beside.with_name(beside.name + s) for s in SIDECARS)]:
        stale.unlink(missing_ok=True)
    private_sqlite(beside)
    source, target = connect(db, key), connect(beside, key)
    try:
        source.backup(target)  # one step: a single read snapshot, writers go on in the WAL
        target.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
    finally:
        target.close()
        source.close()
    try:
        info = check_backup(beside, key)
        fsync_file(beside)
        os.replace(beside, out)
        sync_dir(out.parent)
    finally:
        beside.unlink(missing_ok=True)
    return BackupInfo(out, info.revision, info.cases, key is not None)


def check_backup(file: Path, key: bytes | None) -> BackupInfo:
    """Refuse a file that is not a whole, intact store of a migration revision this build knows."""
    if not file.is_file():
        raise BackupError(f"no backup file at {file}")
    encrypted = is_encrypted(file)
    if encrypted and key is None:
        raise BackupError(f"{file} is encrypted and this store has no key to open it")
    try:
        conn = connect(file, key if encrypted else None)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            if [tuple(r) for r in rows] != [("ok",)]:
                raise BackupError(f"{file} fails its integrity check: {str(rows[0][0])[:200]}")
            revision = _revision(conn, file)
            cases = int(conn.execute('SELECT count(*) FROM "case"').fetchone()[0])
        finally:
            conn.close()
    except (sqlite3.DatabaseError, _cipher_errors()) as exc:
        raise BackupError(f"{file} is not a readable store ({_first_line(exc)})") from None
    if revision not in shipped_revisions():
        raise BackupError(f"{file} is at migration {revision!r}, which this build does not know (newer version?)")
    return BackupInfo(file, revision, cases, encrypted)


def restore_store(file: Path, db: Path) -> BackupInfo:
    """Replace the store ``db`` with the backup ``file`` once the file passed :func:`check_backup`. The old store
    is kept as ``<db>.before-restore``. Opening the restored store migrates it to this build's head."""
    key = store_key(db) if db.exists() else None
    info = check_backup(file, key)
    beside = db.with_name(db.name + ".restoring")
    for stale in [beside, *(beside.with_name(beside.name + s) for s in SIDECARS)]:
        stale.unlink(missing_ok=True)
    private_sqlite(beside)
    source, target = connect(file, key if info.encrypted else None), connect(beside, key if info.encrypted else None)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    fsync_file(beside)
    if db.exists():
        _checkpoint(db, key)  # the old WAL is empty, so no stale frame can meet the new file
        kept = db.with_name(db.name + ".before-restore")
        write_private(kept, db.read_bytes())
    for suffix in SIDECARS:
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    os.replace(beside, db)
    sync_dir(db.parent)
    forget_format(db)
    return BackupInfo(db, info.revision, info.cases, info.encrypted)


def _checkpoint(db: Path, key: bytes | None) -> None:
    """Refuse while the app has ``db`` open; else empty its WAL into it."""
    conn = connect(db, key)
    try:
        take_exclusive(conn, (sqlite3.OperationalError, _cipher_errors()), db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except EncryptionError as exc:
        raise BackupError(f"{exc}; nothing was replaced") from None
    finally:
        conn.close()


def _revision(conn: Any, file: Path) -> str:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except Exception as exc:  # sqlite3 or SQLCipher's OperationalError: no such table
        raise BackupError(f"{file} has no migration revision: not a yishi store ({_first_line(exc)})") from None
    if row is None:
        raise BackupError(f"{file} has no migration revision: not a yishi store")
    return str(row[0])


def _cipher_errors() -> type[Exception]:
    try:
        import sqlcipher3.dbapi2 as sqlcipher  # noqa: PLC0415 - only where an encrypted file is checked

        return sqlcipher.DatabaseError  # type: ignore[no-any-return]
    except ImportError:  # pragma: no cover - the dependency is declared
        return EncryptionError


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
