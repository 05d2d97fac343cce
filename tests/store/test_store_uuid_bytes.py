"""The migration that keeps case ids in 16 bytes (issue 11): a store with cases in it, written as the app wrote it
before (SQLite: 32 hex characters), keeps every row, its order, its keys, indexes, triggers and foreign keys, its
search index and its audit chain going up; every id reads as the same ``uuid.UUID``; going down gives the hex text
and the schema back as they were. PostgreSQL keeps its native uuid: the migration runs there and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from conftest import NOON_UTC, WINDOW_3

from desktop.cases.clock import Clock
from desktop.cases.states import CaseState
from desktop.store.audit_log import GENESIS, AuditEntry, ChainHead, chain_rows
from desktop.store.db import open_engine
from desktop.store.migrate import MIGRATIONS_DIR, current_revision, downgrade, head_revision, migrate
from desktop.store.models import Case, OutboxStatus
from desktop.store.repo import Store

# found by its file name, so that renumbering the migration changes nothing here
MIGRATION = next(s for s in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions() if s.path.endswith("_uuid_bytes.py"))
BEFORE = str(MIGRATION.down_revision)
AT = NOON_UTC.replace(tzinfo=None)  # stored naive, in UTC, as UTCDateTime writes it
# three cases updated at the same instant, so the list orders them by id alone: A, C, B newest first
A = uuid.UUID("f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f")  # decided: items, materials, a scan, two revisions, a rating
B = uuid.UUID("0f1e2d3c-4b5a-4697-8879-a6b5c4d3e2f1")  # a draft
C = uuid.UUID("7a7a7a7a-0000-4000-8000-000000000001")  # decided, nothing else
GONE = uuid.UUID(int=1)  # deleted: the others' row ids start at 2, as a store's do after a delete
NUMBER = "210102003261128000701K"
UUID_COLUMNS = {
    "case": "id", "case_item": "case_id", "material_record": "case_id", "attachment": "case_id",
    "outbox": "case_id", "audit_event": "case_id", "rating": "case_id",
}  # fmt: skip
ITEM_ROWS = [(3, A, "MZ002"), (4, B, "GA001"), (5, A, "GA001")]  # (place, case, code): places interleave cases
MATERIAL_ROWS = [(7, A, "photo"), (8, B, "id_card"), (9, A, "birth_cert"), (12, A, "hukou")]
AUDIT = [  # (case, actor, action)
    (None, "system", "account_add"), (A, WINDOW_3.clerk, "draft"), (B, WINDOW_3.clerk, "draft"),
    (C, WINDOW_3.clerk, "decide"), (A, WINDOW_3.clerk, "decide"), (A, WINDOW_3.clerk, "rate"),
]  # fmt: skip
ENTRIES = [
    AuditEntry(case, NOON_UTC + timedelta(seconds=n), actor, action, {"n": n})
    for n, (case, actor, action) in enumerate(AUDIT)
]
CHAINED = chain_rows(ChainHead(0, None, GENESIS), ENTRIES)


def _table(name: str, *columns: tuple[str, Any]) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, t) for c, t in columns))


# the tables as the app wrote them before: ``sa.Uuid`` (SQLite: 32 hex characters; PostgreSQL: uuid)
OLD_ID = sa.Uuid()
CASE = _table(
    "case", ("id", OLD_ID), ("number", sa.String()), ("query_code", sa.String()), ("bundle_code", sa.String()),
    ("catalog_version", sa.String()), ("state", sa.String()), ("decision", sa.String()), ("revision", sa.Integer()),
    ("answers", sa.JSON()), ("values", sa.JSON()), ("applicant_name", sa.String()), ("applicant_id", sa.String()),
    ("applicant_phone", sa.String()), ("center_name_id", sa.Integer()), ("division_code", sa.String()),
    ("window_code", sa.String()), ("clerk", sa.String()), ("created_at", sa.DateTime()),
    ("updated_at", sa.DateTime()), ("decided_at", sa.DateTime()),
)  # fmt: skip
ITEM = _table(
    "case_item", ("id", sa.Integer()), ("case_id", OLD_ID), ("item_code", sa.String()), ("applies", sa.Boolean()),
    ("reason_id", sa.Integer()), ("department", sa.String()), ("estimated", sa.Boolean()), ("outcome", sa.String()),
)  # fmt: skip
MATERIAL = _table(
    "material_record", ("id", sa.Integer()), ("case_id", OLD_ID), ("material_code", sa.String()),
    ("name_id", sa.Integer()), ("status", sa.String()), ("copies", sa.Integer()), ("items", sa.JSON()),
)  # fmt: skip
ATTACHMENT = _table(
    "attachment", ("case_id", OLD_ID), ("material_code", sa.String()), ("sha256", sa.String()), ("path", sa.String()),
    ("size", sa.Integer()), ("media_type", sa.String()), ("added_at", sa.DateTime()),
)  # fmt: skip
OUTBOX = _table(
    "outbox", ("case_id", OLD_ID), ("revision", sa.Integer()), ("payload", sa.JSON()), ("created_at", sa.DateTime()),
    ("attempts", sa.Integer()), ("next_attempt_at", sa.DateTime()), ("status", sa.String()),
    ("platform_number", sa.String()),
)  # fmt: skip
AUDIT_EVENT = _table(
    "audit_event", ("id", sa.Integer()), ("case_id", OLD_ID), ("at", sa.DateTime()), ("actor", sa.String()),
    ("action", sa.String()), ("detail", sa.JSON()), ("hash", sa.LargeBinary()),
)  # fmt: skip
PHRASE = _table("phrase", ("id", sa.Integer()), ("text", sa.String()))  # the repeated texts (migration 0008)
PHRASES = [
    WINDOW_3.center_name,
    *{f"理由{code}": 0 for _p, _c, code in ITEM_ROWS},
    *(f"材料{code}" for _p, _c, code in MATERIAL_ROWS),
]
PHRASE_ID = {text: n for n, text in enumerate(PHRASES, start=1)}
RATING = _table(
    "rating", ("case_id", OLD_ID), ("level", sa.Integer()), ("note", sa.String()), ("clerk", sa.String()),
    ("rated_at", sa.DateTime()),
)  # fmt: skip


def _case(case_id: uuid.UUID, name: str, *, decided: bool) -> dict[str, Any]:
    return {
        "id": case_id, "number": (NUMBER if case_id == A else NUMBER[:-2] + "2K") if decided else None,
        "query_code": "123456" if decided else None, "bundle_code": "LNYJS001", "catalog_version": "2026.1",
        "state": "queued" if decided else "draft", "decision": "accept" if decided else None, "revision": 2,
        "answers": {"q": "a"}, "values": {"applicant.name": name}, "applicant_name": name,
        "applicant_id": "11010519491231002X", "applicant_phone": "13812345678",
        "center_name_id": PHRASE_ID[WINDOW_3.center_name], "division_code": "210102", "window_code": "03",
        "clerk": WINDOW_3.clerk, "created_at": AT,
        "updated_at": AT, "decided_at": AT if decided else None,
    }  # fmt: skip


def add_phrases(conn: sa.Connection) -> None:
    conn.execute(PHRASE.insert(), [{"id": n, "text": text} for text, n in PHRASE_ID.items()])


def seed(target: str | Path) -> None:
    """Three cases with every kind of row that names a case, written as the app wrote them before the migration."""
    engine = open_engine(target)
    migrate(engine, BEFORE)
    with engine.begin() as conn:
        add_phrases(conn)
        conn.execute(
            CASE.insert(),
            [_case(GONE, "王五", decided=False), _case(A, "欧阳娜娜", decided=True), _case(B, "张三", decided=False),
             _case(C, "李四", decided=True)],
        )  # fmt: skip
        conn.execute(sa.delete(CASE).where(CASE.c.id == GONE))
        conn.execute(
            ITEM.insert(),
            [
                {"id": place, "case_id": case, "item_code": code, "applies": True,
                 "reason_id": PHRASE_ID[f"理由{code}"], "department": code[:2], "estimated": False,
                 "outcome": "accept" if case == A else None}
                for place, case, code in ITEM_ROWS
            ],
        )  # fmt: skip
        conn.execute(
            MATERIAL.insert(),
            [
                {"id": place, "case_id": case, "material_code": code, "name_id": PHRASE_ID[f"材料{code}"],
                 "status": "checked", "copies": 1, "items": ["GA001"]}
                for place, case, code in MATERIAL_ROWS
            ],
        )  # fmt: skip
        conn.execute(
            ATTACHMENT.insert(),
            {"case_id": A, "material_code": "photo", "sha256": "ab" * 32, "path": "ab/" + "ab" * 32, "size": 3,
             "media_type": "image/png", "added_at": AT},
        )  # fmt: skip
        conn.execute(
            OUTBOX.insert(),
            [
                {"case_id": A, "revision": revision, "payload": {"revision": revision}, "created_at": AT,
                 "attempts": 0, "next_attempt_at": AT, "status": status, "platform_number": None}
                for revision, status in ((1, "sent"), (2, "pending"))
            ],
        )  # fmt: skip
        conn.execute(
            AUDIT_EVENT.insert(),
            [
                {"id": r.id, "case_id": e.case_id, "at": e.at.replace(tzinfo=None), "actor": e.actor,
                 "action": e.action, "detail": e.detail, "hash": bytes.fromhex(r.hash)}
                for e, r in zip(ENTRIES, CHAINED, strict=True)
            ],
        )  # fmt: skip
        conn.execute(RATING.insert(), {"case_id": A, "level": 5, "note": "", "clerk": WINDOW_3.clerk, "rated_at": AT})
    assert current_revision(engine) == BEFORE
    engine.dispose()


def sqlite_schema(engine: sa.Engine) -> set[tuple[str, str, str, str]]:
    """Every table, index and trigger of a SQLite store with its SQL (the planner's figures left out)."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"
        ).all()
    return {(kind, name, table, sql) for kind, name, table, sql in rows}


