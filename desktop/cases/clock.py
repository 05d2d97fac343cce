"""The one clock: aware UTC instants, and business dates in the hall's time zone.

Every business date (受理日期, deadlines, the day of a report, the day in a case number) is the hall's local date,
never the machine's: a PC set to UTC or to Los Angeles still files a case taken at 02:10 Beijing time under that
Beijing day. Business code receives a :class:`Clock` and never calls ``date.today()`` or ``datetime.now()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Shanghai"


def system_now() -> datetime:
    """The machine's instant, aware, in UTC: the only place the wall clock is read."""
    return datetime.now(UTC)


def hall_zone(name: str) -> ZoneInfo:
    """The zone named by the hall's setting; a clear English error for a name zoneinfo does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name such as {DEFAULT_TZ})") from exc


@dataclass(frozen=True)
class Clock:
    """Reads instants from ``source`` (aware datetimes) and turns them into the hall's local days."""

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))
    source: Callable[[], datetime] = system_now

    @classmethod
    def for_zone(cls, name: str = DEFAULT_TZ) -> Clock:
        return cls(hall_zone(name))

    def now(self) -> datetime:
        """The current instant, aware, in UTC (what the store writes)."""
        return self.source().astimezone(UTC)

    def local_now(self) -> datetime:
        """The current instant on the hall's wall clock (what documents print)."""
        return self.source().astimezone(self.tz)

    def today(self) -> date:
        """The hall's business date now."""
        return self.local_now().date()

    def local(self, moment: datetime) -> datetime:
        """An aware instant on the hall's wall clock."""
        return moment.astimezone(self.tz)

    def local_day(self, moment: datetime) -> date:
        """The hall's calendar day of an aware instant (23:30 UTC belongs to the next Beijing day)."""
        return moment.astimezone(self.tz).date()

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """UTC start (inclusive) and end (exclusive) of a local day."""
        start = datetime.combine(day, time(), self.tz)
        end = datetime.combine(day + timedelta(days=1), time(), self.tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def period_bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        """UTC start of ``first`` and end of ``last`` (both local days, inclusive)."""
        return self.day_bounds(first)[0], self.day_bounds(last)[1]


class SteppingSource:
    """A settable source that ticks ``step`` per read: for tests, demo data and benches that choose the time."""

    def __init__(self, start: datetime, step: timedelta = timedelta(milliseconds=1)) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock source needs an aware datetime")
        self.current = start
        self.step = step

    def __call__(self) -> datetime:
        self.current += self.step
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment


def stepping_clock(start: datetime, tz: str = DEFAULT_TZ, step: timedelta = timedelta(milliseconds=1)) -> Clock:
    """A :class:`Clock` that starts at ``start`` and ticks ``step`` per read (``clock.source.set`` moves it)."""
    return Clock(hall_zone(tz), SteppingSource(start, step))
