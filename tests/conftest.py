"""Test set-up shared by every test.

``YISHI_BLOCK_QT=1`` makes PySide6 unimportable, proving the core runs without Qt
(CI runs the non-GUI tests that way, with no display).
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import keyring
from desktop.store.encryption import forget_format

if os.environ.get("YISHI_BLOCK_QT") == "1":

    class _NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: object, target: object = None) -> None:
            if fullname == "PySide6" or fullname.startswith("PySide6."):
                raise ImportError(f"{fullname} is blocked: core code must not need Qt")

    sys.meta_path.insert(0, _NoQt())
    collect_ignore = ["ui"]  # the window's tests: Qt at module level (and in their conftest), run in the second pass
else:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads or writes the real user's settings or case store, or leaves a store key unlocked for the
    next (an unlocked key seals what the next test writes: its device key, say, which a child process of it
    then cannot open)."""
    monkeypatch.setenv("YISHI_CONFIG", str(tmp_path / "settings.json"))
    monkeypatch.setenv("YISHI_DB", str(tmp_path / "cases.sqlite3"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv(keyring.PASSPHRASE_ENV, raising=False)
    yield
    keyring.lock_all()
    forget_format()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests under tests/ui/ need Qt: mark them ``gui`` so the no-Qt run skips them."""
    for item in items:
        if "/tests/ui/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)
