"""Promised completion dates counted in working days (工作日).

Weekends and public holidays do not count; adjusted workdays (调休, a Saturday or Sunday made a working day) do.
Sources, in order: holiday data of a signed catalog update in use (a :class:`WorkCalendar` made with
:meth:`WorkCalendar.from_update` where the app loads its catalog), the ``chinese_calendar`` package for the years
it knows, then the updatable
``resources/holidays/<year>.json`` files (format in ``resources/holidays/README.md``). A year none knows is
counted Monday to Friday and the result is marked ``estimated``: official dates are never guessed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar

from desktop.paths import resources_dir

log = logging.getLogger(__name__)


class HolidayDataError(ValueError):
    """A holiday file that cannot be trusted (bad JSON, wrong year, a date both off and working)."""


@dataclass(frozen=True)
class Deadline:
    """A promised date; ``estimated`` when a year's official holiday schedule was unknown."""

    date: date
    estimated: bool


@dataclass(frozen=True)
class HolidayYear:
    """One year's official schedule: days off that would be weekdays and weekend days that are worked."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str = ""


def holidays_dir() -> Path:
    return resources_dir() / "holidays"


def _dates(value: object, year: int, what: str) -> set[date]:
    # Accepts {"国庆节": ["2027-10-01", ...], ...} or a flat list of ISO dates.
    groups = value.values() if isinstance(value, dict) else [value]
    out: set[date] = set()
    for group in groups:
        if not isinstance(group, list):
            raise HolidayDataError(f"{what}: expected a list of ISO dates, got {group!r}")
        for text in group:
            try:
                day = date.fromisoformat(str(text))
            except ValueError as exc:
                raise HolidayDataError(f"{what}: not an ISO date: {text!r}") from exc
            if day.year != year:
                raise HolidayDataError(f"{what}: {day} is not in {year}")
            out.add(day)
    return out


def parse_holiday_year(data: object, year: int) -> HolidayYear:
    """Check one year's holiday data (already decoded from JSON) and return it."""
    if not isinstance(data, dict):
        raise HolidayDataError("top level must be an object")
    if data.get("year") != year:
        raise HolidayDataError(f"'year' is {data.get('year')!r}, expected {year}")
    holidays = _dates(data.get("holidays", {}), year, "holidays")
    workdays = _dates(data.get("workdays", {}), year, "workdays")
    if both := holidays & workdays:
        raise HolidayDataError(f"both holiday and workday: {', '.join(map(str, sorted(both)))}")
    return HolidayYear(year, frozenset(holidays), frozenset(workdays), str(data.get("source", "")))


def load_holiday_file(path: Path) -> HolidayYear:
    """Read ``<year>.json``; raises :class:`HolidayDataError` when it is unusable."""
    try:
        year = int(path.stem)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise HolidayDataError(f"{path.name}: {exc}") from exc
    return parse_holiday_year(data, year)


def check_holiday_dir(directory: Path | None = None) -> list[str]:
    """Problems in every ``*.json`` of the holiday folder, one message each (empty when all are fine)."""
    problems = []
    for path in sorted((directory or holidays_dir()).glob("*.json")):
        try:
            load_holiday_file(path)
        except HolidayDataError as exc:
            problems.append(f"{path.name}: {exc}")
    return problems


@lru_cache(maxsize=64)
def _shipped_year(directory: Path, year: int) -> HolidayYear | None:
    path = directory / f"{year}.json"
    if not path.is_file():
        return None
    try:
        return load_holiday_file(path)
    except HolidayDataError as exc:
        # A broken update must not stop the window; dates for that year become estimates.
        log.warning("ignoring holiday data %s: %s", path, exc)
        return None


@lru_cache(maxsize=256)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def update_years(
    holidays: Mapping[str, Mapping[str, Sequence[str]]] | None, source: str = ""
) -> dict[int, HolidayYear]:
    """A signed catalog update's holiday data, ``{"2027": {"holidays": [...], "workdays": [...]}}``, checked.

    A year whose data is unusable is left out with a warning (its dates become estimates, never guesses)."""
    years: dict[int, HolidayYear] = {}
    for key, spec in (holidays or {}).items():
        try:
            year = int(key)
            years[year] = parse_holiday_year({**dict(spec), "year": year, "source": source}, year)
        except (ValueError, TypeError) as exc:  # HolidayDataError is a ValueError
            log.warning("ignoring holiday data for %r from %s: %s", key, source or "a catalog update", exc)
    return years


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days, for the catalog in use: passed in, never process-global.

    ``update_years`` come from the signed catalog update in use and win over the other sources; a calendar without
    them counts with the package and the shipped files only."""

    update_years: Mapping[int, HolidayYear] = field(default_factory=dict)
    directory: Path | None = None

    @classmethod
    def from_update(cls, holidays: Mapping[str, Mapping[str, Sequence[str]]] | None, source: str = "") -> WorkCalendar:
        return cls(update_years(holidays, source))

    def day_is_workday(self, day: date) -> tuple[bool, bool]:
        """``(is a working day, known officially)``; unknown years fall back to Monday–Friday."""
        extra = self.update_years.get(day.year)
        if extra is not None:
            return _scheduled_workday(day, extra), True
        if _package_knows(day.year):
            return bool(chinese_calendar.is_workday(day)), True
        shipped = _shipped_year(self.directory or holidays_dir(), day.year)
        if shipped is not None:
            return _scheduled_workday(day, shipped), True
        return day.weekday() < 5, False

    def add_working_days(self, start: date, days: int) -> Deadline:
        """The date ``days`` working days after ``start``; the start day itself is not counted.

        With ``days == 0`` the answer is ``start``. Raises ``ValueError`` for negative days or a date past 9999.
        """
        if days < 0:
            raise ValueError(f"days must not be negative: {days}")
        day, estimated, left = start, False, days
        while left:
            try:
                day += timedelta(days=1)
            except OverflowError as exc:
                raise ValueError(f"{days} working days after {start} is past the calendar") from exc
            working, known = self.day_is_workday(day)
            estimated = estimated or not known
            left -= working
        return Deadline(day, estimated)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
        return sum(self.day_is_workday(d)[0] for d in _days_after(start, end))


def _scheduled_workday(day: date, year: HolidayYear) -> bool:
    return day in year.workdays or (day.weekday() < 5 and day not in year.holidays)


def _days_after(start: date, end: date) -> Iterable[date]:
    for n in range(1, (end - start).days + 1):
        yield start + timedelta(days=n)
