"""Backups as the app and the command line use them: one now, a restore, and the daily copy kept N days.

The app calls :func:`daily_backup` once a day (at start-up and then on a timer is enough: a day already backed
up is skipped). Attachments are content-addressed files that never change, so the daily backup copies the new
ones into ``<backup_dir>/attachments`` beside the database copies and never prunes them by age.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from desktop.cases.clock import Clock
from desktop.files import private_dir, write_private
from desktop.settings import Settings
from desktop.store.backup import BackupError, BackupInfo, backup_store, restore_store
from desktop.store.db import is_postgres

DAILY_NAME = re.compile(r"^cases-(\d{4})-(\d{2})-(\d{2})\.sqlite3$")

__all__ = ["BackupError", "BackupInfo", "DailyBackup", "backup_now", "daily_backup", "restore"]


def _sqlite_only(db: Path | str) -> Path:
    if is_postgres(db):
        raise BackupError("a PostgreSQL store is backed up on its server with pg_dump (see docs/backup.md)")
    return Path(db)


def backup_now(db: Path | str, out: Path) -> BackupInfo:
    """``yishi backup FILE``: a consistent copy of the store while the app may be running."""
    if out.exists() and out.is_dir():
        raise BackupError(f"{out} is a folder: name the backup file")
    private_dir(out.parent)
    return backup_store(_sqlite_only(db), out)


def restore(db: Path | str, file: Path) -> BackupInfo:
    """``yishi restore FILE``: checked first (integrity, migration revision), then put in place."""
    return restore_store(file, _sqlite_only(db))


@dataclass(frozen=True)
class DailyBackup:
    made: Path | None  # None: today's copy was already there
    pruned: list[Path]
    attachments_copied: int


def daily_backup(db: Path | str, settings: Settings, clock: Clock) -> DailyBackup | None:
    """Today's copy to ``settings.backup_dir`` (``cases-YYYY-MM-DD.sqlite3`` on the hall's day), copies older
    than ``backup_keep_days`` removed, new attachments copied. ``None`` when no backup folder is set."""
    if not settings.backup_dir or is_postgres(db):
        return None
    store = Path(db)
    folder = private_dir(Path(settings.backup_dir).expanduser())
    today = clock.today()
    target = folder / f"cases-{today.isoformat()}.sqlite3"
    made = None
    if not target.exists():
        backup_store(store, target)
        made = target
    copied = _copy_new_attachments(store.parent / "attachments", folder / "attachments")
    return DailyBackup(made, prune(folder, today, settings.backup_keep_days), copied)


def prune(folder: Path, today: date, keep_days: int) -> list[Path]:
    """Remove the daily copies older than ``keep_days`` (today's and at least one copy always stay)."""
    oldest = today - timedelta(days=max(keep_days, 1) - 1)
    dated = []
    for path in folder.iterdir():
        match = DAILY_NAME.match(path.name)
        if match:
            dated.append((date(int(match[1]), int(match[2]), int(match[3])), path))
    dated.sort()
    removed = []
    for day, path in dated[:-1]:  # the newest copy stays whatever its age
        if day < oldest:
            path.unlink()
            removed.append(path)
    return removed


def _copy_new_attachments(source: Path, target: Path) -> int:
    copied = 0
    if not source.exists():
        return 0
    for blob in sorted(source.rglob("*")):
        if not blob.is_file() or blob.name.startswith("."):
            continue
        dest = target / blob.relative_to(source)
        if dest.exists() and dest.stat().st_size == blob.stat().st_size:
            continue
        write_private(dest, blob.read_bytes())  # sealed blobs stay sealed
        copied += 1
    return copied
