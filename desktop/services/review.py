"""The supervisor's review of intake: a day or a period of the hall's local days."""

from __future__ import annotations

from datetime import date

from desktop.services.hall import Hall
from desktop.store.repo import DaySummary


def day_review(hall: Hall, day: date | None = None) -> DaySummary:
    """Cases decided on the hall's local ``day`` (default: today in the hall's time zone)."""
    chosen = day or hall.clock.today()
    return hall.store.period_summary(chosen, chosen)


def period_review(hall: Hall, first: date, last: date) -> DaySummary:
    """Cases decided from ``first`` to ``last``, both the hall's local days, inclusive."""
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    return hall.store.period_summary(first, last)
