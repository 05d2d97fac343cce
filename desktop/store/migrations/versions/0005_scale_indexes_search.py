"""Indexes, search and outbox compaction for a million cases (issue 11).

- ``case.applicant_phone`` (copied from the form like the applicant's name and ID) for the search box;
- indexes: the case list's keyset (updated_at, id), bundle + updated_at, applicant ID / phone / name, created_at,
  and a covering index for the day and month reports;
- name and keyword search (the applicant's name, or part of an ID): SQLite FTS5 (trigram tokenizer, external
  content on ``case``, kept by triggers); PostgreSQL pg_trgm (GIN indexes on applicant_name and applicant_id);
- acknowledged outbox payloads compacted to their hash and what a resend names (desktop.store.outbox);
- indexes a unique constraint or a wider index already covers dropped (store size); the outbox's status index
  made partial (only revisions still waiting);
- ANALYZE, so the planners know the new indexes.

Later migrations that rebuild ``case`` on SQLite (batch mode) must re-create the FTS triggers and run
``INSERT INTO case_fts(case_fts) VALUES('rebuild')``: the FTS index is keyed by ``case``'s rowid.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PHONE_KEYS = ("applicant.phone", "contact.phone", "agent.phone", "legal_rep.phone", "enterprise.phone", "buyer.phone")
INDEXES = {
    "ix_case_updated_id": ["updated_at", "id"],
    "ix_case_bundle_updated": ["bundle_code", "updated_at"],
    "ix_case_applicant_id": ["applicant_id"],
    "ix_case_applicant_phone": ["applicant_phone"],
    "ix_case_applicant_name": ["applicant_name"],
    "ix_case_created_at": ["created_at"],
    "ix_case_report": ["decided_at", "decision", "bundle_code", "clerk"],
}
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE case_fts USING fts5(applicant_name, applicant_id, content='case', content_rowid='rowid',"
    " tokenize='trigram')",
    'CREATE TRIGGER case_fts_ai AFTER INSERT ON "case" BEGIN'
    " INSERT INTO case_fts(rowid, applicant_name, applicant_id) VALUES (new.rowid, new.applicant_name,"
    " new.applicant_id); END",
    'CREATE TRIGGER case_fts_ad AFTER DELETE ON "case" BEGIN'
    " INSERT INTO case_fts(case_fts, rowid, applicant_name, applicant_id) VALUES ('delete', old.rowid,"
    " old.applicant_name, old.applicant_id); END",
    'CREATE TRIGGER case_fts_au AFTER UPDATE OF applicant_name, applicant_id ON "case"'
    " WHEN new.applicant_name IS NOT old.applicant_name OR new.applicant_id IS NOT old.applicant_id BEGIN"
    " INSERT INTO case_fts(case_fts, rowid, applicant_name, applicant_id) VALUES ('delete', old.rowid,"
    " old.applicant_name, old.applicant_id);"
    " INSERT INTO case_fts(rowid, applicant_name, applicant_id) VALUES (new.rowid, new.applicant_name,"
    " new.applicant_id); END",
    "INSERT INTO case_fts(case_fts) VALUES ('rebuild')",
]
PG_TRGM = ["applicant_name", "applicant_id"]
# covered by a unique constraint or a wider index that starts with the same column
REDUNDANT = {
    "ix_case_item_case_id": ("case_item", ["case_id"]),
    "ix_material_record_case_id": ("material_record", ["case_id"]),
    "ix_outbox_case_id": ("outbox", ["case_id"]),
    "ix_case_bundle_code": ("case", ["bundle_code"]),
    "ix_case_decided_at": ("case", ["decided_at"]),
}
COMPACT_BATCH = 2000
# the outbox's status index keeps only what still waits (a partial index; queries name the same condition)
UNSENT = sa.text("status <> 'sent'")


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column("case", sa.Column("applicant_phone", sa.String(), nullable=True))
    if sqlite:
        found = ", ".join(f"json_extract(\"values\", '$.\"{k}\"')" for k in PHONE_KEYS)
    else:
        found = ", ".join(f"(\"values\"->>'{k}')" for k in PHONE_KEYS)
    op.execute(f'UPDATE "case" SET applicant_phone = COALESCE({found}) WHERE applicant_phone IS NULL')
    for name, columns in INDEXES.items():
        op.create_index(name, "case", columns)
    for name, (table, _columns) in REDUNDANT.items():
        op.drop_index(name, table_name=table)
    op.drop_index("ix_outbox_status_next", table_name="outbox")
    op.create_index(
        "ix_outbox_unsent", "outbox", ["status", "next_attempt_at"], sqlite_where=UNSENT, postgresql_where=UNSENT
    )
    if sqlite:
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in PG_TRGM:
            op.execute(f'CREATE INDEX ix_case_{column}_trgm ON "case" USING gin ({column} gin_trgm_ops)')
    _compact_sent_payloads(bind)
    if sqlite:
        op.execute("PRAGMA analysis_limit=1000")
    op.execute("ANALYZE")


def _compact_sent_payloads(bind: sa.Connection) -> None:
    """Acknowledged revisions keep their hash and the keys a resend names, not the whole case (see
    desktop.store.outbox.compact_payload, which does the same for revisions acknowledged from now on)."""
    outbox = sa.table("outbox", sa.column("id", sa.Integer), sa.column("payload", sa.JSON), sa.column("status"))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(outbox.c.id, outbox.c.payload)
            .where(outbox.c.status == "sent", outbox.c.id > last)
            .order_by(outbox.c.id)
            .limit(COMPACT_BATCH)
        ).all()
        if not rows:
            return
        updates = [{"key": i, "payload": _compact(p)} for i, p in rows if not (p or {}).get("compacted")]
        if updates:
            bind.execute(
                outbox.update().where(outbox.c.id == sa.bindparam("key")).values(payload=sa.bindparam("payload")),
                updates,
            )
        last = rows[-1][0]


def _compact(payload: dict[str, Any]) -> dict[str, Any]:
    # a frozen copy of desktop.store.outbox.compact_payload (migrations do not import the code they migrate)
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return {
        "compacted": True,
        "schema": payload.get("schema"),
        "sha256": hashlib.sha256(canonical).hexdigest(),
        "bytes": len(canonical),
        "attachments": [a.get("sha256") for a in payload.get("attachments", [])],
    }


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("case_fts_ai", "case_fts_ad", "case_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS case_fts")
    else:
        for column in PG_TRGM:
            op.execute(f"DROP INDEX IF EXISTS ix_case_{column}_trgm")
    op.drop_index("ix_outbox_unsent", table_name="outbox")
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])
    for name, (table, columns) in REDUNDANT.items():
        op.create_index(name, table, columns)
    for name in INDEXES:
        op.drop_index(name, table_name="case")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("applicant_phone")
