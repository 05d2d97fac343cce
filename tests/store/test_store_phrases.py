"""Migration 0008 (phrases): the texts rows repeat are kept once and the rows hold their ids. A store with cases in it
keeps every text exactly going from 0007 to 0008 and back; what is written afterwards reuses the phrases there are,
windows adding the same phrase at once get one row, and nothing above the store sees an id (SQLite; PostgreSQL with
``YISHI_TEST_PG_URL``)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import ANSWERS, ITEMS, NOON_UTC, VALUES, WINDOW_3
from old_tables import CASE, ITEM, MATERIAL
from sqlmodel import Session, select

from desktop.cases.clock import Clock
from desktop.cases.decisions import ItemEntry, MaterialEntry, MaterialStatus, plan_outcomes
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.store import cases as store_cases
from desktop.store.db import open_engine
from desktop.store.fallback import relay_offline
from desktop.store.migrate import current_revision, downgrade, head_revision, migrate
from desktop.store.models import Case, MaterialRecord
from desktop.store.repo import Store

DECIDED, DRAFT = uuid.UUID(int=0xA1), uuid.UUID(int=0xB2)
AT = NOON_UTC.replace(tzinfo=None)  # stored naive, in UTC, as UTCDateTime writes it
HALL, TOWN = "和平区政务服务中心", "沈阳市和平区南湖街道便民服务中心"
MUST = "本一件事必办事项"
PAWN = "「典当行申请办理哪项事项？」答「变更名称或住所」"
FORM = "申请表（一表申请生成，申请人签字）"
# (id, case, code, text): ids interleave the cases and codes are not in alphabetical order, as a checklist is; the
# same text on several rows and cases, an empty reason, a name differing only by a trailing blank, a character
# outside the BMP
ITEM_ROWS = [
    (3, DECIDED, "MZ002", MUST), (4, DRAFT, "GA001", MUST), (5, DECIDED, "GA001", PAWN), (6, DRAFT, "RS003", ""),
    (7, DRAFT, "ZJ004", MUST),
]  # fmt: skip
MATERIAL_ROWS = [
    (7, DECIDED, "photo", FORM), (8, DRAFT, "id_card", "居民身份证"), (9, DECIDED, "id_card", "居民身份证"),
    (12, DECIDED, "hukou", "户口簿"), (13, DRAFT, "hukou", "户口簿 "), (14, DRAFT, "deed", "𠀋房产证明"),
]  # fmt: skip
CENTERS = {DECIDED: HALL, DRAFT: TOWN}


def seed_revision_0007(engine: sa.Engine) -> None:
    """Two cases of two centers (one decided, one draft) written as version 0007 of the app left them."""
    migrate(engine, "0007")
    with engine.begin() as conn:
        conn.execute(
            CASE.insert(),
            [
                {"id": c, "number": "2101020032611280007K" if c == DECIDED else None, "bundle_code": "birth",
                 "catalog_version": "2026.1", "state": "synced" if c == DECIDED else "draft",
                 "decision": "accept" if c == DECIDED else None, "revision": 1, "answers": ANSWERS, "values": VALUES,
                 "center_name": center, "division_code": "210102", "window_code": "03", "clerk": WINDOW_3.clerk,
                 "created_at": AT, "updated_at": AT, "decided_at": AT if c == DECIDED else None}
                for c, center in CENTERS.items()
            ],
        )  # fmt: skip
        conn.execute(
            ITEM.insert(),
            [
                {"id": i, "case_id": c, "item_code": code, "applies": bool(reason), "reason": reason,
                 "department": code[:2], "promised_days": 5, "promised_date": date(2026, 12, 5), "estimated": False,
                 "outcome": "accept" if c == DECIDED else None}
                for i, c, code, reason in ITEM_ROWS
            ],
        )  # fmt: skip
        conn.execute(
            MATERIAL.insert(),
            [
                {"id": i, "case_id": c, "material_code": code, "name": name, "status": "checked", "copies": 1,
                 "items": ["GA001"]}
                for i, c, code, name in MATERIAL_ROWS
            ],
        )  # fmt: skip
    assert current_revision(engine) == "0007"


def expected(rows: list[tuple[int, uuid.UUID, str, str]], case_id: uuid.UUID) -> list[tuple[str, str]]:
    """(code, text) of a case's rows in their place's order."""
    return [(code, text) for _i, c, code, text in sorted(rows, key=lambda r: r[0]) if c == case_id]


@pytest.fixture
def upgraded(target: str | Path, tmp_path: Path) -> Iterator[Store]:
    """A 0007 store with cases in it, opened (and so migrated) by this build."""
    engine = open_engine(target)
    seed_revision_0007(engine)
    engine.dispose()
    store = Store(target, clock=Clock(), local_dir=tmp_path / "local")
    yield store
    store.close()


def phrases(store: Store) -> list[tuple[int, str]]:
    with store.engine.connect() as conn:
        return [(i, t) for i, t in conn.execute(sa.text("SELECT id, text FROM phrase ORDER BY id"))]


def column_names(store: Store, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(store.engine).get_columns(table)}


def test_upgrading_to_0008_keeps_every_text_of_every_row_in_its_case_and_order(upgraded: Store) -> None:
    assert current_revision(upgraded.engine) == head_revision()
    for case_id in (DECIDED, DRAFT):
        detail = upgraded.get(case_id)
        assert detail.case.center_name == CENTERS[case_id]
        assert [(i.item_code, i.reason) for i in detail.items] == expected(ITEM_ROWS, case_id)
        assert [(m.material_code, m.name) for m in detail.materials] == expected(MATERIAL_ROWS, case_id)
    decided = upgraded.get(DECIDED)
    assert [i.id for i in decided.items] == [3, 5] and [m.id for m in decided.materials] == [7, 9, 12]  # places kept
    assert decided.items[1].promised_date == date(2026, 12, 5) and decided.case.values == VALUES


def test_each_text_is_kept_once_the_most_used_first_and_rows_hold_its_id(upgraded: Store) -> None:
    used = Counter([t for *_, t in ITEM_ROWS] + [t for *_, t in MATERIAL_ROWS] + list(CENTERS.values()))
    kept = phrases(upgraded)
    assert sorted(t for _i, t in kept) == sorted(used)  # each once, exactly as written ("户口簿 " is not "户口簿")
    assert kept[0] == (1, MUST) and used[kept[1][1]] == 2  # numbered by use: one byte for the common ones on SQLite
    for table, text in (("material_record", "name"), ("case_item", "reason"), ("case", "center_name")):
        assert {text, f"{text}_id"} & column_names(upgraded, table) == {f"{text}_id"}
    ids = {t: i for i, t in kept}
    with upgraded.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT name_id FROM material_record ORDER BY id")).scalars().all()
        centers: dict[Any, int] = dict(conn.execute(sa.text('SELECT id, center_name_id FROM "case"')).all())
    assert stored == [ids[name] for _i, _c, _code, name in MATERIAL_ROWS]
    assert {(uuid.UUID(bytes=c) if isinstance(c, bytes) else uuid.UUID(str(c))): i for c, i in centers.items()} == {
        c: ids[t] for c, t in CENTERS.items()
    }


def test_cases_written_after_the_upgrade_reuse_the_phrases_there_are(upgraded: Store, target: str | Path) -> None:
    before = phrases(upgraded)
    town = Profile(TOWN, "210102004", "21", "测试员")
    checklist = [
        MaterialEntry("id_card", "居民身份证", MaterialStatus.CHECKED, 1, None, ["GA001"]),
        MaterialEntry("new_form", "新增材料（复印件）", MaterialStatus.CHECKED, 1, None, ["GA001"]),
    ]
    items = [ItemEntry("GA001", True, "GA", PAWN, 5, date(2026, 12, 7)), ItemEntry("MZ002", False, "MZ", MUST)]
    draft = upgraded.new_draft("birth", "2026.1", town)
    upgraded.decide(
        draft.id, Decision.ACCEPT, answers=ANSWERS, values=VALUES,
        items=plan_outcomes(Decision.ACCEPT, items, checklist), materials=checklist, profile=town,
    )  # fmt: skip
    after = phrases(upgraded)
    assert after[: len(before)] == before and [t for _i, t in after[len(before) :]] == ["新增材料（复印件）"]
    detail = upgraded.get(draft.id)
    assert detail.case.center_name == TOWN and [m.name for m in detail.materials] == [
        "居民身份证",
        "新增材料（复印件）",
    ]
    assert [i.reason for i in detail.items] == [PAWN, MUST]
    again = Store(target, clock=Clock(), local_dir=upgraded.path.parent)  # another window: nothing in memory yet
    try:
        other = again.new_draft("birth", "2026.1", town)
        again.save_draft(other.id, ANSWERS, VALUES, checklist)
        assert phrases(again) == after and [m.name for m in again.get(other.id).materials] == [
            m.name for m in checklist
        ]
    finally:
        again.close()


def test_downgrading_to_0007_writes_every_text_back(upgraded: Store) -> None:
    later = upgraded.new_draft("birth", "2026.1", Profile("铁西区政务服务中心", "210106", "05", "张敏"))
    upgraded.save_draft(later.id, ANSWERS, VALUES, [MaterialEntry("x", "新材料", MaterialStatus.CHECKED, 1, None, [])])
    engine = upgraded.engine
    downgrade(engine, "0007")
    assert current_revision(engine) == "0007"
    assert "phrase" not in sa.inspect(engine).get_table_names()
    with engine.connect() as conn:
        items = conn.execute(sa.select(ITEM.c.id, ITEM.c.case_id, ITEM.c.item_code, ITEM.c.reason)).all()
        materials_ = conn.execute(
            sa.select(MATERIAL.c.id, MATERIAL.c.case_id, MATERIAL.c.material_code, MATERIAL.c.name)
        ).all()
        centers = dict(conn.execute(sa.select(CASE.c.id, CASE.c.center_name)).all())
    assert sorted(items) == sorted(ITEM_ROWS)
    assert sorted(r for r in materials_ if r[1] != later.id) == sorted(MATERIAL_ROWS)
    assert [(code, name) for _i, c, code, name in materials_ if c == later.id] == [("x", "新材料")]
    assert centers == CENTERS | {later.id: "铁西区政务服务中心"}
    with engine.begin() as conn:  # rows written as 0007 wrote them still take their place in the case
        conn.execute(MATERIAL.insert(), {"case_id": DRAFT, "material_code": "z", "name": "后补", "status": "checked",
                                         "copies": 1, "items": []})  # fmt: skip
        place = conn.execute(sa.select(MATERIAL.c.id).where(MATERIAL.c.material_code == "z")).scalar()
    assert place is not None and (engine.dialect.name != "sqlite" or place == 15)  # SQLite: after the case's last


def test_windows_adding_the_same_new_phrases_at_once_get_one_row_each_and_the_same_ids(
    any_store: Store, target: str | Path, tmp_path: Path
) -> None:
    texts = [f"同时新增的材料{n}" for n in range(20)]
    stores = [any_store, Store(target, clock=Clock(), local_dir=tmp_path / "w2")]
    start = threading.Barrier(len(stores))
    got: list[dict[str, int]] = []

    def add(store: Store) -> None:
        start.wait()
        ids = store.phrases.ids(texts)
        got.append({t: ids[t] for t in texts})

    try:
        threads = [threading.Thread(target=add, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stores[1].close()
    assert len(got) == 2 and got[0] == got[1]
    assert sorted(t for _i, t in phrases(any_store)) == sorted(texts)
    assert dict(phrases(any_store)) == {i: t for t, i in got[0].items()}


def test_a_failed_decision_leaves_the_store_no_id_that_names_nothing(
    any_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite gives the id of a rolled-back row out again: a remembered id must be one the store committed."""
    new = MaterialEntry("m_new", "只在失败的受理里出现的材料", MaterialStatus.CHECKED, 1, None, ["GA001"])
    draft = any_store.new_draft("birth", "2026.1", WINDOW_3)

    def explode(*_: object) -> dict[str, object]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_cases, "case_payload", explode)
    with pytest.raises(RuntimeError):
        any_store.decide(
            draft.id, Decision.ACCEPT, answers=ANSWERS, values=VALUES,
            items=plan_outcomes(Decision.ACCEPT, ITEMS, [new]), materials=[new], profile=WINDOW_3,
        )  # fmt: skip
    monkeypatch.undo()
    assert any_store.get(draft.id).materials == []  # the decision left nothing behind
    other = Profile("某街道便民服务中心", "210102005", "07", "赵敏")
    any_store.new_draft("birth", "2026.1", other)  # a phrase added after the failure: its own id
    stored = {t: i for i, t in phrases(any_store)}
    remembered = any_store.phrases.ids([new.name, other.center_name])
    assert remembered[new.name] == stored[new.name] and remembered[other.center_name] == stored[other.center_name]
    any_store.decide(
        draft.id, Decision.ACCEPT, answers=ANSWERS, values=VALUES,
        items=plan_outcomes(Decision.ACCEPT, ITEMS, [new]), materials=[new], profile=WINDOW_3,
    )  # fmt: skip
    assert [m.name for m in any_store.get(draft.id).materials] == [new.name]


