"""Store size (issue 11): what a case keeps takes less room, nothing a hall reads is dropped.

- ``case_item`` and ``material_record`` are keyed by (case_id, item_code / material_code), which a unique
  constraint already held them to. On SQLite they become WITHOUT ROWID tables: the table is its own index on that
  key, where it used to be a row-id table plus a unique index repeating the case id and code of every row. Their
  ``id`` is kept as the row's place in the case's list (the order items and the checklist are read in): on SQLite
  1, 2, … per case, numbered by a trigger when a writer leaves it out (nothing else numbers a WITHOUT ROWID
  table); on PostgreSQL still the column's sequence. Rows from before keep their ids, which already increase in
  their case's order (renumbering them would sort every row: the copy walks the old unique index instead).
  PostgreSQL swaps the id primary key for (case_id, code), so the unique index becomes the primary key and the
  index on id goes.
- the audit trail's index is ``case_id`` alone: a case's trail is read in id order, which the index holds already
  (SQLite: the row id; PostgreSQL: a few rows sorted), so ``at`` in it was 26 bytes a row that no query used.
- ``created_at`` is indexed only for undecided cases: the day list finds a decided case by ``decided_at``
  (ix_case_report) and an undecided one by ``created_at`` with ``decided_at IS NULL``.
- acknowledged payloads no longer carry an empty attachment list (desktop.store.outbox.compact_payload).
- SQLite keeps JSON compact (desktop.store.json_columns): UTF-8 as typed and no blanks; the form's answers and
  values, read only whole, zlib-packed when that is smaller. Materials' item lists are compacted here as their table
  is rebuilt; existing forms are packed by the maintenance run (``Store.compact_acknowledged``: a million forms take
  minutes, too long for a start-up), read meanwhile as the JSON text they are; audit rows stay as they were written
  (never updated). Going back down, packed forms become JSON text again.

The rebuilt tables leave free pages behind in a SQLite file until ``Store.vacuum()`` gives them back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import zlib
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UNDECIDED = sa.text("decided_at IS NULL")
UNPACK_BATCH = 2000
# (table, code column): the child tables keyed by case and code
KEYED = (("case_item", "item_code"), ("material_record", "material_code"))
POSITION_TRIGGER = (
    "CREATE TRIGGER {table}_position AFTER INSERT ON {table} WHEN new.id IS NULL BEGIN"
    " UPDATE {table} SET id = (SELECT coalesce(max(id), 0) + 1 FROM {table} WHERE case_id = new.case_id)"
    " WHERE case_id = new.case_id AND {code} = new.{code}; END"
)


def _columns(table: str, *, keyed: bool) -> list[sa.Column[Any]]:
    """The table's columns as 0005 left them; ``keyed``: primary key (case_id, code) and ``id`` a plain column."""
    code = dict(KEYED)[table]
    head: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), primary_key=not keyed, nullable=keyed),
        sa.Column(
            "case_id", sa.Uuid(), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=keyed, nullable=False
        ),
        sa.Column(code, sa.String(), primary_key=keyed, nullable=False),
    ]
    if table == "case_item":
        return [
            *head,
            sa.Column("applies", sa.Boolean(), nullable=False),
            sa.Column("reason", sa.String(), nullable=False),
            sa.Column("department", sa.String(), nullable=False),
            sa.Column("promised_days", sa.Integer(), nullable=True),
            sa.Column("promised_date", sa.Date(), nullable=True),
            sa.Column("estimated", sa.Boolean(), nullable=False),
            sa.Column("outcome", sa.String(32), nullable=True),
            sa.Column("outcome_reason", sa.String(), nullable=True),
        ]
    return [
        *head,
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
    ]


