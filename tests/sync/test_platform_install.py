"""The reference platform is its own install: psycopg only with the ``platform`` extra, nothing of the window app."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sync.platform import db
from sync.platform.operator import open_platform

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_MODULES = ["sync.platform.server", "sync.platform.transfers", "sync.platform.operator", "sync.platform.query"]


def test_psycopg_comes_with_the_platform_extra_only() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.startswith("psycopg")]
    assert [d for d in project["optional-dependencies"]["platform"] if d.startswith("psycopg")]
    assert 'install -q -e ".[dev,platform]"' in (ROOT / "dev.sh").read_text(encoding="utf-8")


def test_a_postgresql_platform_without_psycopg_says_in_one_line_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails, as where it is not installed
    for url in ("postgresql://yishi:secret@db.example/platform", "postgresql+psycopg://db.example/platform"):
        with pytest.raises(db.PlatformSetupError) as refused:
            db.open_engine(url)
        message = str(refused.value)
        assert "\n" not in message and "pip install -e '.[platform]'" in message and "secret" not in message


def test_a_sqlite_platform_needs_no_psycopg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    platform = open_platform(str(tmp_path / "platform.sqlite3"))
    assert platform.platform_key()["key_id"]
    platform.engine.dispose()


def test_a_bare_postgresql_url_means_psycopg_3() -> None:
    assert db.database_url("postgresql://h/d") == "postgresql+psycopg://h/d"
    assert db.database_url("postgres://h/d") == "postgresql+psycopg://h/d"
    assert db.database_url("/srv/p.sqlite3") == "sqlite:////srv/p.sqlite3"


def test_an_unusable_database_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "not-a-db").write_bytes(b"\x00garbage" * 512)
    for url in ("nonsense://x", str(tmp_path / "not-a-db")):
        with pytest.raises(db.PlatformSetupError) as refused:
            db.open_engine(url)
        assert "\n" not in str(refused.value)


def test_the_platform_loads_nothing_of_the_window_app_nor_psycopg() -> None:
    code = "import sys; " + "; ".join(f"import {m}" for m in PLATFORM_MODULES) + "; print(' '.join(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    forbidden = ("desktop.store", "desktop.ui", "desktop.services", "desktop.cli", "PySide6", "psycopg", "sync.worker")
    assert [m for m in loaded if m.startswith(forbidden)] == []


def test_no_platform_module_imports_the_case_store_or_the_window_even_lazily() -> None:
    # In a child: under pytest, tests/sync is on sys.path and would stand in for the sync package.
    code = (
        "import grimp, sys; g = grimp.build_graph('desktop', 'sync', 'printing'); "
        f"print([c for m in {PLATFORM_MODULES!r} for t in ('desktop.store', 'desktop.ui') "
        "for c in g.find_shortest_chains(importer=m, imported=t)])"
    )
    found = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    assert found.stdout.strip() == "[]"