def stored_kinds(engine: sa.Engine) -> set[tuple[str, str, Any]]:
    """(table, SQLite's storage class, length) of every id a UUID column holds."""
    with engine.connect() as conn:
        return {
            (table, kind, length)
            for table, column in UUID_COLUMNS.items()
            for kind, length in conn.exec_driver_sql(
                f'SELECT typeof({column}), length({column}) FROM "{table}" WHERE {column} IS NOT NULL'
            ).all()
        }


@pytest.fixture
def seeded(target: str | Path) -> Iterator[tuple[str | Path, set[tuple[str, str, str, str]]]]:
    """The store seeded before the migration, and its SQLite schema then (empty on PostgreSQL)."""
    seed(target)
    engine = open_engine(target)
    yield target, sqlite_schema(engine) if engine.dialect.name == "sqlite" else set()
    engine.dispose()


@pytest.fixture
def upgraded(seeded: tuple[str | Path, Any], tmp_path: Path) -> Iterator[Store]:
    """The seeded store opened (and so migrated) by this build."""
    store = Store(seeded[0], clock=Clock(), local_dir=tmp_path / "local")
    yield store
    store.close()


def sqlite_only(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps its native uuid")


def test_every_row_reads_back_with_the_same_ids_in_the_same_order(upgraded: Store) -> None:
    assert current_revision(upgraded.engine) == head_revision()
    decided = upgraded.get(A)
    assert decided.case.id == A and decided.case.number == NUMBER and decided.case.state is CaseState.QUEUED
    assert [(i.case_id, i.item_code, i.id) for i in decided.items] == [(A, "MZ002", 3), (A, "GA001", 5)]
    assert [m.material_code for m in decided.materials] == ["photo", "birth_cert", "hukou"]
    assert [(a.case_id, a.material_code) for a in decided.attachments] == [(A, "photo")]
    assert [m.material_code for m in upgraded.get(B).materials] == ["id_card"]
    assert [c.id for c in upgraded.list_cases()] == [A, C, B]  # same instant: newest first by id
    first = upgraded.list_cases(limit=2)
    assert [c.id for c in upgraded.list_cases(after=(first[-1].updated_at, first[-1].id))] == [B]
    assert [(e.case_id, e.revision) for e in upgraded.pending_outbox(NOON_UTC + timedelta(days=1))] == [(A, 2)]
    assert upgraded.outbox_history({A})[A] == [(1, 1, OutboxStatus.SENT), (2, 2, OutboxStatus.PENDING)]
    rating = upgraded.rating_of(A)
    assert rating is not None and rating.case_id == A and rating.level == 5
    assert [e.action for e in upgraded.audit_trail(A)] == ["draft", "decide", "rate"]
    found = upgraded.find_by_number(NUMBER)
    assert found is not None and found.case.id == A


def test_the_search_index_still_finds_a_case_by_part_of_its_name(upgraded: Store) -> None:
    assert [c.id for c in upgraded.list_cases(text="欧阳娜")] == [A]  # SQLite: FTS5, keyed by the case's row id
    upgraded.save_draft(B, {"q": "a"}, {"applicant.name": "司马相如"})  # kept by the triggers made again
    assert [c.id for c in upgraded.list_cases(text="司马相")] == [B]
    assert upgraded.list_cases(text="张三") == []


def test_the_audit_chain_verifies_after_the_upgrade_and_grows_from_its_head(upgraded: Store) -> None:
    assert upgraded.verify_audit() == (len(ENTRIES), None)  # hashed on each id's text: unchanged
    assert upgraded.audit_head().hash == CHAINED[-1].hash
    upgraded.record(WINDOW_3.clerk, "reprint", {"document": "receipt"}, case_id=C)
    assert upgraded.verify_audit() == (len(ENTRIES) + 1, None)


def test_every_id_is_16_bytes_and_foreign_keys_hold_on_sqlite(upgraded: Store) -> None:
    sqlite_only(upgraded)
    assert stored_kinds(upgraded.engine) == {(table, "blob", 16) for table in UUID_COLUMNS}
    with upgraded.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]
        # the FTS index agrees with its content table, row id for row id ('integrity-check' raises otherwise)
        conn.exec_driver_sql("INSERT INTO case_fts(case_fts, rank) VALUES ('integrity-check', 1)")
        [(stored,)] = conn.exec_driver_sql('SELECT id FROM "case" WHERE number = ?', (NUMBER,)).all()
    assert stored == A.bytes


