"""Fixtures for the printing tests: the sample case, the shipped catalog and an empty store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.catalog.export import load_index
from desktop.catalog.index import CatalogIndex
from desktop.store.repo import Store
from printing.model import DocCase
from printing.sample import sample_case


@pytest.fixture
def doc() -> DocCase:
    return sample_case()


@pytest.fixture(scope="module")
def idx() -> CatalogIndex:
    return load_index()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "cases.sqlite3")
    yield s
    s.close()
