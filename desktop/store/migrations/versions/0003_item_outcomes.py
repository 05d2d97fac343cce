"""Per-item outcomes (issue 9): each item of a case keeps its own 受理 / 容缺受理 / 一次性告知 / 不予受理 and reason.

Cases decided before this revision get their case's decision as every applying item's outcome, which is what
deciding meant then.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_item") as batch:
        batch.add_column(sa.Column("outcome", sa.String(32), nullable=True))
        batch.add_column(sa.Column("outcome_reason", sa.String(), nullable=True))
    op.execute(
        "UPDATE case_item SET outcome = (SELECT decision FROM \"case\" WHERE \"case\".id = case_item.case_id) "
        "WHERE applies"
    )


def downgrade() -> None:
    with op.batch_alter_table("case_item") as batch:
        batch.drop_column("outcome_reason")
        batch.drop_column("outcome")