def test_the_schema_changes_only_in_the_uuid_columns_declared_type(
    seeded: tuple[str | Path, set[tuple[str, str, str, str]]], upgraded: Store
) -> None:
    sqlite_only(upgraded)
    downgrade(upgraded.engine, str(MIGRATION.revision))  # this migration's schema, not a later one's
    before, after = seeded[1], sqlite_schema(upgraded.engine)
    changed = before - after
    assert {name for _kind, name, _table, _sql in changed} == set(UUID_COLUMNS)  # the tables, nothing else
    retyped = {
        (k, n, t, sql.replace(f"{UUID_COLUMNS[n]} CHAR(32)", f"{UUID_COLUMNS[n]} BLOB")) for k, n, t, sql in changed
    }
    assert retyped == after - before  # every index, trigger, constraint, foreign key and WITHOUT ROWID kept
    assert {n for _k, n, _t, sql in after if "WITHOUT ROWID" in sql} >= {"case_item", "material_record"}


def test_foreign_keys_still_cascade_and_set_null(upgraded: Store) -> None:
    case = Case.__table__  # type: ignore[attr-defined]
    with upgraded.engine.begin() as conn:
        conn.execute(sa.delete(case).where(case.c.id == A))
    with upgraded.engine.connect() as conn:
        for table, column in UUID_COLUMNS.items():
            left = conn.execute(sa.text(f'SELECT count(*) FROM "{table}" WHERE {column} IS NOT NULL')).scalar()
            expected = {"case": 2, "case_item": 1, "material_record": 1, "audit_event": 2}.get(table, 0)
            assert (table, left) == (table, expected)
        orphaned = conn.execute(sa.text("SELECT count(*) FROM audit_event WHERE case_id IS NULL")).scalar()
    assert orphaned == 1 + 3  # the account's row, and A's three rows kept with no case


