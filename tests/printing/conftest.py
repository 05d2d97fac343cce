"""Fixtures for the printing tests: the sample case, the shipped catalog and a hall (store, clock, catalogs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.cases.clock import Clock, stepping_clock
from desktop.catalog.index import CatalogIndex
from desktop.services.catalogs import CatalogInUse, Catalogs
from desktop.services.hall import Hall
from desktop.store.repo import Store
from printing.model import DocCase
from printing.sample import sample_case

# A weekday morning in Beijing (10:00): cases decided in these tests are numbered and dated 2026-11-26.
MORNING = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture
def doc() -> DocCase:
    return sample_case()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> CatalogInUse:
    return Catalogs(tmp_path_factory.mktemp("catalogs")).shipped()


@pytest.fixture(scope="module")
def idx(shipped: CatalogInUse) -> CatalogIndex:
    return shipped.index


@pytest.fixture
def clock() -> Clock:
    return stepping_clock(MORNING)


@pytest.fixture
def hall(tmp_path: Path, clock: Clock) -> Iterator[Hall]:
    store = Store(tmp_path / "cases.sqlite3", clock=clock)
    yield Hall(store, clock, Catalogs(tmp_path / "data"))
    store.close()


@pytest.fixture
def store(hall: Hall) -> Store:
    return hall.store
