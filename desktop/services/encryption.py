"""Encryption at rest as the command line and the app use it: convert a window's store, say whether it is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.store.db import is_postgres
from desktop.store.encryption import (
    EncryptionError,
    check_required,
    encrypt_store,
    is_encrypted,
)
from sync.client import protect_device_key

MIN_PASSPHRASE = 8

__all__ = ["EncryptionError", "EncryptionReport", "check_required", "encrypt_window_store", "is_encrypted"]


@dataclass(frozen=True)
class EncryptionReport:
    database_converted: bool  # False: it already was encrypted (a rerun finishes the attachments)
    attachments_sealed: int
    device_key_encrypted: bool


def encrypt_window_store(db: Path | str, passphrase: str, device_folder: Path) -> EncryptionReport:
    """``yishi store encrypt``: the store to SQLCipher in place (a kill leaves the old or the new store), its
    attachments sealed, and this PC's ``device.key`` re-encrypted with a key derived from the store key."""
    if is_postgres(db):
        raise EncryptionError("a PostgreSQL store is encrypted on its server (disk or tablespace encryption)")
    if len(passphrase) < MIN_PASSPHRASE:
        raise EncryptionError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    done = encrypt_store(Path(db), passphrase)
    return EncryptionReport(done.database, done.attachments, protect_device_key(device_folder))
