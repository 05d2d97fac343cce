"""``yishi store encrypt`` (convert this window's store to SQLCipher in place) and ``yishi store status``."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path
from typing import Any

from desktop import paths, settings
from desktop.cli.common import fail
from desktop.keyring import PASSPHRASE_ENV
from desktop.services.encryption import EncryptionError, encrypt_window_store, is_encrypted
from desktop.services.sync import device_dir


def _passphrase() -> str | None:
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    first = getpass.getpass("store passphrase: ")
    if getpass.getpass("again: ") != first:
        return None
    return first


def store(args: argparse.Namespace) -> int:
    db = paths.db_path_from(args, settings.load())
    if args.action == "status":
        if isinstance(db, str):
            print("a PostgreSQL store: encryption is the server's")
            return 0
        print(f"{db}: {'encrypted (SQLCipher)' if is_encrypted(db) else 'not encrypted'}")
        return 0
    if isinstance(db, Path) and not db.exists():
        return fail(f"no store at {db}")
    try:
        passphrase = _passphrase()
        if passphrase is None:
            return fail("the passphrases differ; nothing was changed")
        report = encrypt_window_store(db, passphrase, device_dir())
    except (EncryptionError, OSError, EOFError) as exc:
        return fail(f"store not encrypted: {exc}")
    what = "encrypted" if report.database_converted else "was already encrypted"
    key = "device.key encrypted" if report.device_key_encrypted else "no device.key here"
    print(f"{db}: {what}; {report.attachments_sealed} attachment(s) sealed; {key}")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser("store", help="encryption at rest of this window's case store")
    parser.add_argument(
        "action",
        choices=["encrypt", "status"],
        help=f"encrypt: convert in place (passphrase from {PASSPHRASE_ENV} or asked twice; close the app first)",
    )
    parser.set_defaults(func=store)
