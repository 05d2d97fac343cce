"""Statutory retirement ages and minimum contribution, read from the catalog's retirement table.

The 2024 NPC decision (渐进式延迟法定退休年龄, from 2025-01-01) raises each original age by one month for every
``birth_months_per_step`` months of birth from ``first_birth_month`` on, up to the target age: men 60 → 63 and
women cadres 55 → 58 one month per four months of birth from 1965-01 and 1970-01, women workers 50 → 55 one
month per two months of birth from 1975-01. 弹性退休 moves retirement up to ``flexible_months`` earlier (never
below the original age) or later. The minimum contribution for a monthly pension rises from 15 years by six
months a year from 2030 to 20 years. The rule language reads these through :mod:`desktop.forms.expr`; the UI
and documents may call them directly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from desktop.catalog.schema import RetirementScheme, RetirementTable


class UnknownScheme(KeyError):  # noqa: N818 - reads as what happened
    """The table has no scheme of that code."""


@dataclass(frozen=True)
class RetirementAge:
    """A statutory retirement age for one birth date: whole years and months, and the day it is reached."""

    years: int
    months: int
    date: dt.date

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def label(self) -> str:
        """``60岁``, ``62岁11个月``."""
        return f"{self.years}岁" + (f"{self.months}个月" if self.months else "")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end (29 Feb → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def scheme(table: RetirementTable, code: str) -> RetirementScheme:
    for row in table.schemes:
        if row.code == code:
            return row
    raise UnknownScheme(code)


def _age(months: int, born: dt.date) -> RetirementAge:
    return RetirementAge(months // 12, months % 12, add_months(born, months))


def delay_months(row: RetirementScheme, born: dt.date) -> int:
    """How many months the decision adds for someone born on ``born``."""
    first_year, first_month = (int(p) for p in row.first_birth_month.split("-"))
    since = (born.year - first_year) * 12 + (born.month - first_month)
    if since < 0:
        return 0
    return min(since // row.birth_months_per_step + 1, (row.target_age - row.original_age) * 12)


def statutory_age(table: RetirementTable, code: str, born: dt.date) -> RetirementAge:
    """The statutory retirement age of someone born on ``born`` under scheme ``code``
    (``male``, ``female_cadre``, ``female_worker`` in the shipped table)."""
    row = scheme(table, code)
    return _age(row.original_age * 12 + delay_months(row, born), born)


def earliest_age(table: RetirementTable, code: str, born: dt.date) -> RetirementAge:
    """弹性提前退休: at most ``flexible_months`` before the statutory age, never below the original age."""
    row = scheme(table, code)
    statutory = statutory_age(table, code, born).total_months
    return _age(max(row.original_age * 12, statutory - table.flexible_months), born)


def latest_age(table: RetirementTable, code: str, born: dt.date) -> RetirementAge:
    """弹性延迟退休: at most ``flexible_months`` after the statutory age."""
    return _age(statutory_age(table, code, born).total_months + table.flexible_months, born)


def min_contribution_months(table: RetirementTable, on: dt.date) -> int:
    """Months of contribution needed for a monthly pension when retiring on ``on``."""
    rule = table.min_contribution
    if on.year < rule.first_year:
        return rule.original_months
    return min(rule.target_months, rule.original_months + (on.year - rule.first_year + 1) * rule.step_months)
