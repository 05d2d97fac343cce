"""Fixtures for the printing tests."""

from __future__ import annotations

import pytest

from printing.model import DocCase
from printing.sample import sample_case


@pytest.fixture
def doc() -> DocCase:
    return sample_case()
