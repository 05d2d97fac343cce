"""Holiday data from a signed catalog update: its years count as known, and the app picks it up with the catalog."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop import paths
from desktop.catalog.loader import raw_from_dir
from desktop.catalog_choice import installed_index
from printing.workdays import (
    Deadline,
    add_working_days,
    day_is_workday,
    extra_holiday_years,
    set_extra_holidays,
)
from sync.catalog_update import build_document, install, sign_document, verify_update
from sync.crypto import Ed25519PrivateKey

# 2099-01-01 is a Thursday: the update gives Thursday and Friday off and makes Saturday a 调休 working day.
NEW_YEAR_2099 = {"2099": {"holidays": ["2099-01-01", "2099-01-02"], "workdays": ["2099-01-03"]}}


@pytest.fixture(autouse=True)
def no_update_holidays() -> Iterator[None]:
    set_extra_holidays(None)
    yield
    set_extra_holidays(None)


def test_a_year_unknown_elsewhere_is_estimated_without_an_update() -> None:
    assert add_working_days(date(2098, 12, 31), 1) == Deadline(date(2099, 1, 1), estimated=True)


def test_a_year_from_a_catalog_update_counts_as_known_with_its_holidays_and_adjusted_workdays() -> None:
    set_extra_holidays(NEW_YEAR_2099, source="catalog 2099.1.1")
    assert extra_holiday_years() == (2099,)
    assert day_is_workday(date(2099, 1, 1)) == (False, True)
    assert day_is_workday(date(2099, 1, 3)) == (True, True)
    assert add_working_days(date(2098, 12, 31), 1) == Deadline(date(2099, 1, 3), estimated=False)
    assert add_working_days(date(2098, 12, 31), 2) == Deadline(date(2099, 1, 5), estimated=False)


def test_the_update_wins_over_the_installed_package_for_its_years() -> None:
    assert day_is_workday(date(2025, 10, 13)) == (True, True)
    set_extra_holidays({"2025": {"holidays": ["2025-10-13"], "workdays": []}})
    assert day_is_workday(date(2025, 10, 13)) == (False, True)


def test_forgetting_the_update_makes_its_years_estimates_again() -> None:
    set_extra_holidays(NEW_YEAR_2099)
    set_extra_holidays(None)
    assert extra_holiday_years() == ()
    assert day_is_workday(date(2099, 1, 1)) == (True, False)


def test_an_unusable_year_is_left_out_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    bad = {"2098": {"holidays": ["2099-01-01"]}, "20x9": {"holidays": []}, **NEW_YEAR_2099}
    with caplog.at_level(logging.WARNING, logger="printing.workdays"):
        set_extra_holidays(bad, source="catalog 2099.1.1")
    assert extra_holiday_years() == (2099,)
    assert sum("ignoring holiday data" in r.getMessage() for r in caplog.records) == 2


def _install_update(data_dir: Path, key: Ed25519PrivateKey, version: str) -> None:
    raw = {**copy.deepcopy(raw_from_dir(paths.catalog_dir())), "version": version}
    document = build_document(raw, NEW_YEAR_2099, "2098-12-01T00:00:00+00:00")
    install(data_dir, verify_update(version, document, sign_document(document, key), key.public_key(), None))


def test_loading_an_installed_signed_update_brings_its_holidays(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    _install_update(tmp_path, key, "2099.1.1")
    idx = installed_index(tmp_path, key.public_key())
    assert idx is not None and idx.version == "2099.1.1"
    assert add_working_days(date(2098, 12, 31), 1) == Deadline(date(2099, 1, 3), estimated=False)
    assert installed_index(tmp_path / "no-update", key.public_key()) is None
    assert extra_holiday_years() == ()


def test_an_update_not_newer_than_the_shipped_catalog_brings_no_holidays(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    _install_update(tmp_path, key, "2000.1.1")
    assert installed_index(tmp_path, key.public_key()) is None
    assert extra_holiday_years() == ()


def test_an_update_signed_by_another_key_brings_no_holidays(tmp_path: Path) -> None:
    _install_update(tmp_path, Ed25519PrivateKey.generate(), "2099.1.1")
    assert installed_index(tmp_path, Ed25519PrivateKey.generate().public_key()) is None
    assert extra_holiday_years() == ()
