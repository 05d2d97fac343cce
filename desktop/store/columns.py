"""Column types SQLite lacks: timezone-aware UTC timestamps, StrEnum values and UUIDs in 16 bytes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Dialect, LargeBinary, String, Uuid
from sqlalchemy.types import TypeDecorator, TypeEngine


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


class BinaryUUID(TypeDecorator[UUID]):
    """A UUID stored as its 16 bytes (a BLOB) on SQLite, which has no uuid type (``sqlalchemy.Uuid`` stores 32 hex
    characters there), and as PostgreSQL's native uuid; ``uuid.UUID`` in and out either way.

    A case id is stored some 21 times a case (the case's key, its items' and materials' keys, its audit rows, its
    outbox revisions, their indexes): 17 bytes each instead of 33 (migration uuid_bytes). Bytes sort as the hex did,
    and as PostgreSQL's uuid and Python's ``UUID`` do, so keys, indexes and keyset pages keep their order. Plain SQL
    on SQLite binds and reads ``UUID.bytes``."""

    impl = Uuid
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(Uuid() if dialect.supports_native_uuid else LargeBinary(16))

    def process_bind_param(self, value: UUID | None, dialect: Dialect) -> Any:
        return value if value is None or dialect.supports_native_uuid else value.bytes

    def process_result_value(self, value: Any, dialect: Dialect) -> UUID | None:
        return value if value is None or dialect.supports_native_uuid else UUID(bytes=value)

    # one call a value, not process_*_value around the impl's own processor: opening a case binds and reads a
    # dozen ids, the outbox and lists hundreds (desktop.store.driver runs these processors on the hot reads)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.supports_native_uuid:  # the driver takes uuid.UUID (psycopg)
            return self.impl_instance.bind_processor(dialect)
        return lambda value: None if value is None else value.bytes

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], UUID | None] | None:
        if dialect.supports_native_uuid:  # the driver gives uuid.UUID (psycopg)
            return self.impl_instance.result_processor(dialect, coltype)
        return lambda value: None if value is None else UUID(bytes=value)

    def literal_processor(self, dialect: Dialect) -> Callable[[Any], str] | None:
        if dialect.supports_native_uuid:
            return self.impl_instance.literal_processor(dialect)
        return lambda value: f"X'{value.hex}'"  # a statement printed with its values (EXPLAIN QUERY PLAN)
