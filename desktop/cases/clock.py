"""Local (Beijing) days for UTC timestamps. China keeps one offset all year, so a fixed zone is exact."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

LOCAL_TZ = timezone(timedelta(hours=8), "CST")


def local_day(moment: datetime) -> date:
    """The local calendar day of an aware timestamp (a case decided at 23:30 UTC belongs to the next day)."""
    return moment.astimezone(LOCAL_TZ).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a local day."""
    start = datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)
    return start, start + timedelta(days=1)
