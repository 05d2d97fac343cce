"""Fixtures of the security tests: a loose umask, as a user's session may have, and no unlocked store keys."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sync"))  # sync_helpers: queued cases

from desktop import keyring
from desktop.store.encryption import forget_format


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture(autouse=True)
def no_unlocked_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(keyring.PASSPHRASE_ENV, raising=False)
    yield
    keyring.lock_all()
    forget_format()
