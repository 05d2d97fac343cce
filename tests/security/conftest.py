"""Fixtures of the security tests: a loose umask, as a user's session may have (tests/conftest.py leaves no store
key unlocked between tests)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sync"))  # sync_helpers: queued cases


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)
