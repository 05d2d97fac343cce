"""The audit chain in less room (issue 11): each row keeps its hash as 32 bytes and no ``prev_hash``.

- ``hash`` was 64 hex characters; it becomes the 32 bytes they spell (SQLite BLOB, PostgreSQL bytea). What a row
  is hashed on does not change (``sha256`` of the previous row's hash as hex + the row's canonical JSON,
  desktop.store.audit_log), so every stored hash and the head the platform has seen stay valid; everything that
  shows a hash still shows hex (desktop.store.models.Digest).
- ``prev_hash`` goes: it was always the hash of the row before in id order (the first row's: 64 zeros), which
  verifying reads anyway. A removed, inserted or moved row still breaks the next row's hash.

A stored hash that is not hex (only an edit behind the store's back makes one) is kept as its text's bytes, so the
chain check still reports that row instead of the upgrade failing or the edit vanishing. Going back down, the hashes
become hex again and each row's ``prev_hash`` is the hash of the row before it.

SQLite rebuilds ``audit_event`` (a column's type cannot change in place; the copy is in id order, so its pages come
out full); PostgreSQL drops ``prev_hash``, then rewrites the table once changing the type of ``hash``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENESIS = "0" * 64  # what the first row is hashed on (desktop.store.audit_log.GENESIS, spelled here as it was then)
HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")
PG_HEX = "'^([0-9a-fA-F]{2})*$'"
UNHEX = "yishi_0007_unhex"  # a function of the migration's own SQLite connection


def _digest(stored: str) -> bytes:
    return bytes.fromhex(stored) if HEX.fullmatch(stored) else stored.encode()


def _columns(*, digest: bool) -> list[sa.Column[Any]]:
    """``audit_event``'s columns: as 0007 leaves them (``digest``), or as 0006 did."""
    head: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("case.id", ondelete="SET NULL"), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    ]
    if digest:
        return [*head, sa.Column("hash", sa.LargeBinary(), nullable=False, server_default="")]
    return [
        *head,
        sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("hash", sa.String(64), nullable=False, server_default=""),
    ]


def _rebuild_sqlite(*, digest: bool, hashes: str) -> None:
    """Copy ``audit_event`` in id order into its other shape, the chain columns given by the SQL ``hashes``."""
    new = "audit_event_0007"
    op.create_table(new, *_columns(digest=digest))
    names = "id, case_id, at, actor, action, detail"
    chain = "hash" if digest else "prev_hash, hash"
    op.execute(f"INSERT INTO {new} ({names}, {chain}) SELECT {names}, {hashes} FROM audit_event ORDER BY id")
    op.drop_table("audit_event")
    op.rename_table(new, "audit_event")
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_case_id", "audit_event", ["case_id"])
    op.execute("PRAGMA analysis_limit=1000")  # the planner's figures for the new indexes, as 0006 left them
    op.execute("ANALYZE audit_event")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        driver: Any = bind.connection.driver_connection
        driver.create_function(UNHEX, 1, _digest)
        _rebuild_sqlite(digest=True, hashes=f"{UNHEX}(hash)")
        return
    op.drop_column("audit_event", "prev_hash")
    op.alter_column("audit_event", "hash", server_default=None, existing_type=sa.String(64))
    op.execute(
        "ALTER TABLE audit_event ALTER COLUMN hash TYPE bytea USING"
        f" CASE WHEN hash ~ {PG_HEX} THEN decode(hash, 'hex') ELSE convert_to(hash, 'UTF8') END"
    )
    op.alter_column("audit_event", "hash", server_default="", existing_type=sa.LargeBinary())  # empty, as before


def _previous(hex_hash: str) -> str:
    """SQL for the hash of the row before in id order (GENESIS for the first), given SQL for a row's hash as hex."""
    return f"coalesce(lag({hex_hash}) OVER (ORDER BY id), '{GENESIS}')"


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        hex_hash = "lower(hex(hash))"
        _rebuild_sqlite(digest=False, hashes=f"{_previous(hex_hash)}, {hex_hash}")
        return
    op.alter_column("audit_event", "hash", server_default=None, existing_type=sa.LargeBinary())
    op.execute("ALTER TABLE audit_event ALTER COLUMN hash TYPE varchar(64) USING encode(hash, 'hex')")
    op.alter_column("audit_event", "hash", server_default="", existing_type=sa.String(64))
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
    op.execute(
        f"UPDATE audit_event SET prev_hash = chained.prev FROM (SELECT id, {_previous('hash')} AS prev"
        " FROM audit_event)"
        " AS chained WHERE audit_event.id = chained.id"
    )
