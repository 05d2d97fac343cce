import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from hall_cases import decided, staff
from sqlalchemy import text

from desktop.cases.states import Decision
from desktop.entry import main
from desktop.services.hall import Hall
from desktop.store.audit_log import GENESIS, AuditEntry, ChainHead, chain_rows
from desktop.store.db import open_engine
from desktop.store.migrate import migrate
from desktop.store.models import AuditEvent
from desktop.store.repo import Store


def entry(event: AuditEvent) -> AuditEntry:
    return AuditEntry(event.case_id, event.at, event.actor, event.action, event.detail)


def verify(db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--db", str(db), "audit", "verify"])
    out = capsys.readouterr()
    return code, out.out + out.err


def busy_hall(hall: Hall) -> None:
    staff(hall)
    decided(hall, Decision.ACCEPT)
    decided(hall, Decision.NOTIFY, clerk="lq")
    hall.store.record("zhaom", "reprint", {"document": "receipt"})


def test_an_intact_chain_verifies(hall: Hall, capsys: pytest.CaptureFixture[str]) -> None:
    busy_hall(hall)
    checked, broken = hall.store.verify_audit()
    assert broken is None and checked == len(hall.store.audit_events())
    code, out = verify(hall.store.path, capsys)
    assert code == 0 and f"{checked} rows" in out and hall.store.audit_head().hash in out


def test_editing_one_row_in_the_sqlite_file_is_caught(hall: Hall, capsys: pytest.CaptureFixture[str]) -> None:
    busy_hall(hall)
    with sqlite3.connect(hall.store.path) as db:
        row_id, detail = db.execute("SELECT id, detail FROM audit_event WHERE action = 'decide' LIMIT 1").fetchone()
        edited = json.loads(detail) | {"decision": "reject"}
        db.execute("UPDATE audit_event SET detail = ? WHERE id = ?", (json.dumps(edited), row_id))
    code, out = verify(hall.store.path, capsys)
    assert code == 1
    assert out.strip() == (
        f"error: audit chain broken at row {row_id}: its content does not match its hash (the row was edited, or a row"
        " before it removed or moved)"
    )


def test_an_edit_that_rehashes_its_row_is_caught_at_the_next_row(
    hall: Hall, capsys: pytest.CaptureFixture[str]
) -> None:
    busy_hall(hall)
    with sqlite3.connect(hall.store.path) as db:
        db.execute("UPDATE audit_event SET hash = ? WHERE id = 3", (b"\xff" * 32,))
    code, out = verify(hall.store.path, capsys)
    assert code == 1 and "row 3:" in out  # its own hash no longer matches
    with sqlite3.connect(hall.store.path) as db:
        db.execute("DELETE FROM audit_event WHERE id = 3")
    code, out = verify(hall.store.path, capsys)
    assert code == 1 and "row 4: it does not follow on the row before it (row 3 removed)" in out


def test_revisions_carry_the_chain_head_to_the_platform(hall: Hall) -> None:
    staff(hall)
    case = decided(hall, Decision.ACCEPT)
    payload = hall.store.pending_outbox(hall.clock.now())[0].payload
    assert payload["id"] == str(case.id)
    head = payload["audit_head"]
    events = list(reversed(hall.store.audit_events()))
    queued_at = next(n for n, e in enumerate(events) if e.action == "queue")
    assert head == {"count": queued_at, "last_id": events[queued_at - 1].id, "hash": events[queued_at - 1].hash}


def test_the_migration_chains_rows_written_before_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.sqlite3"
    engine = open_engine(path)
    migrate(engine, "0003")
    with engine.begin() as conn:
        for n in range(3):
            conn.execute(
                text("INSERT INTO audit_event (case_id, at, actor, action, detail) VALUES (NULL, :at, '王芳', :a, :d)"),
                {"at": f"2026-11-28 02:00:0{n}.123456", "a": f"act{n}", "d": json.dumps({"n": n, "名": "值"})},
            )
    engine.dispose()
    store = Store(path)
    rows = list(reversed(store.audit_events()))
    assert [r.hash for r in rows] == [r.hash for r in chain_rows(ChainHead(0, None, GENESIS), map(entry, rows))]
    store.record("system", "settings_change", {"key": "lock_after_minutes"})
    store.close()
    assert verify(path, capsys)[0] == 0
    with sqlite3.connect(path) as db:
        db.execute("UPDATE audit_event SET at = '2026-11-28 02:00:01.123457' WHERE id = 2")
    code, out = verify(path, capsys)
    assert code == 1 and "row 2:" in out


def test_case_ids_in_the_canonical_form_are_the_uuid_text(hall: Hall) -> None:
    staff(hall)
    case = decided(hall, Decision.ACCEPT)
    with sqlite3.connect(hall.store.path) as db:
        stored = {r[0] for r in db.execute("SELECT case_id FROM audit_event WHERE case_id IS NOT NULL")}
    assert {str(uuid.UUID(bytes=s)) for s in stored} == {str(case.id)}  # stored as its 16 bytes (migration uuid_bytes)
    assert hall.store.verify_audit()[1] is None
