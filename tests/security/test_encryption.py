"""Encryption at rest: no ID number in any file of an encrypted store, which still lists its cases; the
conversion survives kill -9 at any point; the key opens only with a passphrase; a window can require it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session
from sync_helpers import WINDOW, hall_clock, queue_case

from desktop import keyring
from desktop.services.encryption import encrypt_window_store
from desktop.store.encryption import (
    EncryptionError,
    StoreLockedError,
    WrongPassphraseError,
    add_passphrase,
    check_required,
    forget_format,
    is_encrypted,
    unwrap_store_key,
)
from desktop.store.models import Case
from desktop.store.repo import Store
from sync.client import DeviceIdentity, load_identity, save_identity
from sync.crypto import Ed25519PrivateKey, X25519PrivateKey
from sync.outbox_files import export_outbox, read_attachment
from sync.transfer import spool_transfer

PASSPHRASE = "正确的口令 horse battery"
ID_NUMBERS = ["11010519491231002X", "210102198001011234", "440106199912310027"]
CHILD = Path(__file__).with_name("encrypt_child.py")
REPO = Path(__file__).resolve().parents[2]


def cases_with_ids(store: Store, tmp_path: Path, ids: list[str]) -> None:
    for n, number in enumerate(ids):
        scan = tmp_path / f"scan-{number}.txt"
        scan.write_text(f"居民身份证 {number} 的扫描件")
        cid = queue_case(store, f"申请人{n}", attachments=[scan])
        with Session(store.engine) as session:
            case = session.get(Case, cid)
            assert case is not None
            case.applicant_id, case.values = number, {**case.values, "applicant.id_number": number}
            session.add(case)
            session.commit()
        store.save_draft(store.new_draft("LNYJS003", "2026.11.1", WINDOW).id, {}, {"id": number})


def loaded_identity(device: Path) -> DeviceIdentity:
    loaded = load_identity(device)
    assert loaded is not None
    return loaded[0]


def files_holding(folder: Path, needles: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [n for n in needles if n.encode() in data]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def test_an_encrypted_store_shows_no_id_number_in_any_file_and_still_lists_its_cases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "window"
    store = Store(folder / "cases.sqlite3", clock=hall_clock())
    cases_with_ids(store, tmp_path, ID_NUMBERS[:2])
    device = folder / "device"
    save_identity(
        device, DeviceIdentity("dev-0123456789abcdef", Ed25519PrivateKey.generate()), "http://127.0.0.1:1", {}
    )
    store.close()
    assert files_holding(folder, ID_NUMBERS[:2])  # the plain store does hold them (in the database, the scans)

    report = encrypt_window_store(store.path, PASSPHRASE, device)
    assert report.database_converted and report.attachments_sealed == 2 and report.device_key_encrypted
    keyring.lock_all()
    monkeypatch.setenv(keyring.PASSPHRASE_ENV, PASSPHRASE)
    reopened = Store(store.path, clock=hall_clock())
    cases_with_ids(reopened, tmp_path, ID_NUMBERS[2:])  # written after: WAL pages and a new scan
    listed = reopened.list_cases(limit=100)
    assert sorted(c.applicant_id for c in listed if c.applicant_id) == sorted(ID_NUMBERS)
    assert (folder / "cases.sqlite3-wal").stat().st_size > 0  # the WAL is there, holding the last writes
    # a field laptop's transfer file in the spool: sealed for the platform, so it shows nothing either
    exported = tmp_path / "export.yst"
    export_outbox(
        reopened, exported, identity=loaded_identity(device), platform_key=X25519PrivateKey.generate().public_key()
    )
    spool_transfer(exported, folder / "transfers")
    assert list((folder / "transfers").glob("*.yst"))
    assert files_holding(folder, ID_NUMBERS) == {}
    [last] = [c for c in listed if c.applicant_id == ID_NUMBERS[2] and c.number]
    attachment = reopened.get(last.id).attachments[0]
    assert ID_NUMBERS[2].encode() in read_attachment(reopened, last.id, attachment.sha256)
    assert load_identity(device) is not None  # device.key opens with the store key
    reopened.close()


def test_the_store_opens_only_with_its_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "cases.sqlite3", clock=hall_clock())
    queue_case(store)
    store.close()
    encrypt_window_store(store.path, PASSPHRASE, tmp_path / "device")
    keyring.lock_all()
    with pytest.raises(StoreLockedError, match="log in, or set YISHI_STORE_PASSPHRASE"):
        Store(store.path)
    monkeypatch.setenv(keyring.PASSPHRASE_ENV, "wrong passphrase")
    with pytest.raises(WrongPassphraseError):
        Store(store.path)
    with pytest.raises(EncryptionError, match="at least 8"):
        encrypt_window_store(store.path, "short", tmp_path / "device")


def test_an_account_unwraps_the_store_key_with_its_own_password(tmp_path: Path) -> None:
    store = Store(tmp_path / "cases.sqlite3", clock=hall_clock())
    cid = queue_case(store)
    store.close()
    encrypt_window_store(store.path, PASSPHRASE, tmp_path / "device")
    key = unwrap_store_key(PASSPHRASE, store.path, "env")
    add_passphrase(store.path, key, "wangfang", "王芳的密码 2026")
    keyring.lock_all()
    with pytest.raises(WrongPassphraseError):
        unwrap_store_key(PASSPHRASE, store.path, "wangfang")
    keyring.unlock(store.path, unwrap_store_key("王芳的密码 2026", store.path, "wangfang"))
    assert Store(store.path).get(cid).case.id == cid
    assert b'"wrapped"' in (tmp_path / "cases.sqlite3.keys.json").read_bytes()
    assert key not in (tmp_path / "cases.sqlite3.keys.json").read_bytes()


def test_a_window_that_requires_encryption_refuses_a_plain_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "cases.sqlite3", clock=hall_clock())
    store.close()
    check_required(store.path, False)
    with pytest.raises(EncryptionError, match="requires encryption"):
        check_required(store.path, True)
    encrypt_window_store(store.path, PASSPHRASE, tmp_path / "device")
    check_required(store.path, True)


def _count(db: Path, encrypted: bool) -> int:
    keyring.lock_all()
    forget_format(db)  # the child process converted it
    os.environ[keyring.PASSPHRASE_ENV] = PASSPHRASE
    try:
        assert is_encrypted(db) is encrypted
        store = Store(db)
        count = len(store.list_cases(limit=10_000))
        store.close()
        return count
    finally:
        del os.environ[keyring.PASSPHRASE_ENV]
        keyring.lock_all()


@pytest.mark.slow
def test_a_kill_at_any_point_of_the_conversion_leaves_the_old_store_or_the_new(tmp_path: Path) -> None:
    template = tmp_path / "template" / "cases.sqlite3"
    store = Store(template, clock=hall_clock())
    for i in range(150):
        queue_case(store, f"申请人{i}")
    store.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rng = random.Random(13)
    outcomes = {"old": 0, "new": 0}
    # The first kill lands at once (before any rename), the last after the conversion surely ended, the ten between
    # anywhere: both outcomes are seen however fast this machine converts.
    delays = [0.0, *(rng.uniform(0.0, 1.4) for _ in range(10)), 5.0]
    for attempt, delay in enumerate(delays):
        db = tmp_path / f"run{attempt}" / "cases.sqlite3"
        shutil.copytree(template.parent, db.parent)
        child = subprocess.Popen([sys.executable, str(CHILD), str(db), PASSPHRASE], stdout=subprocess.PIPE, env=env)
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        time.sleep(delay)  # the conversion takes about a second here, under load
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        encrypted = is_encrypted(db)
        outcomes["new" if encrypted else "old"] += 1
        assert _count(db, encrypted) == 150
        # run again: it finishes (or confirms) the conversion
        finish = subprocess.run(
            [sys.executable, str(CHILD), str(db), PASSPHRASE], check=False, env=env, capture_output=True
        )
        assert finish.returncode == 0, finish.stderr
        assert _count(db, True) == 150
    assert outcomes["old"] and outcomes["new"]  # kills landed before and after the rename


def test_encrypting_a_store_the_app_has_open_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "cases.sqlite3", clock=hall_clock())
    queue_case(store)
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # another process, as the command is (locks are per process)
    tried = subprocess.run(
        [sys.executable, str(CHILD), str(store.path), PASSPHRASE], check=False, env=env, capture_output=True
    )
    assert tried.returncode != 0 and b"in use: close the app" in tried.stderr
    assert not is_encrypted(store.path) and len(store.list_cases(limit=10)) == 1
    queue_case(store)  # the app goes on working on its plain store
    store.close()
    encrypt_window_store(store.path, PASSPHRASE, tmp_path / "device")
    assert is_encrypted(store.path)
