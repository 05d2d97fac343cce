import json
import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.cases.workdays import (
    Deadline,
    HolidayDataError,
    WorkCalendar,
    check_holiday_dir,
    load_holiday_file,
)

CALENDAR = WorkCalendar()


def test_national_day_2025_is_skipped() -> None:
    assert CALENDAR.add_working_days(date(2025, 9, 30), 1) == Deadline(date(2025, 10, 9), estimated=False)


def test_adjusted_sunday_before_national_day_2025_counts() -> None:
    # 2025-09-28 is a Sunday worked in exchange for the holiday (调休).
    assert CALENDAR.add_working_days(date(2025, 9, 26), 1).date == date(2025, 9, 28)
    assert CALENDAR.add_working_days(date(2025, 9, 26), 5).date == date(2025, 10, 10)


def test_adjusted_saturday_after_national_day_2025_counts() -> None:
    assert CALENDAR.add_working_days(date(2025, 10, 10), 1).date == date(2025, 10, 11)


def test_spring_festival_2025_is_skipped() -> None:
    assert CALENDAR.add_working_days(date(2025, 1, 24), 2).date == date(2025, 1, 27)
    assert CALENDAR.add_working_days(date(2025, 1, 27), 1).date == date(2025, 2, 5)


def test_spring_festival_2026_with_both_adjusted_saturdays() -> None:
    assert CALENDAR.add_working_days(date(2026, 2, 13), 1).date == date(2026, 2, 14)
    assert CALENDAR.add_working_days(date(2026, 2, 14), 1).date == date(2026, 2, 24)
    assert CALENDAR.add_working_days(date(2026, 2, 27), 1).date == date(2026, 2, 28)


def test_national_day_2026_is_skipped() -> None:
    assert CALENDAR.add_working_days(date(2026, 9, 30), 1) == Deadline(date(2026, 10, 8), estimated=False)
    assert CALENDAR.add_working_days(date(2026, 9, 30), 3).date == date(2026, 10, 10)


def test_start_day_is_not_counted_and_zero_days_is_the_start() -> None:
    assert CALENDAR.add_working_days(date(2025, 3, 3), 0) == Deadline(date(2025, 3, 3), estimated=False)
    assert CALENDAR.add_working_days(date(2025, 3, 3), 1).date == date(2025, 3, 4)


def test_deadline_running_into_2027_counts_weekdays_and_is_estimated(tmp_path: Path) -> None:
    # 2027's official schedule is unknown: 2027-01-01 (a Friday) is counted, never guessed as 元旦.
    deadline = WorkCalendar(directory=tmp_path).add_working_days(date(2026, 12, 30), 2)
    assert deadline == Deadline(date(2027, 1, 1), estimated=True)


def test_deadline_inside_known_year_is_not_estimated_even_near_unknown_year(tmp_path: Path) -> None:
    assert WorkCalendar(directory=tmp_path).add_working_days(date(2026, 12, 28), 3) == Deadline(
        date(2026, 12, 31), estimated=False
    )


def test_whole_2027_counts_weekdays_only(tmp_path: Path) -> None:
    assert WorkCalendar(directory=tmp_path).working_days_between(date(2026, 12, 31), date(2027, 12, 31)) == 261


def _write_2027(directory: Path) -> None:
    data = {
        "year": 2027,
        "source": "test data, not the official schedule",
        "holidays": {"元旦": ["2027-01-01"], "假日": ["2027-10-04", "2027-10-05"]},
        "workdays": {"调休": ["2027-10-09"]},
    }
    (directory / "2027.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_shipped_holiday_file_makes_2027_official(tmp_path: Path) -> None:
    _write_2027(tmp_path)
    assert WorkCalendar(directory=tmp_path).add_working_days(date(2026, 12, 31), 1) == Deadline(
        date(2027, 1, 4), estimated=False
    )
    assert WorkCalendar(directory=tmp_path).add_working_days(date(2027, 10, 1), 1).date == date(2027, 10, 6)
    assert WorkCalendar(directory=tmp_path).day_is_workday(date(2027, 10, 9)) == (True, True)


def test_broken_holiday_file_falls_back_to_estimate_with_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "2027.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="desktop.cases.workdays"):
        deadline = WorkCalendar(directory=tmp_path).add_working_days(date(2027, 3, 1), 1)
    assert deadline == Deadline(date(2027, 3, 2), estimated=True)
    assert "ignoring holiday data" in caplog.text
    assert check_holiday_dir(tmp_path) and check_holiday_dir(tmp_path)[0].startswith("2027.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"year": 2028, "holidays": []}, "expected 2027"),
        ({"year": 2027, "holidays": ["2028-01-01"]}, "not in 2027"),
        ({"year": 2027, "holidays": ["2027-02-30"]}, "not an ISO date"),
        ({"year": 2027, "holidays": ["2027-10-09"], "workdays": ["2027-10-09"]}, "both holiday and workday"),
        ({"year": 2027, "holidays": {"春节": "2027-02-06"}}, "expected a list"),
        ([], "top level"),
    ],
)
def test_bad_holiday_file_is_refused(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(HolidayDataError, match=message):
        load_holiday_file(path)


def test_shipped_holiday_folder_is_valid() -> None:
    assert check_holiday_dir() == []


def test_negative_days_and_calendar_end_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_working_days(date(2025, 1, 1), -1)
    with pytest.raises(ValueError, match="past the calendar"):
        CALENDAR.add_working_days(date(9999, 12, 30), 5)


NO_FILES = Path(__file__).parent / "no-holiday-files"


@settings(max_examples=150, deadline=None)
@given(st.dates(date(1900, 1, 1), date(9000, 12, 31)), st.integers(0, 60))
def test_any_year_gives_a_working_day_marked_estimated_outside_known_years(start: date, days: int) -> None:
    deadline = WorkCalendar(directory=NO_FILES).add_working_days(start, days)
    assert deadline.date - start <= timedelta(days=days * 3 + 30)
    assert WorkCalendar(directory=NO_FILES).working_days_between(start, deadline.date) == days
    if days:
        assert WorkCalendar(directory=NO_FILES).day_is_workday(deadline.date)[0]
    counted_years = range((start + timedelta(days=1)).year, deadline.date.year + 1) if days else range(0)
    assert deadline.estimated == any(not 2004 <= y <= 2026 for y in counted_years)
