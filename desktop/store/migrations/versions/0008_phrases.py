"""Phrases (issue 11): the texts rows repeat are kept once, in ``phrase``, and the rows hold their ids.

On a compacted store of 20,000 cases a case took 3,881 bytes; a fifth of it was the same few hundred texts written
out again and again:

- ``material_record.name``: 7.55 rows a case, 40.6 bytes each, the catalog's name of the material
  (申请表（一表申请生成，申请人签字）), 133 different ones;
- ``case_item.reason``: 3.98 rows a case, 74.6 bytes each, why the item applies (the situation answered:
  「典当行申请办理哪项事项？」答「变更名称或住所」, or 本一件事必办事项), repeated on every item of the case;
- ``case.center_name``: 48 bytes, the same on every case of a window.

Each becomes ``<column>_id``, the id of its ``phrase`` row (``id`` integer, ``text`` unique): one or two bytes on
SQLite, where the phrases are numbered most used first so that the common ones take one. The models read the text
with the row (desktop.store.models.PHRASES), so everything above the store still sees strings; writers give the
id (desktop.store.phrases, which keeps every phrase a store has met in memory: there are as many as the catalog
and the halls have, not one more per case). Left as text: ``case_item.department`` (a two-letter code, no larger
than an id) and ``case_item.outcome_reason`` (what a clerk types for a refused item: seldom the same twice, mostly
null).

- SQLite rebuilds ``case_item`` and ``material_record`` (WITHOUT ROWID since 0006) with the id where the text was,
  in key order, keeping each row's place and the triggers that number new ones. ``case`` is every other table's
  parent (dropping it would cascade), so it gains ``center_name_id`` by ADD COLUMN and loses ``center_name`` by
  DROP COLUMN (SQLite 3.35); a column SQLite adds that references another table may not be NOT NULL, so
  ``center_name_id`` is nullable on both engines, and the store always writes it.
- PostgreSQL adds each id column, fills it from ``phrase`` in one UPDATE, then drops the text column (the room the
  texts took is reused as the table is written, or given back by VACUUM FULL).

Going back down, every text is written back where its id was and ``phrase`` goes (SQLite's ``case.center_name``
comes back as the last column, with an empty default: ADD COLUMN NOT NULL needs one).

A store of 20,000 cases upgrades in about a second (SQLite), so a million take about a minute at the first start of
this build. The rebuilt tables leave free pages behind in a SQLite file until ``Store.vacuum()`` gives them back:
then a case takes 3,221 bytes instead of 3,881.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# table: (key code column, the text kept as a phrase)
KEYED = {"case_item": ("item_code", "reason"), "material_record": ("material_code", "name")}
CENTER = "center_name"
POSITION_TRIGGER = (  # as migration 0006 made it: a row written without a place gets the case's next one
    "CREATE TRIGGER {table}_position AFTER INSERT ON {table} WHEN new.id IS NULL BEGIN"
    " UPDATE {table} SET id = (SELECT coalesce(max(id), 0) + 1 FROM {table} WHERE case_id = new.case_id)"
    " WHERE case_id = new.case_id AND {code} = new.{code}; END"
)
# every text of the three columns, once, the most used first (SQLite stores ids up to 127 in one byte)
FILL_PHRASES = (
    "INSERT INTO phrase (text) SELECT text FROM ("
    " SELECT name AS text FROM material_record UNION ALL SELECT reason FROM case_item"
    ' UNION ALL SELECT center_name FROM "case") AS used GROUP BY text ORDER BY count(*) DESC, text'
)


def _columns(table: str, *, phrased: bool) -> list[sa.Column[Any]]:
    """``table``'s columns as 0008 leaves them (``phrased``: the text's phrase id in its place) or as 0007 did."""
    code, text = KEYED[table]
    head: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True, nullable=False),
        sa.Column(code, sa.String(), primary_key=True, nullable=False),
    ]
    said = (
        sa.Column(f"{text}_id", sa.Integer(), sa.ForeignKey("phrase.id"), nullable=False)
        if phrased
        else sa.Column(text, sa.String(), nullable=False)
    )
    if table == "case_item":
        return [
            *head,
            sa.Column("applies", sa.Boolean(), nullable=False),
            said,
            sa.Column("department", sa.String(), nullable=False),
            sa.Column("promised_days", sa.Integer(), nullable=True),
            sa.Column("promised_date", sa.Date(), nullable=True),
            sa.Column("estimated", sa.Boolean(), nullable=False),
            sa.Column("outcome", sa.String(32), nullable=True),
            sa.Column("outcome_reason", sa.String(), nullable=True),
        ]
    return [
        *head,
        said,
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
    ]


def _rebuild_sqlite(table: str, *, phrased: bool) -> None:
    """Copy ``table`` into its other shape in key order (its pages come out full), ids and places kept."""
    code, text = KEYED[table]
    columns = _columns(table, phrased=phrased)
    new = f"{table}_0008"
    op.create_table(new, *columns, sqlite_with_rowid=False)
    names = [c.name for c in columns]
    said = "p.id" if phrased else "p.text"
    values = ", ".join(said if name in (text, f"{text}_id") else f"t.{name}" for name in names)
    on = f"p.text = t.{text}" if phrased else f"p.id = t.{text}_id"
    op.execute(
        f"INSERT INTO {new} ({', '.join(names)}) SELECT {values} FROM {table} AS t JOIN phrase AS p ON {on}"
        f" ORDER BY t.case_id, t.{code}"
    )
    op.execute(f"DROP TRIGGER IF EXISTS {table}_position")
    op.drop_table(table)
    op.rename_table(new, table)
    op.execute(POSITION_TRIGGER.format(table=table, code=code))


def _phrase_postgresql(table: str, text: str, *, nullable: bool = False) -> None:
    """The text column of ``table`` becomes its phrase id (the foreign key checked once, after the UPDATE)."""
    op.add_column(table, sa.Column(f"{text}_id", sa.Integer(), nullable=True))
    op.execute(f'UPDATE "{table}" AS t SET {text}_id = p.id FROM phrase AS p WHERE p.text = t.{text}')
    if not nullable:
        op.alter_column(table, f"{text}_id", existing_type=sa.Integer(), nullable=False)
    op.drop_column(table, text)
    op.create_foreign_key(f"{table}_{text}_id_fkey", table, "phrase", [f"{text}_id"], ["id"])


def _unphrase_postgresql(table: str, text: str) -> None:
    op.add_column(table, sa.Column(text, sa.String(), nullable=True))
    op.execute(f'UPDATE "{table}" AS t SET {text} = p.text FROM phrase AS p WHERE p.id = t.{text}_id')
    op.alter_column(table, text, existing_type=sa.String(), nullable=False)
    op.drop_column(table, f"{text}_id")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "phrase",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.UniqueConstraint("text"),
    )
    op.execute(FILL_PHRASES)
    if not sqlite:
        for table, (_code, text) in KEYED.items():
            _phrase_postgresql(table, text)
        _phrase_postgresql("case", CENTER, nullable=True)
        op.execute('ANALYZE phrase, case_item, material_record, "case"')
        return
    for table in KEYED:
        _rebuild_sqlite(table, phrased=True)
    op.execute(f'ALTER TABLE "case" ADD COLUMN {CENTER}_id INTEGER REFERENCES phrase (id)')
    op.execute(f'UPDATE "case" SET {CENTER}_id = (SELECT id FROM phrase WHERE text = "case".{CENTER})')
    op.execute(f'ALTER TABLE "case" DROP COLUMN {CENTER}')
    op.execute("PRAGMA analysis_limit=1000")  # the planner's figures for the rebuilt tables, as 0006 left them
    for table in ("phrase", *KEYED):
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for table in KEYED:
            _rebuild_sqlite(table, phrased=False)
        op.execute(f"ALTER TABLE \"case\" ADD COLUMN {CENTER} VARCHAR NOT NULL DEFAULT ''")
        op.execute(f'UPDATE "case" SET {CENTER} = (SELECT text FROM phrase WHERE id = "case".{CENTER}_id)')
        op.execute(f'ALTER TABLE "case" DROP COLUMN {CENTER}_id')
    else:
        for table, (_code, text) in KEYED.items():
            _unphrase_postgresql(table, text)
        _unphrase_postgresql("case", CENTER)
    op.drop_table("phrase")
