"""Backups while the app writes, restores that check before they replace, corrupt files refused, daily copies."""

from __future__ import annotations

import argparse
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync_helpers import hall_clock, queue_case

from desktop import keyring
from desktop.cases.clock import stepping_clock
from desktop.cli import backup_cmd
from desktop.services.backup import BackupError, backup_now, daily_backup, restore
from desktop.services.encryption import encrypt_window_store, is_encrypted
from desktop.settings import Settings
from desktop.store.repo import Store


def case_count(db: Path) -> int:
    store = Store(db)
    try:
        return len(store.list_cases(limit=100_000))
    finally:
        store.close()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "window" / "cases.sqlite3", clock=hall_clock())
    for i in range(5):
        queue_case(s, f"申请人{i}")
    return s


def test_a_backup_taken_while_cases_are_written_is_whole_and_restores(store: Store, tmp_path: Path) -> None:
    stop = threading.Event()
    written = []

    def keep_writing() -> None:
        writer = Store(store.path, clock=hall_clock())
        while not stop.is_set():
            written.append(queue_case(writer, "写入中"))
        writer.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.05)
        infos = [backup_now(store.path, tmp_path / "backups" / f"b{i}.sqlite3") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    assert [i.cases for i in infos] == sorted(i.cases for i in infos) and infos[0].cases >= 5 + 3
    assert infos[-1].cases <= 5 + len(written)
    for info in infos:
        with sqlite3.connect(info.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store.close()
    restore(store.path, infos[0].path)
    assert case_count(store.path) == infos[0].cases


def test_restore_puts_the_backup_in_place_and_keeps_the_old_store(store: Store, tmp_path: Path) -> None:
    info = backup_now(store.path, tmp_path / "b.sqlite3")
    queue_case(store, "备份之后")
    store.close()
    assert case_count(store.path) == 6
    restored = restore(store.path, info.path)
    assert restored.cases == 5 and case_count(store.path) == 5
    kept = store.path.with_name(store.path.name + ".before-restore")
    assert case_count(kept) == 6


def _store_bytes(db: Path) -> bytes:
    return db.read_bytes()


@pytest.mark.parametrize("damage", ["flipped pages", "truncated", "not a store", "unknown migration"])
def test_a_damaged_backup_is_refused_and_nothing_is_replaced(store: Store, tmp_path: Path, damage: str) -> None:
    bad = backup_now(store.path, tmp_path / "bad.sqlite3").path
    data = bytearray(bad.read_bytes())
    if damage == "flipped pages":
        for offset in range(4096 * 2, len(data), 4096):
            data[offset + 100 : offset + 400] = bytes(300)
        bad.write_bytes(bytes(data))
    elif damage == "truncated":
        bad.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "not a store":
        bad.write_bytes(b"PK\x03\x04 a zip file, not a store" * 100)
    else:
        with sqlite3.connect(bad) as conn:
            conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    store.close()
    before = _store_bytes(store.path)
    with pytest.raises(BackupError):
        restore(store.path, bad)
    assert _store_bytes(store.path) == before
    assert not store.path.with_name(store.path.name + ".before-restore").exists()
    assert case_count(store.path) == 5


def test_the_cli_says_what_it_did_and_refuses_in_one_line(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YISHI_CONFIG", str(tmp_path / "settings.json"))
    out = tmp_path / "cli.sqlite3"
    assert backup_cmd.backup(argparse.Namespace(db=str(store.path), file=str(out))) == 0
    assert "backed up 5 cases" in capsys.readouterr().out
    out.write_bytes(b"garbage" * 1000)
    store.close()
    assert backup_cmd.restore_cmd(argparse.Namespace(db=str(store.path), file=str(out))) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: restore refused, nothing was replaced") and "Traceback" not in err
    assert err.count("\n") == 1


def test_a_daily_backup_is_made_once_a_day_and_kept_n_days(store: Store, tmp_path: Path) -> None:
    clock = stepping_clock(datetime(2026, 11, 1, 1, 0, tzinfo=UTC))
    settings = Settings(backup_dir=str(tmp_path / "daily"), backup_keep_days=3)
    assert daily_backup(store.path, Settings(), clock) is None  # no folder set: nothing
    made = []
    for _day in range(6):
        first = daily_backup(store.path, settings, clock)
        again = daily_backup(store.path, settings, clock)
        assert first is not None and first.made is not None and again is not None and again.made is None
        made.append(first.made.name)
        clock.source.set(clock.now() + timedelta(days=1))  # type: ignore[attr-defined]
    kept = sorted(p.name for p in (tmp_path / "daily").glob("cases-*.sqlite3"))
    assert kept == made[-3:] == ["cases-2026-11-04.sqlite3", "cases-2026-11-05.sqlite3", "cases-2026-11-06.sqlite3"]
    assert case_count(tmp_path / "daily" / kept[-1]) == 5


def test_a_backup_of_an_encrypted_store_is_encrypted_and_restores(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.close()
    encrypt_window_store(store.path, "backup passphrase", tmp_path / "device")
    keyring.lock_all()
    monkeypatch.setenv(keyring.PASSPHRASE_ENV, "backup passphrase")
    info = backup_now(store.path, tmp_path / "sealed.sqlite3")
    assert info.encrypted and info.cases == 5 and is_encrypted(info.path)
    assert b"SQLite format 3" not in info.path.read_bytes()[:16]
    after = Store(store.path, clock=hall_clock())
    queue_case(after, "备份之后")
    after.close()
    assert restore(store.path, info.path).cases == 5
    assert case_count(store.path) == 5


def test_a_restore_while_the_app_has_the_store_open_is_refused(store: Store, tmp_path: Path) -> None:
    info = backup_now(store.path, tmp_path / "b.sqlite3")
    queue_case(store, "应用仍在运行")  # the app is still open on the store
    with pytest.raises(BackupError, match="in use: close the app"):
        restore(store.path, info.path)
    assert len(store.list_cases(limit=100)) == 6
    store.close()
    assert restore(store.path, info.path).cases == 5
