"""A center window whose server does not answer keeps taking cases on its own store, and says so."""

from __future__ import annotations

from pathlib import Path

from desktop.services.hall import Hall
from desktop.settings import Settings


def test_an_unreachable_center_opens_the_windows_offline_store(tmp_path: Path) -> None:
    hall = Hall.open("postgresql://nobody@127.0.0.1:1/center", Settings(), tmp_path / "data")
    try:
        assert hall.offline
        assert hall.store.url is None and hall.store.path.suffix == ".sqlite3"
        assert hall.store.list_cases(limit=1) == []
    finally:
        hall.close()


def test_a_window_on_its_own_file_is_never_offline(tmp_path: Path) -> None:
    hall = Hall.open(tmp_path / "cases.sqlite3", Settings(), tmp_path / "data")
    try:
        assert not hall.offline
    finally:
        hall.close()
