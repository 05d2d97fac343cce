"""``yishi backup FILE`` (while the app runs) and ``yishi restore FILE`` (checked before anything is replaced)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop import paths, settings
from desktop.cli.common import fail
from desktop.services.backup import BackupError, backup_now, restore
from desktop.services.encryption import EncryptionError


def backup(args: argparse.Namespace) -> int:
    db = paths.db_path_from(args, settings.load())
    try:
        info = backup_now(db, Path(args.file))
    except (BackupError, EncryptionError, OSError) as exc:
        return fail(f"backup failed: {exc}")
    sealed = ", encrypted with the store key" if info.encrypted else ""
    print(f"backed up {info.cases} cases (migration {info.revision}) to {info.path}{sealed}")
    return 0


def restore_cmd(args: argparse.Namespace) -> int:
    db = paths.db_path_from(args, settings.load())
    try:
        info = restore(db, Path(args.file))
    except (BackupError, EncryptionError, OSError) as exc:
        return fail(f"restore refused, nothing was replaced: {exc}")
    print(f"restored {info.cases} cases (migration {info.revision}) into {info.path}; the old store is kept beside it")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser("backup", help="copy the case store to FILE while the app runs (SQLite online backup)")
    parser.add_argument("file", help="the backup file to write")
    parser.set_defaults(func=backup)
    parser = sub.add_parser("restore", help="replace the case store with a checked backup FILE (app closed)")
    parser.add_argument("file", help="a file written by yishi backup")
    parser.set_defaults(func=restore_cmd)
