"""The store key of this process, in memory only (see desktop.store.encryption for how it is wrapped on disk).

Apart from the store so that the sync client, which the reference platform shares, can derive the device key's
password without importing the store.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PASSPHRASE_ENV = "YISHI_STORE_PASSPHRASE"
KEY_BYTES = 32

_UNLOCKED: dict[Path, bytes] = {}


def unlock(db: Path, store_key: bytes) -> None:
    """Keep ``store_key`` for the store ``db`` in this process (after a login unwrapped it)."""
    _UNLOCKED[db.resolve()] = store_key


def unlocked(db: Path) -> bytes | None:
    return _UNLOCKED.get(db.resolve())


def lock(db: Path) -> None:
    _UNLOCKED.pop(db.resolve(), None)


def lock_all() -> None:
    """Forget every store key of this process (the window locks, the clerk logs out)."""
    _UNLOCKED.clear()


def unlocked_keys() -> list[bytes]:
    """The store keys unlocked in this process (the window app has one store)."""
    return list(_UNLOCKED.values())


def subkey(store_key: bytes, purpose: str) -> bytes:
    """A key for one purpose (attachments, device.key), derived from the store key with HKDF-SHA256."""
    return HKDF(hashes.SHA256(), KEY_BYTES, salt=None, info=b"yishi " + purpose.encode()).derive(store_key)