def test_rows_written_after_the_upgrade_are_numbered_and_found(upgraded: Store) -> None:
    draft = upgraded.new_draft("LNYJS001", "2026.1", WINDOW_3)
    assert upgraded.get(draft.id).case.id == draft.id
    assert upgraded.list_cases(limit=1)[0].id == draft.id
    upgraded.rate(C, 4, actor=WINDOW_3.clerk)
    rating = upgraded.rating_of(C)
    assert rating is not None and rating.case_id == C
    assert upgraded.verify_audit()[1] is None


def test_downgrading_gives_back_the_hex_text_and_the_schema_as_it_was(
    seeded: tuple[str | Path, set[tuple[str, str, str, str]]], upgraded: Store
) -> None:
    engine = upgraded.engine
    downgrade(engine, BEFORE)
    assert current_revision(engine) == BEFORE
    with engine.connect() as conn:  # read as the app read them before: the same ids
        assert [r.id for r in conn.execute(sa.select(CASE.c.id).order_by(CASE.c.id))] == [B, C, A]
        assert [(r.case_id, r.item_code) for r in conn.execute(sa.select(ITEM).order_by(ITEM.c.id))] == [
            (case, code) for _place, case, code in ITEM_ROWS
        ]
        assert conn.execute(sa.select(RATING.c.case_id)).scalar() == A
        stored = conn.execute(sa.text('SELECT id FROM "case" WHERE number = :n'), {"n": NUMBER}).scalar()
    if engine.dialect.name == "sqlite":
        assert stored == A.hex
        assert stored_kinds(engine) == {(table, "text", 32) for table in UUID_COLUMNS}
        assert sqlite_schema(engine) == seeded[1]
    migrate(engine)  # and up again: the same store
    assert upgraded.verify_audit() == (len(ENTRIES), None)
    assert [c.id for c in upgraded.list_cases()] == [A, C, B]


