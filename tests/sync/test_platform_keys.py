"""The platform's private key lives outside its database, and every file it makes is owner-only whatever the umask."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from transfer_forge import sample_transfer

from sync.client import DeviceIdentity
from sync.crypto import Ed25519PrivateKey, X25519PrivateKey, b64e, key_id, raw_private, raw_public
from sync.platform import db
from sync.platform.keys import FileKeyStore, KeyStoreError
from sync.platform.operator import create_enrollment_code, open_platform
from sync.platform.service import LEGACY_KEY_SETTING, Platform
from sync.platform.transfers import import_transfer
from sync.transfer import export_transfer, settle_spooled, spool_transfer

T0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _key_rows(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT key FROM settings").fetchall()


def _device() -> DeviceIdentity:
    key = Ed25519PrivateKey.generate()
    return DeviceIdentity("dev-" + key_id(raw_public(key.public_key())), key)


def test_a_new_platform_keeps_its_transfer_key_in_an_owner_only_file_beside_its_database(
    tmp_path: Path, loose_umask: None
) -> None:
    path = tmp_path / "srv" / "yishi" / "platform.sqlite3"
    platform = open_platform(str(path))
    create_enrollment_code(platform, "窗口")  # a write: the WAL and SHM files exist while the engine is open
    served = platform.platform_key()
    key_file = path.with_name("platform.sqlite3.transfer-key.pem")
    files = [path, path.with_name("platform.sqlite3-wal"), path.with_name("platform.sqlite3-shm"), key_file]
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert _mode(path.parent) == _mode(path.parent.parent) == 0o700
    stored = FileKeyStore(key_file).transfer_key()
    assert served["x25519_public_key"] == b64e(raw_public(stored.public_key()))
    assert _key_rows(path) == []
    assert raw_private(stored) not in path.read_bytes() + files[1].read_bytes()
    platform.engine.dispose()


def test_an_older_database_hands_its_key_over_to_the_key_file_on_open(tmp_path: Path, loose_umask: None) -> None:
    path = tmp_path / "platform.sqlite3"
    old_key = X25519PrivateKey.generate()
    engine = db.open_engine(str(path))
    with engine.begin() as conn:  # what the platform wrote before its key store existed
        conn.execute(db.settings.insert().values(key=LEGACY_KEY_SETTING, value=b64e(raw_private(old_key))))
    engine.dispose()
    os.chmod(path, 0o644)  # made under a loose umask by an older version
    identity = _device()
    transfer = tmp_path / "t.yst"
    transfer.write_bytes(sample_transfer(identity, old_key.public_key()))

    platform = open_platform(str(path))
    with platform.transaction() as conn:
        conn.execute(
            db.devices.insert().values(
                device_id=identity.device_id,
                public_key=b64e(raw_public(identity.key.public_key())),
                label="笔记本",
                enrolled_at=T0,
            )
        )
    platform.engine.dispose()

    assert _key_rows(path) == []
    kept = FileKeyStore(path.with_name(path.name + ".transfer-key.pem")).transfer_key()
    assert raw_private(kept) == raw_private(old_key)
    assert _mode(path) == 0o600
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("platform.sqlite3*") if not p.name.endswith(".pem"))
    assert b64e(raw_private(old_key)).encode() not in on_disk and raw_private(old_key) not in on_disk
    result = import_transfer(str(path), transfer)  # files encrypted to the old key still open
    assert len(result["cases"]) == 2 and all("platform_number" in c for c in result["cases"])


def test_a_database_key_that_differs_from_the_key_file_stops_the_platform(tmp_path: Path) -> None:
    path = tmp_path / "platform.sqlite3"
    engine = db.open_engine(str(path))
    with engine.begin() as conn:
        conn.execute(
            db.settings.insert().values(key=LEGACY_KEY_SETTING, value=b64e(raw_private(X25519PrivateKey.generate())))
        )
    engine.dispose()
    key_file = path.with_name(path.name + ".transfer-key.pem")
    kept = FileKeyStore(key_file).transfer_key()
    with pytest.raises(KeyStoreError, match="differs from the one in"):
        open_platform(str(path))
    assert _key_rows(path) == [(LEGACY_KEY_SETTING,)]  # nothing lost: the operator decides
    assert raw_private(FileKeyStore(key_file).transfer_key()) == raw_private(kept)


def test_an_unreadable_key_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "platform.sqlite3.transfer-key.pem").write_text("not a key")
    with pytest.raises(KeyStoreError, match="cannot read the platform's transfer key"):
        open_platform(str(tmp_path / "platform.sqlite3")).platform_key()


def test_racing_processes_agree_on_one_transfer_key(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "transfer.pem"
    barrier = threading.Barrier(8)
    keys: list[bytes] = []

    def first_use() -> None:
        store = FileKeyStore(key_file)  # one store each, as separate server processes would have
        barrier.wait()
        keys.append(raw_private(store.transfer_key()))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in key_file.parent.iterdir()] == ["transfer.pem"]  # no temp files left behind


class _VaultKeys:
    """A key store over some other vault: the platform only calls these two methods."""

    def __init__(self) -> None:
        self.key = X25519PrivateKey.generate()

    def transfer_key(self) -> X25519PrivateKey:
        return self.key

    def adopt_transfer_key(self, key: X25519PrivateKey) -> None:
        raise AssertionError("a new database holds no key")


def test_a_platform_can_keep_its_key_in_another_vault(tmp_path: Path) -> None:
    vault = _VaultKeys()
    platform = Platform(db.open_engine(str(tmp_path / "p.sqlite3")), keys=vault)
    assert platform.platform_key()["x25519_public_key"] == b64e(raw_public(vault.key.public_key()))
    assert not list(tmp_path.glob("*.pem"))
    platform.engine.dispose()


def test_transfer_and_spool_files_are_owner_only(tmp_path: Path, loose_umask: None) -> None:
    identity = _device()
    out = tmp_path / "stick" / "field.yst"
    export_transfer(out, [], [], identity=identity, platform_key=X25519PrivateKey.generate().public_key())
    assert _mode(out) == 0o600
    spool = tmp_path / "window" / "transfers"
    spool_transfer(out, spool)
    (queued,) = spool.glob("*.yst")
    assert (_mode(spool), _mode(queued)) == (0o700, 0o600)
    settle_spooled(queued, "rejected", "422 bad_transfer")
    assert _mode(spool / "rejected") == 0o700
    assert {p.name[-4:]: _mode(p) for p in (spool / "rejected").iterdir()} == {".yst": 0o600, ".txt": 0o600}