def _rebuild_sqlite(table: str, *, keyed: bool) -> None:
    """Copy ``table`` into its other shape: going keyed, in key order with its ids; going back, ids numbered
    anew (places repeat from case to case)."""
    columns = _columns(table, keyed=keyed)
    names = [c.name for c in columns]
    new = f"{table}_0006"
    if keyed:
        op.create_table(new, *columns, sqlite_with_rowid=False)
    else:
        op.create_table(new, *columns, sa.UniqueConstraint("case_id", dict(KEYED)[table]))
    rest = ", ".join("json(items)" if keyed and n == "items" else n for n in names[1:])
    if keyed:
        key = f"case_id, {dict(KEYED)[table]}"
        op.execute(f"INSERT INTO {new} ({', '.join(names)}) SELECT id, {rest} FROM {table} ORDER BY {key}")
    else:
        number = "row_number() OVER (ORDER BY case_id, id)"
        op.execute(f"INSERT INTO {new} ({', '.join(names)}) SELECT {number}, {rest} FROM {table}")
    op.execute(f"DROP TRIGGER IF EXISTS {table}_position")
    op.drop_table(table)
    op.rename_table(new, table)
    if keyed:
        op.execute(POSITION_TRIGGER.format(table=table, code=dict(KEYED)[table]))


def _rekey_postgresql(bind: sa.Connection, table: str, *, keyed: bool) -> None:
    code = dict(KEYED)[table]
    inspector = sa.inspect(bind)
    op.drop_constraint(inspector.get_pk_constraint(table)["name"] or f"{table}_pkey", table, type_="primary")
    if keyed:
        for unique in inspector.get_unique_constraints(table):
            if unique["column_names"] == ["case_id", code] and unique["name"]:
                op.drop_constraint(unique["name"], table, type_="unique")
        op.create_primary_key(f"{table}_pkey", table, ["case_id", code])
        op.alter_column(table, "id", existing_type=sa.Integer(), nullable=True)
    else:
        op.alter_column(table, "id", existing_type=sa.Integer(), nullable=False)
        op.create_primary_key(f"{table}_pkey", table, ["id"])
        op.create_unique_constraint(f"{table}_case_id_{code}_key", table, ["case_id", code])


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for table, _code in KEYED:
        if sqlite:
            _rebuild_sqlite(table, keyed=True)
        else:
            _rekey_postgresql(bind, table, keyed=True)
    op.drop_index("ix_audit_event_case_at", table_name="audit_event")
    op.create_index("ix_audit_event_case_id", "audit_event", ["case_id"])
    op.drop_index("ix_case_created_at", table_name="case")
    op.create_index(
        "ix_case_created_undecided", "case", ["created_at"], sqlite_where=UNDECIDED, postgresql_where=UNDECIDED
    )
    if sqlite:
        op.execute(
            "UPDATE outbox SET payload = json_remove(payload, '$.attachments') WHERE status = 'sent'"
            " AND json_extract(payload, '$.compacted') AND json_array_length(payload, '$.attachments') = 0"
        )
    else:
        op.execute(
            "UPDATE outbox SET payload = (payload::jsonb - 'attachments')::json WHERE status = 'sent'"
            " AND payload->>'compacted' = 'true' AND json_array_length(payload->'attachments') = 0"
        )
    if sqlite:
        op.execute("PRAGMA analysis_limit=1000")
    op.execute("ANALYZE")


def _unpack_forms(bind: sa.Connection) -> None:
    """Packed answers and values back to JSON text (desktop.store.json_columns packs them with zlib)."""
    last = 0
    while True:
        rows = bind.exec_driver_sql(
            'SELECT rowid, answers, "values" FROM "case" WHERE rowid > ? ORDER BY rowid LIMIT ?', (last, UNPACK_BATCH)
        ).all()
        if not rows:
            return
        packed = [(a, v, r) for r, a, v in rows if isinstance(a, bytes) or isinstance(v, bytes)]
        if packed:
            bind.exec_driver_sql(
                'UPDATE "case" SET answers = ?, "values" = ? WHERE rowid = ?',
                [(_text(a), _text(v), r) for a, v, r in packed],
            )
        last = rows[-1][0]


def _text(stored: str | bytes) -> str:
    return zlib.decompress(stored).decode() if isinstance(stored, bytes) else stored


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _unpack_forms(bind)
    op.drop_index("ix_case_created_undecided", table_name="case")
    op.create_index("ix_case_created_at", "case", ["created_at"])
    op.drop_index("ix_audit_event_case_id", table_name="audit_event")
    op.create_index("ix_audit_event_case_at", "audit_event", ["case_id", "at"])
    for table, _code in KEYED:
        if sqlite:
            _rebuild_sqlite(table, keyed=False)
        else:
            _rekey_postgresql(bind, table, keyed=False)