def test_postgresql_keeps_its_native_uuid(upgraded: Store) -> None:
    if upgraded.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no uuid type")
    with upgraded.engine.connect() as conn:
        kinds = {
            (table, conn.execute(
                sa.text("SELECT data_type FROM information_schema.columns WHERE table_name = :t AND column_name = :c"),
                {"t": table, "c": column},
            ).scalar())
            for table, column in UUID_COLUMNS.items()
        }  # fmt: skip
    assert kinds == {(table, "uuid") for table in UUID_COLUMNS}


def test_an_id_that_is_not_a_uuid_is_kept_as_it_is(tmp_path: Path) -> None:
    """Only an edit behind the store's back makes one: the upgrade keeps it (and its foreign keys) rather than fail."""
    engine = open_engine(tmp_path / "cases.sqlite3")
    migrate(engine, BEFORE)
    with engine.begin() as conn:
        add_phrases(conn)
        conn.execute(CASE.insert(), _case(A, "王五", decided=False))
        conn.exec_driver_sql("UPDATE \"case\" SET id = 'typed-by-hand'")
        conn.exec_driver_sql(
            "INSERT INTO outbox (case_id, revision, payload, created_at, attempts, next_attempt_at, status)"
            " VALUES ('typed-by-hand', 1, '{}', '2026-11-28 02:00:00', 0, '2026-11-28 02:00:00', 'pending')"
        )
    migrate(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql('SELECT id FROM "case"').scalar() == "typed-by-hand"
        assert conn.exec_driver_sql("SELECT case_id FROM outbox").scalar() == "typed-by-hand"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    engine.dispose()


def test_a_store_made_by_this_build_keeps_ids_in_16_bytes(any_store: Store) -> None:
    draft = any_store.new_draft("LNYJS001", "2026.1", WINDOW_3)
    any_store.save_draft(draft.id, {"q": "a"}, {"applicant.name": "赵六"})
    assert any_store.get(draft.id).case.values == {"applicant.name": "赵六"}
    if any_store.engine.dialect.name == "sqlite":
        with any_store.engine.connect() as conn:
            assert conn.exec_driver_sql('SELECT id FROM "case"').scalar() == draft.id.bytes
    assert any_store.list_cases(limit=1)[0].id == draft.id


@pytest.mark.parametrize(
    ("table", "why"),
    [
        ('CREATE TABLE note (case_id CHAR(32) REFERENCES "case" (id), text VARCHAR)', r"note\.case_id is declared"),
        ("CREATE TABLE receipt (outbox_id INTEGER REFERENCES outbox (id))", "receipt refers to outbox"),
    ],
)
def test_a_table_the_migration_does_not_know_stops_it_and_changes_nothing(tmp_path: Path, table: str, why: str) -> None:
    engine = open_engine(tmp_path / "cases.sqlite3")
    migrate(engine, BEFORE)
    with engine.begin() as conn:
        conn.exec_driver_sql(table)
        add_phrases(conn)
        conn.execute(CASE.insert(), _case(A, "王五", decided=False))
    with pytest.raises(RuntimeError, match=why):
        migrate(engine)
    assert current_revision(engine) == BEFORE
    with engine.connect() as conn:
        assert conn.exec_driver_sql('SELECT typeof(id) FROM "case"').scalar() == "text"
    engine.dispose()