def test_a_phrase_is_read_with_its_row_and_cannot_be_set_on_it(any_store: Store) -> None:
    draft = any_store.new_draft("birth", "2026.1", WINDOW_3)
    any_store.save_draft(draft.id, ANSWERS, VALUES, [MaterialEntry("m0", FORM, MaterialStatus.CHECKED, 1, None, [])])
    with Session(any_store.engine) as session:
        record = session.exec(select(MaterialRecord)).one()
        case = session.get_one(Case, draft.id)
    assert (record.name, case.center_name) == (FORM, WINDOW_3.center_name)  # loaded by a session, read after it closed
    with pytest.raises(ValueError, match="name"):  # it would never be written: the row holds the phrase's id
        record.name = "改过的名称"  # type: ignore[misc]
    assert any_store.get(draft.id).materials[0].name == FORM


def test_a_relayed_case_keeps_its_texts_where_the_center_numbers_phrases_otherwise(
    target: str | Path, tmp_path: Path
) -> None:
    offline = Store(tmp_path / "offline.sqlite3", clock=Clock())
    center = Store(target, clock=Clock(), local_dir=tmp_path / "center")
    try:
        center.phrases.ids([f"中心先有的短语{n}" for n in range(5)])  # the center numbers its phrases otherwise
        draft = offline.new_draft("birth", "2026.1", WINDOW_3)
        checklist = [MaterialEntry("m0", FORM, MaterialStatus.CHECKED, 1, None, ["GA001"])]
        offline.decide(
            draft.id, Decision.ACCEPT, answers=ANSWERS, values=VALUES,
            items=plan_outcomes(Decision.ACCEPT, ITEMS, checklist), materials=checklist, profile=WINDOW_3,
        )  # fmt: skip
        assert offline.phrases.ids([FORM])[FORM] != center.phrases.ids([FORM])[FORM]
        assert relay_offline(offline, center).relayed == [(draft.id, 1)]
        relayed, original = center.get(draft.id), offline.get(draft.id)
        assert relayed.case.center_name == WINDOW_3.center_name == original.case.center_name
        assert [m.name for m in relayed.materials] == [FORM]
        assert [i.reason for i in relayed.items] == [i.reason for i in original.items] == [i.reason for i in ITEMS]
    finally:
        center.close()
        offline.close()
