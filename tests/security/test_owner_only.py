"""Every file the window app makes is owner-only (0600 files, 0700 folders) even under a loose umask (022)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sync_helpers import hall_clock, queue_case

from desktop import keyring
from desktop.files import private_dir, private_sqlite, tighten_tree, write_private
from desktop.settings import Settings, save
from desktop.store.repo import Store
from sync.client import DeviceIdentity, PlatformError, load_identity, read_device_key, save_identity
from sync.crypto import Ed25519PrivateKey
from sync.state import SyncState, state_path

pytestmark = pytest.mark.usefixtures("loose_umask")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_store_its_wal_shm_and_attachment_folders_are_owner_only(tmp_path: Path) -> None:
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(b"a scanned page")
    store = Store(tmp_path / "data" / "window" / "cases.sqlite3", clock=hall_clock())
    queue_case(store, attachments=[scan])
    db = store.path
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    assert all(f.exists() for f in files)  # the WAL and SHM exist while the store is open
    assert [mode(f) for f in files] == [0o600] * 3
    assert mode(db.parent) == mode(db.parent.parent) == 0o700
    blobs = [p for p in store.attachments_dir.rglob("*")]
    assert blobs and all(mode(p) == (0o700 if p.is_dir() else 0o600) for p in blobs)
    assert mode(store.attachments_dir) == 0o700
    store.close()


def test_sync_state_settings_and_device_identity_are_owner_only(tmp_path: Path) -> None:
    state = SyncState(state_path(tmp_path / "w" / "cases.sqlite3"))
    state.set_cursor(3)
    assert mode(state.path) == 0o600 and mode(state.path.parent) == 0o700
    settings_file = tmp_path / "config" / "settings.json"
    save(Settings(), settings_file)
    assert mode(settings_file) == 0o600 and mode(settings_file.parent) == 0o700
    device = tmp_path / "device"
    save_identity(device, DeviceIdentity("dev-1", Ed25519PrivateKey.generate()), "http://127.0.0.1:1", {})
    assert {p.name: mode(p) for p in device.iterdir()} == {"device.key": 0o600, "device.json": 0o600}
    assert mode(device) == 0o700


def test_helpers_hold_whatever_the_umask(tmp_path: Path) -> None:
    folder = private_dir(tmp_path / "a" / "b")
    written = folder / "f.bin"
    assert write_private(written, b"x") and not write_private(written, b"y", exclusive=True)
    assert written.read_bytes() == b"x" and mode(written) == 0o600
    assert mode(folder) == mode(folder.parent) == 0o700
    loose = tmp_path / "old"
    loose.mkdir()
    (loose / "cases.sqlite3-wal").write_bytes(b"")
    os.chmod(loose, 0o755)
    private_sqlite(loose / "cases.sqlite3")
    assert mode(loose / "cases.sqlite3") == mode(loose / "cases.sqlite3-wal") == 0o600
    assert tighten_tree(loose) == 1 and mode(loose) == 0o700


def test_device_key_is_sealed_with_the_store_key_and_opens_only_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.unlock(tmp_path / "cases.sqlite3", os.urandom(32))
    key = Ed25519PrivateKey.generate()
    save_identity(tmp_path / "device", DeviceIdentity("dev-1", key), "http://127.0.0.1:1", {})
    pem = (tmp_path / "device" / "device.key").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    loaded = load_identity(tmp_path / "device")
    assert loaded is not None and loaded[0].key.private_bytes_raw() == key.private_bytes_raw()
    keyring.lock_all()
    with pytest.raises(PlatformError, match="is encrypted: log in"):
        read_device_key(tmp_path / "device" / "device.key")
    monkeypatch.setenv(keyring.PASSPHRASE_ENV, "not the store key")
    with pytest.raises(PlatformError, match="is encrypted"):
        read_device_key(tmp_path / "device" / "device.key")
