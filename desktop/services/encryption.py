"""Encryption at rest as the command line and the app use it: convert a window's store, say whether it is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from desktop import keyring
from desktop.store.db import is_postgres
from desktop.store.encryption import (
    EncryptionError,
    WrongPassphraseError,
    add_passphrase,
    check_required,
    encrypt_store,
    is_encrypted,
    remove_passphrase,
    store_is_encrypted,
    unwrap_store_key,
    wrap_labels,
)
from desktop.store.repo import Store
from sync.client import protect_device_key

MIN_PASSPHRASE = 8

__all__ = [
    "EncryptionError",
    "EncryptionReport",
    "NoAccountWrapError",
    "WrongPassphraseError",
    "check_required",
    "drop_account_wrap",
    "encrypt_window_store",
    "is_encrypted",
    "lock_store_keys",
    "store_needs_login",
    "unlock_with_account",
    "wrap_for_account",
]


class NoAccountWrapError(WrongPassphraseError):
    """The account has no wrap of the store key (added before encryption, or disabled)."""


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


# -- the login unwraps the store key (issue 13): each account has its own wrap, labelled with its user name -------


def store_needs_login(db: Path | str) -> bool:
    """The window's store is encrypted and nothing in this process opens it: no key unlocked and no
    ``YISHI_STORE_PASSPHRASE`` (scripts, tests). The app then asks for an account and its password first."""
    if is_postgres(db):
        return False
    path = Path(db)
    return store_is_encrypted(path) and keyring.unlocked(path) is None and not os.environ.get(keyring.PASSPHRASE_ENV)


def unlock_with_account(db: Path | str, username: str, password: str) -> None:
    """Unwrap the store key with the account's own wrap and keep it in memory (``desktop.keyring``).
    :class:`NoAccountWrapError` when the account has none, :class:`WrongPassphraseError` when the password does
    not open it; nothing is written either way."""
    path = Path(db)
    if username not in wrap_labels(path):
        raise NoAccountWrapError(f"the account {username!r} cannot unlock this store")
    keyring.unlock(path, unwrap_store_key(password, path, label=username))


def _unlocked_key(store: Store) -> bytes | None:
    """The key of ``store`` when it is an encrypted file unlocked in this process (None: plain, or a server)."""
    if store.url is not None or not store_is_encrypted(store.path):
        return None
    return keyring.unlocked(store.path)


def wrap_for_account(store: Store, username: str, password: str, *, only_missing: bool = False) -> bool:
    """Add (or replace) the account's wrap of the unlocked store key; ``only_missing``: keep an existing one.
    False when there is nothing to wrap (a plain store, or no key unlocked)."""
    key = _unlocked_key(store)
    if key is None or (only_missing and username in wrap_labels(store.path)):
        return False
    add_passphrase(store.path, key, username, password)
    return True


def drop_account_wrap(store: Store, username: str) -> bool:
    """Remove a disabled account's wrap (the last wrap of a store always stays: without it nobody opens it)."""
    if store.url is not None or not store_is_encrypted(store.path):
        return False
    labels = wrap_labels(store.path)
    if username not in labels or len(labels) < 2:  # one wrap besides this one must stay
        return False
    remove_passphrase(store.path, username)
    return True


def lock_store_keys() -> None:
    """Forget every store key of this process (the app quits)."""
    keyring.lock_all()
