"""The tables as the app wrote them before migration 0008 (a text where a phrase's id is now; case ids as
``sa.Uuid`` writes them, before 0009): the migration tests seed old stores through these."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def table(name: str, *columns: tuple[str, Any]) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, t) for c, t in columns))


CASE = table(
    "case", ("id", sa.Uuid()), ("number", sa.String()), ("query_code", sa.String()), ("bundle_code", sa.String()),
    ("catalog_version", sa.String()), ("state", sa.String()), ("decision", sa.String()), ("revision", sa.Integer()),
    ("answers", sa.JSON()), ("values", sa.JSON()), ("applicant_name", sa.String()), ("applicant_id", sa.String()),
    ("applicant_phone", sa.String()), ("center_name", sa.String()), ("division_code", sa.String()),
    ("window_code", sa.String()), ("clerk", sa.String()), ("created_at", sa.DateTime()),
    ("updated_at", sa.DateTime()), ("decided_at", sa.DateTime()),
)  # fmt: skip
ITEM = table(
    "case_item", ("id", sa.Integer()), ("case_id", sa.Uuid()), ("item_code", sa.String()), ("applies", sa.Boolean()),
    ("reason", sa.String()), ("department", sa.String()), ("promised_days", sa.Integer()),
    ("promised_date", sa.Date()), ("estimated", sa.Boolean()), ("outcome", sa.String()),
)  # fmt: skip
MATERIAL = table(
    "material_record", ("id", sa.Integer()), ("case_id", sa.Uuid()), ("material_code", sa.String()),
    ("name", sa.String()), ("status", sa.String()), ("copies", sa.Integer()), ("deadline", sa.Date()),
    ("items", sa.JSON()),
)  # fmt: skip
