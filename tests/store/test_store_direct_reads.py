"""Reads on the driver (desktop.store.direct) give exactly what SQLAlchemy gives, see every commit however long
their connection is kept, and let go of their connections when the store closes; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import ANSWERS, ITEMS, VALUES, WINDOW_3, WINDOW_4, materials
from sqlalchemy import bindparam, func, inspect, select
from sqlmodel import Session, col

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialStatus, plan_outcomes
from desktop.cases.profile import Profile
from desktop.cases.states import CaseState, Decision
from desktop.store.models import Case, OutboxEntry
from desktop.store.repo import Store
from desktop.store.rows import case_detail


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def decided(store: Store, profile: Profile = WINDOW_3, decision: Decision = Decision.DEFER) -> uuid.UUID:
    draft = store.new_draft("LNYJS001", "2026.1", profile)
    deferred = MaterialStatus.DEFERRED if decision is Decision.DEFER else MaterialStatus.CHECKED
    mats = materials(MaterialStatus.CHECKED, deferred)
    store.decide(
        draft.id,
        decision,
        answers=ANSWERS,
        values=VALUES | {"applicant.phone": "13900001111"},
        items=plan_outcomes(decision, ITEMS, mats),
        materials=mats,
        profile=profile,
    )
    return draft.id


def columns(row: Any) -> dict[str, Any]:
    """Every mapped column of the row: its table's, and the texts of its phrases (migration 0008)."""
    return {a.key: getattr(row, a.key) for a in inspect(type(row)).column_attrs}


def test_a_compiled_read_gives_what_sqlalchemy_gives(store: Store) -> None:
    """UUIDs, aware UTC instants, enums and JSON, and constants and bound values alike."""
    ids = [decided(store), decided(store, WINDOW_4, Decision.ACCEPT)]
    statement = (
        select(*Case.__table__.columns)  # type: ignore[attr-defined]
        .where(col(Case.state) != CaseState.DISCARDED, col(Case.window_code) == bindparam("window"))
        .order_by(col(Case.id))
    )
    with store.engine.connect() as conn:
        expected = [tuple(row) for row in conn.execute(statement, {"window": "03"})]
    got = store.reads.all(statement, {"window": "03"})
    assert got == expected and [row[0] for row in got] == [ids[0]]
    assert got[0][0].__class__ is uuid.UUID and got[0][list(Case.__table__.columns.keys()).index("created_at")].tzinfo  # type: ignore[attr-defined]


def test_opening_a_case_gives_what_a_session_loads(store: Store) -> None:
    case_id = decided(store)
    opened = store.get(case_id)
    with Session(store.engine) as session:
        loaded = case_detail(session, session.get_one(Case, case_id))
        expected = [[columns(r) for r in rows] for rows in ([loaded.case], loaded.items, loaded.materials)]
    assert [[columns(r) for r in rows] for rows in ([opened.case], opened.items, opened.materials)] == expected
    assert opened.case.state is CaseState.QUEUED and opened.materials[1].status is MaterialStatus.DEFERRED
    assert store.find_by_number(str(opened.case.number)) is not None


def test_a_statement_with_an_in_list_is_run_by_sqlalchemy(store: Store) -> None:
    decided(store)
    assert [r.bundle_code for r in store.list_cases(bundles=["LNYJS001", "LNYJS002"])] == ["LNYJS001"]
    assert store.list_cases(bundles=["LNYJS002"]) == []


def test_a_kept_connection_sees_what_another_window_commits_after_it_read(target: str | Path, tmp_path: Path) -> None:
    reader = Store(target, clock=Clock(), local_dir=tmp_path / "a")
    writer = Store(target, clock=Clock(), local_dir=tmp_path / "b")
    try:
        assert reader.list_cases() == [] and reader.outbox_figures().pending == 0
        case_id = decided(writer)
        assert [r.id for r in reader.list_cases()] == [case_id]
        assert reader.outbox_figures().pending == 1
        assert reader.get(case_id).case.number == writer.get(case_id).case.number
    finally:
        reader.close()
        writer.close()


def test_reads_from_several_threads_agree(store: Store) -> None:
    case_id = decided(store)
    seen: list[Any] = []

    def read() -> None:
        seen.append((store.get(case_id).case.number, len(store.pending_outbox(store.clock.now(), 10))))

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    number = store.get(case_id).case.number
    assert number and seen == [(number, 1)] * 3


@pytest.mark.postgres
def test_a_read_after_the_server_dropped_the_connection_reconnects(pg_url: str, tmp_path: Path) -> None:
    """A center's LAN or server restart breaks a kept connection: the next read goes on a new one, and writes
    still get transactions from the pool."""
    store = Store(pg_url, clock=Clock(), local_dir=tmp_path)
    try:
        case_id = decided(store)
        [(pid,)] = store.reads.all(select(func.pg_backend_pid()))
        with psycopg.connect(pg_url) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert [r.id for r in store.list_cases()] == [case_id]
        assert store.reads.all(select(func.pg_backend_pid())) != [(pid,)]
        assert decided(store) != case_id and store.outbox_figures().pending == 2
    finally:
        store.close()


def test_a_thread_that_ends_gives_its_connection_back(tmp_path: Path) -> None:
    """A worker pool's threads come and go: each kept connection goes back to the pool with its thread, so reads
    from a hundred short-lived threads never exhaust it."""
    store = Store(tmp_path / "cases.sqlite3", clock=Clock())
    try:
        decided(store)
        for _ in range(100):
            worker = threading.Thread(target=store.outbox_figures)
            worker.start()
            worker.join()
        assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        store.close()


def test_closing_the_store_lets_every_kept_connection_go(tmp_path: Path) -> None:
    """SQLite removes the write-ahead log when the last connection to the file closes."""
    path = tmp_path / "cases.sqlite3"
    store = Store(path, clock=Clock())
    decided(store)
    worker = threading.Thread(target=store.list_cases)
    worker.start()
    worker.join()
    store.outbox_figures()
    assert path.with_name(path.name + "-wal").exists()
    store.close()
    assert not path.with_name(path.name + "-wal").exists()


def test_pending_outbox_rows_hold_their_payloads(store: Store) -> None:
    case_id = decided(store)
    [entry] = store.pending_outbox(store.clock.now(), 10)
    assert isinstance(entry, OutboxEntry) and entry.case_id == case_id and entry.payload["id"] == str(case_id)
