"""Holiday data from a signed catalog update counts as known, and travels with the catalog in use, never globally."""

from __future__ import annotations

import copy
import logging
from datetime import date
from pathlib import Path

import pytest

from desktop import paths
from desktop.cases.workdays import Deadline, WorkCalendar
from desktop.catalog.loader import raw_from_dir
from desktop.services.catalogs import Catalogs, shipped_catalog_version
from sync.catalog_update import build_document, install, sign_document, verify_update
from sync.crypto import Ed25519PrivateKey

# 2099-01-01 is a Thursday: the update gives Thursday and Friday off and makes Saturday a 调休 working day.
NEW_YEAR_2099 = {"2099": {"holidays": ["2099-01-01", "2099-01-02"], "workdays": ["2099-01-03"]}}


def test_a_year_unknown_elsewhere_is_estimated_without_an_update() -> None:
    assert WorkCalendar().add_working_days(date(2098, 12, 31), 1) == Deadline(date(2099, 1, 1), estimated=True)


def test_a_year_from_a_catalog_update_counts_as_known_with_its_holidays_and_adjusted_workdays() -> None:
    calendar = WorkCalendar.from_update(NEW_YEAR_2099, source="catalog 2099.1.1")
    assert sorted(calendar.update_years) == [2099]
    assert calendar.day_is_workday(date(2099, 1, 1)) == (False, True)
    assert calendar.day_is_workday(date(2099, 1, 3)) == (True, True)
    assert calendar.add_working_days(date(2098, 12, 31), 1) == Deadline(date(2099, 1, 3), estimated=False)
    assert calendar.add_working_days(date(2098, 12, 31), 2) == Deadline(date(2099, 1, 5), estimated=False)


def test_the_update_wins_over_the_installed_package_for_its_years() -> None:
    assert WorkCalendar().day_is_workday(date(2025, 10, 13)) == (True, True)
    calendar = WorkCalendar.from_update({"2025": {"holidays": ["2025-10-13"], "workdays": []}})
    assert calendar.day_is_workday(date(2025, 10, 13)) == (False, True)


def test_one_calendar_with_an_update_leaves_another_without_it_untouched() -> None:
    WorkCalendar.from_update(NEW_YEAR_2099)
    assert WorkCalendar().day_is_workday(date(2099, 1, 1)) == (True, False)


def test_an_unusable_year_is_left_out_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    bad = {"2098": {"holidays": ["2099-01-01"]}, "20x9": {"holidays": []}, **NEW_YEAR_2099}
    with caplog.at_level(logging.WARNING, logger="desktop.cases.workdays"):
        calendar = WorkCalendar.from_update(bad, source="catalog 2099.1.1")
    assert sorted(calendar.update_years) == [2099]
    assert sum("ignoring holiday data" in r.getMessage() for r in caplog.records) == 2


def _install_update(data_dir: Path, key: Ed25519PrivateKey, version: str) -> None:
    raw = {**copy.deepcopy(raw_from_dir(paths.catalog_dir())), "version": version}
    document = build_document(raw, NEW_YEAR_2099, "2098-12-01T00:00:00+00:00")
    install(data_dir, verify_update(version, document, sign_document(document, key), key.public_key(), None))


def test_an_installed_signed_update_is_the_current_catalog_and_brings_its_holidays(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    _install_update(tmp_path, key, "2099.1.1")
    current = Catalogs(tmp_path, key.public_key()).current()
    assert current.version == "2099.1.1"
    assert current.calendar.add_working_days(date(2098, 12, 31), 1) == Deadline(date(2099, 1, 3), estimated=False)
    shipped = Catalogs(tmp_path / "no-update", key.public_key()).current()
    assert shipped.version == shipped_catalog_version()
    assert shipped.calendar.update_years == {}


def test_an_update_not_newer_than_the_shipped_catalog_is_not_used(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    _install_update(tmp_path, key, "2000.1.1")
    assert Catalogs(tmp_path, key.public_key()).installed() is None


def test_an_update_signed_by_another_key_is_not_used(tmp_path: Path) -> None:
    _install_update(tmp_path, Ed25519PrivateKey.generate(), "2099.1.1")
    assert Catalogs(tmp_path, Ed25519PrivateKey.generate().public_key()).installed() is None


def test_a_case_reopens_under_the_version_it_began_with_when_that_version_is_at_hand(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    _install_update(tmp_path, key, "2099.1.1")
    catalogs = Catalogs(tmp_path, key.public_key())
    newest = catalogs.current()
    assert catalogs.for_version(shipped_catalog_version(), newest).version == shipped_catalog_version()
    assert catalogs.for_version("2099.1.1", catalogs.shipped()) is newest
    assert catalogs.for_version("1999.1.1", newest) is newest
