"""Migration 0006 (store size): a store with cases in it keeps every row, in its order, going from 0005 to 0006;
items and materials are keyed by (case, code) with no second index beside them, and rows written afterwards are
numbered in their case's order; acknowledged payloads keep their hash, not an empty attachment list."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import ANSWERS, ITEMS, NOON_UTC, VALUES, WINDOW_3, materials
from old_tables import CASE, ITEM, MATERIAL
from old_tables import table as old_table

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialEntry, MaterialStatus, plan_outcomes
from desktop.cases.states import Decision
from desktop.store.db import open_engine
from desktop.store.migrate import current_revision, downgrade, head_revision, migrate
from desktop.store.models import MaterialRecord
from desktop.store.outbox import compact_payload
from desktop.store.repo import Store

DECIDED, DRAFT = uuid.UUID(int=0xA1), uuid.UUID(int=0xB2)
AT = NOON_UTC.replace(tzinfo=None)  # stored naive, in UTC, as UTCDateTime writes it
SHA = "ab" * 32
# (id, case, code, …): ids interleave the two cases and the codes are not in alphabetical order, as a checklist is
MATERIAL_ROWS = [(7, DECIDED, "photo"), (8, DRAFT, "id_card"), (9, DECIDED, "birth_cert"), (12, DECIDED, "hukou")]
ITEM_ROWS = [(3, DECIDED, "MZ002"), (4, DRAFT, "GA001"), (5, DECIDED, "GA001")]
OUTBOX_ROWS = [  # revision, status, payload
    (1, "sent", {"compacted": True, "schema": 1, "sha256": "cd" * 32, "bytes": 2521, "attachments": []}),
    (2, "sent", {"compacted": True, "schema": 1, "sha256": "ef" * 32, "bytes": 2600, "attachments": [SHA]}),
    (3, "pending", {"schema": 1, "id": str(DECIDED), "revision": 3, "attachments": []}),
]


AUDIT = old_table(
    "audit_event", ("case_id", sa.Uuid()), ("at", sa.DateTime()), ("actor", sa.String()), ("action", sa.String()),
    ("detail", sa.JSON()),
)  # fmt: skip
OUTBOX = old_table(
    "outbox", ("case_id", sa.Uuid()), ("revision", sa.Integer()), ("payload", sa.JSON()), ("created_at", sa.DateTime()),
    ("attempts", sa.Integer()), ("next_attempt_at", sa.DateTime()), ("status", sa.String()),
    ("platform_number", sa.String()),
)  # fmt: skip


def _case(case_id: uuid.UUID, *, decided: bool) -> dict[str, Any]:
    return {
        "id": case_id, "number": "2101020032611280007K" if decided else None,
        "query_code": "123456" if decided else None, "bundle_code": "birth", "catalog_version": "2026.1",
        "state": "synced" if decided else "draft", "decision": "accept" if decided else None, "revision": 3,
        "answers": ANSWERS, "values": VALUES, "applicant_name": "张三", "applicant_id": "11010519491231002X",
        "applicant_phone": "13812345678", "center_name": WINDOW_3.center_name, "division_code": "210102",
        "window_code": "03", "clerk": WINDOW_3.clerk, "created_at": AT, "updated_at": AT,
        "decided_at": AT if decided else None,
    }  # fmt: skip


def seed_revision_0005(engine: sa.Engine) -> None:
    """Two cases (one decided and sent, one draft) written as version 0005 of the app left them."""
    migrate(engine, "0005")
    with engine.begin() as conn:
        conn.execute(CASE.insert(), [_case(DECIDED, decided=True), _case(DRAFT, decided=False)])
        conn.execute(
            ITEM.insert(),
            [
                {"id": i, "case_id": c, "item_code": code, "applies": code == "GA001", "reason": f"理由{code}",
                 "department": code[:2], "promised_days": 5, "promised_date": date(2026, 12, 5), "estimated": False,
                 "outcome": "accept" if code == "GA001" and c == DECIDED else None}
                for i, c, code in ITEM_ROWS
            ],
        )  # fmt: skip
        conn.execute(
            MATERIAL.insert(),
            [
                {"id": i, "case_id": c, "material_code": code, "name": f"材料{code}", "status": "checked",
                 "copies": 1, "deadline": None, "items": ["GA001"]}
                for i, c, code in MATERIAL_ROWS
            ],
        )  # fmt: skip
        conn.execute(
            AUDIT.insert(),
            [
                {"case_id": c, "at": AT, "actor": WINDOW_3.clerk, "action": action, "detail": {"n": n}}
                for n, (c, action) in enumerate([(DECIDED, "draft"), (DRAFT, "draft"), (DECIDED, "decide")])
            ],
        )
        conn.execute(
            OUTBOX.insert(),
            [
                {"case_id": DECIDED, "revision": revision, "payload": payload, "created_at": AT, "attempts": 1,
                 "next_attempt_at": AT, "status": status, "platform_number": "LN-1" if status == "sent" else None}
                for revision, status, payload in OUTBOX_ROWS
            ],
        )  # fmt: skip
    assert current_revision(engine) == "0005"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    if request.param == "sqlite":
        yield tmp_path / "cases.sqlite3"
        return
    if not os.environ.get("YISHI_TEST_PG_URL"):
        pytest.skip("YISHI_TEST_PG_URL is not set")
    yield request.getfixturevalue("pg_url")


@pytest.fixture
def upgraded(target: str | Path, tmp_path: Path) -> Iterator[Store]:
    """A 0005 store with cases in it, opened (and so migrated) by this build."""
    engine = open_engine(target)
    seed_revision_0005(engine)
    engine.dispose()
    store = Store(target, clock=Clock(), local_dir=tmp_path)
    yield store
    store.close()


def places(store: Store, rows: list[Any], *, written_since: bool = True) -> None:
    """Rows are read in their place's order; SQLite numbers the places of rows written since 0006 1, 2, … in each
    case (rows from before keep their ids)."""
    ids = [r.id for r in rows]
    assert None not in ids and ids == sorted(ids)
    if written_since and store.engine.dialect.name == "sqlite":
        assert ids == list(range(1, len(rows) + 1))


def test_upgrading_to_0006_keeps_every_item_and_material_in_its_case_and_order(upgraded: Store) -> None:
    assert current_revision(upgraded.engine) == head_revision()
    decided, draft = upgraded.get(DECIDED), upgraded.get(DRAFT)
    assert [(m.material_code, m.name, m.status, m.copies, m.items) for m in decided.materials] == [
        ("photo", "材料photo", MaterialStatus.CHECKED, 1, ["GA001"]),
        ("birth_cert", "材料birth_cert", MaterialStatus.CHECKED, 1, ["GA001"]),
        ("hukou", "材料hukou", MaterialStatus.CHECKED, 1, ["GA001"]),
    ]
    assert [(i.item_code, i.applies, i.reason, i.outcome) for i in decided.items] == [
        ("MZ002", False, "理由MZ002", None),
        ("GA001", True, "理由GA001", Decision.ACCEPT),
    ]
    places(upgraded, decided.materials, written_since=False)
    places(upgraded, decided.items, written_since=False)
    assert [m.material_code for m in draft.materials] == ["id_card"]
    assert [i.item_code for i in draft.items] == ["GA001"]
    assert decided.items[1].promised_date == date(2026, 12, 5)
    assert [(e.action, e.detail) for e in upgraded.audit_trail(DECIDED)] == [("draft", {"n": 0}), ("decide", {"n": 2})]
    assert upgraded.get(DECIDED).case.values == VALUES


def test_upgrading_to_0006_drops_only_empty_attachment_lists_of_acknowledged_payloads(upgraded: Store) -> None:
    with upgraded.engine.connect() as conn:
        rows = conn.execute(sa.select(OUTBOX.c.revision, OUTBOX.c.payload).order_by(OUTBOX.c.revision)).all()
    first, second, pending = (payload for _revision, payload in rows)
    assert first == {"compacted": True, "schema": 1, "sha256": "cd" * 32, "bytes": 2521}
    assert second == OUTBOX_ROWS[1][2]
    assert pending == OUTBOX_ROWS[2][2]  # what still waits is sent whole, as queued
    assert compact_payload(pending) | {"sha256": "", "bytes": 0} == {
        "compacted": True, "schema": 1, "sha256": "", "bytes": 0,
    }  # fmt: skip


def test_rows_written_after_the_upgrade_are_numbered_in_the_order_given(upgraded: Store) -> None:
    checklist = [
        MaterialEntry(code, f"材料{code}", MaterialStatus.CHECKED, 1, None, ["GA001"])
        for code in ("zz_last_alphabetically", "aa_first", "mm_middle")
    ]
    upgraded.save_draft(DRAFT, ANSWERS, VALUES, checklist)
    draft = upgraded.get(DRAFT)
    assert [m.material_code for m in draft.materials] == ["zz_last_alphabetically", "aa_first", "mm_middle"]
    places(upgraded, draft.materials)
    upgraded.save_draft(DRAFT, ANSWERS, VALUES, checklist[::-1])
    again = upgraded.get(DRAFT).materials
    assert [m.material_code for m in again] == ["mm_middle", "aa_first", "zz_last_alphabetically"]
    places(upgraded, again)
    fresh = upgraded.new_draft("birth", "2026.1", WINDOW_3)
    mats = materials(MaterialStatus.CHECKED, MaterialStatus.DEFERRED, MaterialStatus.CHECKED)[::-1]
    upgraded.decide(
        fresh.id, Decision.DEFER, answers=ANSWERS, values=VALUES, items=plan_outcomes(Decision.DEFER, ITEMS, mats),
        materials=mats, profile=WINDOW_3,
    )  # fmt: skip
    detail = upgraded.get(fresh.id)
    assert [m.material_code for m in detail.materials] == ["m2", "m1", "m0"]
    assert [i.item_code for i in detail.items] == [i.item_code for i in ITEMS]
    places(upgraded, detail.materials)
    places(upgraded, detail.items)


def test_items_and_materials_are_their_own_index_on_sqlite(upgraded: Store) -> None:
    if upgraded.engine.dialect.name != "sqlite":
        pytest.skip("WITHOUT ROWID is SQLite's")
    with upgraded.engine.connect() as conn:
        tables: dict[str, str] = dict(
            conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all()
        )
        indexes = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('case_item', 'material_record')"
        ).all()
    for table in ("case_item", "material_record"):
        assert tables[table].rstrip().endswith("WITHOUT ROWID")
    assert indexes == []


def test_a_case_id_and_code_are_still_unique(upgraded: Store) -> None:
    again = {"case_id": DECIDED, "material_code": "photo", "name_id": upgraded.phrases.ids(["again"])["again"],
             "status": "checked", "copies": 1, "deadline": None, "items": []}  # fmt: skip
    with pytest.raises(sa.exc.IntegrityError), upgraded.engine.begin() as conn:  # the row as the store writes it now
        conn.execute(MaterialRecord.__table__.insert(), again)  # type: ignore[attr-defined]


def form_kinds(store: Store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql('SELECT typeof("values"), typeof(answers) FROM "case"')]


def test_forms_from_before_0006_read_as_they_are_until_the_maintenance_run_packs_them(upgraded: Store) -> None:
    if upgraded.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps its json type")
    assert form_kinds(upgraded) == [("text", "text"), ("text", "text")]  # the upgrade itself rewrites no form
    assert upgraded.get(DRAFT).case.values == VALUES and upgraded.get(DRAFT).case.answers == ANSWERS
    upgraded.compact_acknowledged()
    assert form_kinds(upgraded) == [("blob", "text"), ("blob", "text")]  # values packed; answers this short stay text
    assert upgraded.get(DRAFT).case.values == VALUES and upgraded.get(DECIDED).case.answers == ANSWERS
    upgraded.save_draft(DRAFT, ANSWERS | {"q": "问"}, VALUES | {"x": "中"})
    assert upgraded.get(DRAFT).case.answers == ANSWERS | {"q": "问"}
    assert upgraded.get(DRAFT).case.values == VALUES | {"x": "中"}


def test_downgrading_to_0005_gives_the_rows_back_in_their_old_shape(upgraded: Store) -> None:
    upgraded.compact_acknowledged()  # forms packed (SQLite): going down gives them back as JSON text
    engine = upgraded.engine
    downgrade(engine, "0005")
    assert current_revision(engine) == "0005"
    with engine.connect() as conn:
        materials_ = conn.execute(
            sa.select(MATERIAL.c.case_id, MATERIAL.c.material_code, MATERIAL.c["items"]).order_by(MATERIAL.c.id)
        ).all()
        forms = conn.execute(sa.select(CASE.c.id, CASE.c["values"]).order_by(CASE.c.id)).all()
    assert [(c, code) for c, code, _items in materials_ if c == DECIDED] == [
        (DECIDED, "photo"), (DECIDED, "birth_cert"), (DECIDED, "hukou"),
    ]  # fmt: skip
    assert {items == ["GA001"] for _c, _code, items in materials_} == {True}
    assert forms == [(DECIDED, VALUES), (DRAFT, VALUES)]
