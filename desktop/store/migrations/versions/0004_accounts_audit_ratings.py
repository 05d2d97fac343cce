"""Accounts, the audit hash chain, ratings (好差评) and voids (作废) (issue 10).

Existing audit rows are chained in id order, with the same canonical form the store uses for new rows, so
``yishi audit verify`` holds on an upgraded store and every later edit shows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.store.audit_log import GENESIS, canonical_row, row_hash
from desktop.store.columns import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("clerk", sa.String(), nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.Column("follow_up_kind", sa.String(), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_note", sa.String(), nullable=True),
        sa.Column("follow_up_by", sa.String(), nullable=True),
        sa.UniqueConstraint("case_id"),
    )
    op.create_index("ix_rating_rated_at", "rating", ["rated_at"])
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("voided_by", sa.String(), nullable=True))
        batch.add_column(sa.Column("void_reason", sa.String(), nullable=True))
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=False, server_default=""))
    _chain_existing_rows()


def _chain_existing_rows() -> None:
    events = sa.table(
        "audit_event",
        sa.column("id", sa.Integer()),
        sa.column("case_id", sa.Uuid()),
        sa.column("at", UTCDateTime()),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            events.c.id, events.c.case_id, events.c.at, events.c.actor, events.c.action, events.c.detail
        ).order_by(events.c.id)
    ).all()
    prev = GENESIS
    for row_id, case_id, at, actor, action, detail in rows:
        digest = row_hash(
            prev, canonical_row(row_id, case_id, at, actor=actor, action=action, detail=dict(detail or {}))
        )
        conn.execute(sa.update(events).where(events.c.id == row_id).values(prev_hash=prev, hash=digest))
        prev = digest


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("void_reason")
        batch.drop_column("voided_by")
        batch.drop_column("voided_at")
    op.drop_index("ix_rating_rated_at", table_name="rating")
    op.drop_table("rating")
    op.drop_table("account")
