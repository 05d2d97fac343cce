"""Encryption at rest: a SQLCipher store, its attachments sealed with AES-GCM, one random store key.

The store key (32 random bytes) is never on disk unwrapped. Beside ``cases.sqlite3`` sits
``cases.sqlite3.keys.json`` (0600): the key wrapped (AES-256-GCM) once per passphrase, each under its own
scrypt-derived key-encryption key. A wrap has a label: ``"env"`` for the passphrase scripts and tests pass in
``YISHI_STORE_PASSPHRASE``, an account's user name for a login.

Login interface (issue 10, see docs/security.md): the accounts live inside the encrypted store, so before
opening it the login calls :func:`unwrap_store_key` (``label`` = the user name, or ``None`` to try every wrap)
and hands the result to ``desktop.keyring.unlock``; creating an account or changing its password while the store
is unlocked calls :func:`add_passphrase`. Without an unlocked key, opening an encrypted store tries
``YISHI_STORE_PASSPHRASE``, then refuses with :class:`StoreLockedError`.

A SQLCipher file is told from a plain one by its first 16 bytes (a plain one starts ``SQLite format 3``), so the
state on disk always says which it is, even after a kill halfway through :func:`encrypt_store`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from desktop.files import fsync_file, private_sqlite, sync_dir, write_private
from desktop.keyring import KEY_BYTES, PASSPHRASE_ENV, subkey, unlock, unlocked

ENV_LABEL = "env"
SQLITE_MAGIC = b"SQLite format 3\x00"
BLOB_MAGIC = b"YISHI-AEAD1\x00"  # an attachment sealed with the store key: magic, 12-byte nonce, ciphertext
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # ~100 ms and 32 MiB a try
_WRAP_AAD = b"yishi store key v1"


class EncryptionError(Exception):
    """Encryption at rest cannot go ahead; the message is for the user (English)."""


class StoreLockedError(EncryptionError):
    """An encrypted store and no key for it in this process."""


class WrongPassphraseError(EncryptionError):
    """No wrap of the store key opens with this passphrase."""


# -- which files are encrypted ------------------------------------------------------------------------------------


def keyfile_path(db: Path) -> Path:
    return db.with_name(db.name + ".keys.json")


def is_encrypted(db: Path) -> bool:
    """``db`` is a SQLCipher file (a non-empty file whose header is not SQLite's). Reads the file: for a store
    this process may have open, use :func:`store_is_encrypted`."""
    try:
        with db.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return False
    return len(head) > 0 and head != SQLITE_MAGIC


_KNOWN: dict[Path, bool] = {}


def store_is_encrypted(db: Path) -> bool:
    """:func:`is_encrypted`, read once per process before the store is opened and then remembered: opening and
    closing a SQLite file outside SQLite would drop the POSIX locks its connections hold. Only this process's
    conversion or restore changes it (both need the app closed on the store)."""
    where = db.resolve()
    if where not in _KNOWN:
        _KNOWN[where] = is_encrypted(db)
    return _KNOWN[where]


def forget_format(db: Path | None = None) -> None:
    """After this process converted or replaced ``db`` (``None``: every store; tests, whose other processes
    convert stores this one opened)."""
    if db is None:
        _KNOWN.clear()
    else:
        _KNOWN.pop(db.resolve(), None)


# -- wrapping the store key ---------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def wrap_key(store_key: bytes, label: str, passphrase: str) -> dict[str, Any]:
    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    wrapped = AESGCM(kek).encrypt(nonce, store_key, _WRAP_AAD + label.encode("utf-8"))
    return {
        "label": label,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
    }


def _read_wraps(db: Path) -> list[dict[str, Any]]:
    path = keyfile_path(db)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        wraps = data["wraps"]
    except FileNotFoundError:
        raise EncryptionError(f"{path} is missing: the store key cannot be unwrapped") from None
    except (ValueError, KeyError, TypeError):
        raise EncryptionError(f"{path} is damaged") from None
    if not isinstance(wraps, list):
        raise EncryptionError(f"{path} is damaged")
    return [w for w in wraps if isinstance(w, dict)]


def _write_wraps(db: Path, wraps: list[dict[str, Any]]) -> None:
    body = json.dumps({"version": 1, "cipher": "sqlcipher4+aes-256-gcm", "wraps": wraps}, indent=2)
    write_private(keyfile_path(db), body.encode("utf-8"))


def _try_unwrap(wrap: dict[str, Any], passphrase: str) -> bytes | None:
    try:
        kdf = wrap["kdf"]
        kek = _kek(passphrase, base64.b64decode(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        aad = _WRAP_AAD + str(wrap["label"]).encode("utf-8")
        return AESGCM(kek).decrypt(base64.b64decode(wrap["nonce"]), base64.b64decode(wrap["wrapped"]), aad)
    except (InvalidTag, KeyError, TypeError, ValueError):
        return None


def unwrap_store_key(passphrase: str, db: Path, label: str | None = None) -> bytes:
    """The store key, unwrapped with ``passphrase`` (the wrap named ``label``, or any): the login's call.
    Raises :class:`WrongPassphraseError`; the key stays in memory only."""
    for wrap in _read_wraps(db):
        if label is None or wrap.get("label") == label:
            key = _try_unwrap(wrap, passphrase)
            if key is not None:
                return key
    raise WrongPassphraseError("the passphrase does not unlock this store")


def add_passphrase(db: Path, store_key: bytes, label: str, passphrase: str) -> None:
    """Wrap the (unlocked) store key for one more passphrase, replacing the wrap with the same label."""
    wraps = [w for w in _read_wraps(db) if w.get("label") != label] if keyfile_path(db).exists() else []
    _write_wraps(db, [*wraps, wrap_key(store_key, label, passphrase)])


def wrap_labels(db: Path) -> list[str]:
    """The labels of the store key's wraps (``env`` and account user names); none when there is no key file."""
    if not keyfile_path(db).exists():
        return []
    return [str(w.get("label")) for w in _read_wraps(db)]


def remove_passphrase(db: Path, label: str) -> None:
    """Drop the wrap of a disabled account (at least one wrap always stays)."""
    wraps = _read_wraps(db)
    kept = [w for w in wraps if w.get("label") != label]
    if not kept:
        raise EncryptionError("the last passphrase of an encrypted store cannot be removed")
    _write_wraps(db, kept)


# -- the key of this process (desktop.keyring) -------------------------------------------------------------------


def store_key(db: Path) -> bytes | None:
    """The key of an encrypted store (``None``: the store is plain): unlocked in this process, else unwrapped
    with ``YISHI_STORE_PASSPHRASE``; :class:`StoreLockedError` when neither."""
    if not store_is_encrypted(db):
        return unlocked(db)  # a plain store being converted may already have its key
    key = unlocked(db)
    if key is not None:
        return key
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        raise StoreLockedError(f"{db} is encrypted: log in, or set {PASSPHRASE_ENV}")
    key = unwrap_store_key(passphrase, db)
    unlock(db, key)
    return key


def check_required(db: Path, required: bool) -> None:
    """Refuse a plain store on a window whose settings say ``require_encryption``."""
    if required and db.exists() and not store_is_encrypted(db):
        raise EncryptionError(f"{db} is not encrypted and this window requires encryption: run yishi store encrypt")


# -- SQLCipher ----------------------------------------------------------------------------------------------------


def key_pragma(store_key: bytes) -> str:
    """``PRAGMA key`` with the raw 256-bit key (no second KDF: the key is random, not a passphrase)."""
    return f"PRAGMA key = \"x'{store_key.hex()}'\""


def sqlcipher_module() -> Any:
    import sqlcipher3.dbapi2 as sqlcipher  # noqa: PLC0415 - loaded only by windows whose store is encrypted

    return sqlcipher


def connect(db: Path, store_key: bytes | None, timeout: float = 10.0) -> Any:
    """A DB-API connection on ``db`` (sqlite3 for a plain file, SQLCipher keyed for an encrypted one)."""
    if store_key is None:
        return sqlite3.connect(db, timeout=timeout)
    conn = sqlcipher_module().connect(str(db), timeout=timeout)
    conn.execute(key_pragma(store_key))
    return conn


# -- attachments --------------------------------------------------------------------------------------------------


def seal(store_key: bytes, data: bytes, name: str) -> bytes:
    """``data`` encrypted and authenticated for the file ``name`` (a blob moved to another name fails)."""
    nonce = os.urandom(12)
    return BLOB_MAGIC + nonce + AESGCM(subkey(store_key, "attachments")).encrypt(nonce, data, name.encode())


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(BLOB_MAGIC)


def open_sealed(store_key: bytes | None, blob: bytes, name: str) -> bytes:
    """A sealed blob's plaintext; a plain blob (a store not yet, or never, encrypted) as it is."""
    if not is_sealed(blob):
        return blob
    if store_key is None:
        raise StoreLockedError("an encrypted attachment and no store key")
    nonce, body = blob[len(BLOB_MAGIC) : len(BLOB_MAGIC) + 12], blob[len(BLOB_MAGIC) + 12 :]
    try:
        return AESGCM(subkey(store_key, "attachments")).decrypt(nonce, body, name.encode())
    except InvalidTag:
        raise EncryptionError(f"attachment {name[:12]}… does not open with this store's key (damaged?)") from None


# -- converting a plain store -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Converted:
    """What :func:`encrypt_store` did: the database converted now (False: it already was) and sealed blobs."""

    database: bool
    attachments: int


def encrypt_store(db: Path, passphrase: str, attachments_dir: Path | None = None) -> Converted:
    """Convert the plain store ``db`` to SQLCipher in place, then seal its attachments.

    Steps, each safe to kill: (1) the key file with the new key wrapped for ``passphrase`` (a plain store ignores
    it); (2) a SQLCipher copy written beside (``sqlcipher_export``), fsynced; (3) an atomic rename over ``db`` and
    an fsynced folder. A kill before (3) leaves the old store; after it, the new one. Run again, it finishes the
    attachments (each sealed through its own atomic rename). The app must be closed on this store."""
    if not db.exists():
        raise EncryptionError(f"no store at {db}")
    converted = False
    if is_encrypted(db):
        key = unwrap_store_key(passphrase, db)
    else:
        key = os.urandom(KEY_BYTES)
        _write_wraps(db, [wrap_key(key, ENV_LABEL, passphrase)])
        _export_encrypted(db, key)
        converted = True
    unlock(db, key)
    sealed = seal_attachments(attachments_dir or db.parent / "attachments", key)
    return Converted(converted, sealed)


def _export_encrypted(db: Path, key: bytes) -> None:
    beside = db.with_name(db.name + ".encrypting")
    for stale in (beside, *(beside.with_name(beside.name + s) for s in ("-wal", "-shm", "-journal"))):
        stale.unlink(missing_ok=True)
    private_sqlite(beside)
    sqlcipher = sqlcipher_module()
    conn = sqlcipher.connect(str(db), timeout=5, isolation_level=None)  # no key: reads the plain file
    try:
        take_exclusive(conn, sqlcipher.OperationalError, db)  # held to the rename: no writer slips in between
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(beside),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {version}")
        conn.execute("DETACH DATABASE encrypted")
        fsync_file(beside)
        os.replace(beside, db)
        sync_dir(db.parent)
    finally:
        conn.close()
        forget_format(db)
    for suffix in ("-wal", "-shm"):  # the plain store's, empty after the checkpoint
        db.with_name(db.name + suffix).unlink(missing_ok=True)


def take_exclusive(conn: Any, busy: type[Exception] | tuple[type[Exception], ...], db: Path) -> None:
    """Take ``db``'s lock for good (``locking_mode=EXCLUSIVE``: kept until ``conn`` closes); refuse, in English,
    while another process (the app) has the store open."""
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except busy:
        raise EncryptionError(f"{db} is in use: close the app on this store first") from None


def _blobs(folder: Path) -> Iterator[Path]:
    if folder.exists():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path


def seal_attachments(folder: Path, store_key: bytes) -> int:
    """Seal every plain blob under ``folder`` (atomic per file); returns how many were sealed now."""
    done = 0
    for path in _blobs(folder):
        data = path.read_bytes()
        if is_sealed(data):
            continue
        if hashlib.sha256(data).hexdigest() != path.name:
            continue  # not a content-addressed blob (or damaged): left for the sync worker to report
        write_private(path, seal(store_key, data, path.name))
        done += 1
    return done
