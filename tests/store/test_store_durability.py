import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ANSWERS, ITEMS, VALUES, WINDOW_3, materials
from sqlalchemy import text

from desktop.cases.decisions import MaterialStatus, plan_outcomes
from desktop.cases.states import CaseState, Decision
from desktop.paths import default_db_path
from desktop.store.db import durable, open_engine
from desktop.store.repo import Store


def test_engine_uses_wal_foreign_keys_and_normal_sync(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "deep" / "dir" / "x.sqlite3")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() > 0
    engine.dispose()


def test_durable_commit_is_visible_to_a_second_connection_and_sync_is_restored(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    engine = open_engine(path)
    with durable(engine) as session:
        assert session.connection().execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        session.connection().execute(text("CREATE TABLE t (v TEXT)"))
        session.connection().execute(text("INSERT INTO t VALUES ('receipt')"))
    other = sqlite3.connect(path)
    assert other.execute("SELECT v FROM t").fetchall() == [("receipt",)]
    other.close()
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1
    engine.dispose()


def test_decided_case_is_visible_to_a_plain_sqlite_connection(store: Store) -> None:
    draft = store.new_draft("birth", "2026.1", WINDOW_3)
    case = store.decide(
        draft.id,
        Decision.ACCEPT,
        answers=ANSWERS,
        values=VALUES,
        items=plan_outcomes(Decision.ACCEPT, ITEMS, []),
        materials=materials(MaterialStatus.RECEIVED),
        profile=WINDOW_3,
    )
    other = sqlite3.connect(store.path)
    assert other.execute('SELECT number, state FROM "case"').fetchall() == [(case.number, "queued")]
    other.close()


def test_drafts_survive_a_new_store_on_the_same_file(make_store: Callable[..., Store]) -> None:
    first = make_store()
    older = first.new_draft("birth", "2026.1", WINDOW_3)
    newer = first.new_draft("death", "2026.1", WINDOW_3)
    first.save_draft(older.id, ANSWERS, VALUES, materials(MaterialStatus.MISSING))
    first.save_draft(newer.id, {"q": "a"}, {"applicant.name": "李四"})
    first.close()
    second = make_store()
    drafts = second.drafts()
    assert [d.id for d in drafts] == [newer.id, older.id]
    assert drafts[0].applicant_name == "李四" and drafts[0].state is CaseState.DRAFT
    detail = second.get(older.id)
    assert detail.case.values == VALUES and detail.case.answers == ANSWERS
    assert [m.status for m in detail.materials] == [MaterialStatus.MISSING]


def test_default_db_path_honours_yishi_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("YISHI_DB", str(tmp_path / "here.sqlite3"))
    assert default_db_path() == tmp_path / "here.sqlite3"
    monkeypatch.delenv("YISHI_DB")
    assert default_db_path().name == "cases.sqlite3"
    assert "yishi" in str(default_db_path())
