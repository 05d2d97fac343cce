"""Where the platform's private keys live: never in its database.

:class:`KeyStore` is the hook a production platform implements over its KMS or HSM; :class:`FileKeyStore` keeps the
X25519 key that transfer files are encrypted to in one owner-only (0600) PEM file beside a SQLite database, or at
``YISHI_PLATFORM_KEY_FILE`` (else in the user data dir) for a PostgreSQL one. Several server processes sharing one
PostgreSQL database must be given the same key file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from platformdirs import user_data_dir
from sqlalchemy import Engine

from desktop.files import write_private
from sync.crypto import X25519PrivateKey, private_key_pem, raw_private, read_x25519_private
from sync.platform.db import PlatformSetupError

KEY_FILE_ENV = "YISHI_PLATFORM_KEY_FILE"
KEY_FILE_SUFFIX = ".transfer-key.pem"


class KeyStoreError(PlatformSetupError):
    """The platform's keys cannot be read or would be overwritten; the message says what to do, in English."""


class KeyStore(Protocol):
    """The platform's private keys (a KMS/HSM adapter implements these two methods)."""

    def transfer_key(self) -> X25519PrivateKey:
        """The X25519 key transfer files are encrypted to; created on first use, the same ever after."""
        ...

    def adopt_transfer_key(self, key: X25519PrivateKey) -> None:
        """Keep ``key`` (found in an old database) as the transfer key; KeyStoreError if another key is kept."""
        ...


class FileKeyStore:
    """The transfer key in one owner-only PEM file; created atomically, so racing processes agree on one key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key: X25519PrivateKey | None = None

    def transfer_key(self) -> X25519PrivateKey:
        if self._key is None:
            self._key = self._read() or self._create(X25519PrivateKey.generate())
        return self._key

    def adopt_transfer_key(self, key: X25519PrivateKey) -> None:
        kept = self._read() or self._create(key)
        if raw_private(kept) != raw_private(key):
            raise KeyStoreError(
                f"the platform database holds a transfer key that differs from the one in {self.path}; "
                "move one of them aside (files encrypted to the other can then no longer be read)"
            )
        self._key = kept

    def _read(self) -> X25519PrivateKey | None:
        try:
            return read_x25519_private(self.path)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise KeyStoreError(f"cannot read the platform's transfer key {self.path}: {exc}") from None

    def _create(self, key: X25519PrivateKey) -> X25519PrivateKey:
        try:
            created = write_private(self.path, private_key_pem(key), exclusive=True)
        except OSError as exc:
            raise KeyStoreError(f"cannot write the platform's transfer key {self.path}: {exc.strerror}") from None
        if created:
            return key
        return self._read() or key  # another process was first: use its key


def default_key_file(engine: Engine) -> Path:
    """Beside a SQLite database file (``platform.sqlite3.transfer-key.pem``); otherwise ``YISHI_PLATFORM_KEY_FILE``,
    else ``platform-transfer-key.pem`` in the data dir (``YISHI_DATA_DIR``, else the user data dir)."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        path = Path(database)
        return path.with_name(path.name + KEY_FILE_SUFFIX)
    configured = os.environ.get(KEY_FILE_ENV)
    if configured:
        return Path(configured)
    data_dir = os.environ.get("YISHI_DATA_DIR") or user_data_dir("yishi", appauthor=False)
    return Path(data_dir) / "platform-transfer-key.pem"
