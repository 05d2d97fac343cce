"""Initial schema: cases, items, materials, attachments, outbox, audit, window sequences.

Revision ID: 0001
Revises:
Create Date: 2025-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _case_fk(ondelete: str = "CASCADE", nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("case_id", sa.Uuid(), sa.ForeignKey("case.id", ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "case",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("number", sa.String(22), nullable=True),
        sa.Column("query_code", sa.String(6), nullable=True),
        sa.Column("bundle_code", sa.String(), nullable=False),
        sa.Column("catalog_version", sa.String(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("decision", sa.String(32), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("applicant_name", sa.String(), nullable=True),
        sa.Column("applicant_id", sa.String(), nullable=True),
        sa.Column("center_name", sa.String(), nullable=False),
        sa.Column("division_code", sa.String(9), nullable=False),
        sa.Column("window_code", sa.String(2), nullable=False),
        sa.Column("clerk", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("number"),
    )
    op.create_index("ix_case_bundle_code", "case", ["bundle_code"])
    op.create_index("ix_case_decided_at", "case", ["decided_at"])
    op.create_index("ix_case_state_updated", "case", ["state", "updated_at"])

    op.create_table(
        "case_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case_fk(),
        sa.Column("item_code", sa.String(), nullable=False),
        sa.Column("applies", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=False),
        sa.Column("promised_days", sa.Integer(), nullable=True),
        sa.Column("promised_date", sa.Date(), nullable=True),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("case_id", "item_code"),
    )
    op.create_index("ix_case_item_case_id", "case_item", ["case_id"])

    op.create_table(
        "material_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case_fk(),
        sa.Column("material_code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.UniqueConstraint("case_id", "material_code"),
    )
    op.create_index("ix_material_record_case_id", "material_record", ["case_id"])

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case_fk(),
        sa.Column("material_code", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_attachment_case_id", "attachment", ["case_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _case_fk(),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.UniqueConstraint("case_id", "revision"),
    )
    op.create_index("ix_outbox_case_id", "outbox", ["case_id"])
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case_fk("SET NULL", nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])

    op.create_table(
        "window_sequence",
        sa.Column("window_key", sa.String(11), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("window_sequence", "audit_event", "outbox", "attachment", "material_record", "case_item", "case"):
        op.drop_table(table)
