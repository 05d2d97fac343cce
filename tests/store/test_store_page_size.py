"""A new plain SQLite store is made of 8 KiB pages (fewer rows split over pages); a store that exists keeps the page
size it was made with, and an encrypted one SQLCipher's own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.cases.clock import Clock
from desktop.store.db import PAGE_SIZE
from desktop.store.encryption import encrypt_store
from desktop.store.repo import Store


def page_size(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA page_size").scalar_one())


def test_a_new_store_has_8_kib_pages_in_wal_mode(tmp_path: Path) -> None:
    store = Store(tmp_path / "cases.sqlite3", clock=Clock())
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert page_size(store) == PAGE_SIZE == 8192
    finally:
        store.close()


def test_a_store_made_with_4_kib_pages_keeps_them_and_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    with sqlite3.connect(path) as db:  # as SQLite made a store before: its default page size, then WAL
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE kept (n INTEGER)")
        db.execute("INSERT INTO kept VALUES (7)")
    db.close()
    store = Store(path, clock=Clock())
    try:
        assert page_size(store) == 4096
        store.record("system", "settings_change", {"key": "lock_after_minutes"})
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT n FROM kept").scalar_one() == 7
        assert store.verify_audit() == (1, None)
    finally:
        store.close()


def test_an_encrypted_store_keeps_the_page_size_of_its_cipher(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    Store(path, clock=Clock()).close()
    encrypt_store(path, "correct horse battery staple")
    for _opening in range(2):  # made, then opened again: readable both times
        store = Store(path, clock=Clock())
        try:
            assert page_size(store) == 4096
            store.record("system", "settings_change", {"key": "encryption"})
        finally:
            store.close()
