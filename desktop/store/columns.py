"""Column types SQLite lacks: timezone-aware UTC timestamps and StrEnum values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stored naive in UTC, returned timezone-aware; refuses naive input so local times never slip in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], datetime | None]:
        # one call a value, not the impl's parser then process_result_value: a day list reads 3,000 of them
        parse = self.impl_instance.result_processor(dialect, coltype)
        if parse is None:  # the driver gives datetimes (psycopg)
            return lambda value: None if value is None else value.replace(tzinfo=UTC)
        return lambda value: None if value is None else _aware(parse(value))


def _aware(parsed: Any) -> datetime:
    """A naive UTC datetime the impl's parser gave, made aware."""
    aware: datetime = parsed.replace(tzinfo=UTC)
    return aware


class EnumText(TypeDecorator[StrEnum]):
    """A StrEnum stored as its plain value (no CHECK constraint, so new values need no migration)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_type: type[StrEnum]) -> None:
        super().__init__()
        self.enum_type = enum_type

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_type(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum_type(value)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], StrEnum | None]:
        # a dict lookup, not Enum's call machinery, for the values a list reads; anything else as Enum says it
        members: dict[Any, StrEnum] = {m.value: m for m in self.enum_type}
        enum_type = self.enum_type
        return lambda value: None if value is None else members.get(value) or enum_type(value)

