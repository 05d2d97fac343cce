from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.cases.clock import Clock, stepping_clock
from desktop.catalog.export import load_index
from desktop.catalog.index import CatalogIndex


@pytest.fixture(scope="session")
def idx() -> CatalogIndex:
    """The shipped catalog, loaded once when a test first asks (never at import time)."""
    return load_index()


@pytest.fixture
def clock() -> Clock:
    """10:00 on 2026-11-30 in Beijing."""
    return stepping_clock(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
