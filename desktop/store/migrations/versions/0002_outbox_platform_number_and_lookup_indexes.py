"""Outbox keeps the platform's case number; indexes for a case's audit trail and attachment dedupe.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("platform_number", sa.String(), nullable=True))
    op.create_index("ix_audit_event_case_at", "audit_event", ["case_id", "at"])
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_attachment_sha256", table_name="attachment")
    op.drop_index("ix_audit_event_case_at", table_name="audit_event")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("platform_number")
