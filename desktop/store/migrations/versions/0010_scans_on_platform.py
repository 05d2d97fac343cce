"""Scans the platform holds: ``attachment.on_platform`` remembers that the platform acknowledged a scan's content.

The sync worker sent ``HEAD /v1/attachments/{sha256}`` for every scan of a revision each time it tried that revision,
and on a center store each window asked again, on every sync run, about every scan it holds of every revision still
waiting in the shared outbox (sync.worker._upload_held_scans): one request per held scan per run, for as long as the
revision waited, although the platform's answer never changes once it holds the content (it is content-addressed).
Now the worker sets ``on_platform`` on every row of a content once the platform has acknowledged it (a HEAD that
gives its size, or an upload the platform confirmed) and asks nothing about such a scan again, in a later run, for a
later revision of the case, or from another window of the same center store. If the platform says it lacks a scan
after all (422 ``missing_attachments``), the worker clears the flag, uploads the scan again and resends.

The column is a boolean, ``NOT NULL DEFAULT false``: every row the store already has reads as not known to be on the
platform (its next send asks once, as before). On SQLite, ADD COLUMN with a constant default rewrites no row (a row
written before reads the default) and the flag takes no byte of a row's payload; on PostgreSQL 11+ a constant
default is kept in the catalog, so adding it rewrites no row either. It takes a moment on a store of any size.

Going back down drops the column (SQLite 3.35: DROP COLUMN, which leaves the table's ``CREATE TABLE`` text as it
was before); an older build then asks the platform about each scan again, which is all it ever did.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attachment", sa.Column("on_platform", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.execute("ALTER TABLE attachment DROP COLUMN on_platform")  # in place on both engines (no SQLite table copy)
