import json
import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import WINDOW_3
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from desktop.cases.states import CaseState
from desktop.store.db import open_engine
from desktop.store.migrate import current_revision, head_revision, migrate
from desktop.store.models import STORE_TABLES
from desktop.store.repo import Store

CASE_IDS = [uuid.uuid4() for _ in range(3)]


def seed_revision_0001(path: Path) -> None:
    """Rows written with plain SQL, the way version 0001 of the app wrote them."""
    engine = open_engine(path)
    migrate(engine, "0001")
    with engine.begin() as conn:
        for n, case_id in enumerate(CASE_IDS, start=1):
            row = {
                "id": case_id.hex,
                "number": f"N{n}",
                "query_code": "123456",
                "bundle_code": "birth",
                "catalog_version": "2026.1",
                "state": "queued",
                "decision": "accept",
                "revision": 1,
                "answers": json.dumps({"q": "a"}),
                "values": json.dumps({"applicant.address": {"division": "210102", "detail": "中山路1号"}}),
                "applicant_name": "张三",
                "applicant_id": "11010519491231002X",
                "center_name": "和平区政务服务中心",
                "division_code": "210102000",
                "window_code": "03",
                "clerk": "王芳",
                "reason": None,
                "created_at": "2026-11-28 02:00:00",
                "updated_at": "2026-11-28 02:00:00",
                "decided_at": "2026-11-28 02:00:00",
            }
            columns = ", ".join(f'"{c}"' for c in row)
            params = ", ".join(f":{c}" for c in row)
            conn.execute(text(f'INSERT INTO "case" ({columns}) VALUES ({params})'), row)
            conn.execute(
                text(
                    "INSERT INTO outbox (case_id, revision, payload, created_at, attempts, next_attempt_at, status)"
                    " VALUES (:id, 1, :payload, '2026-11-28 02:00:00', 0, '2026-11-28 02:00:00', 'pending')"
                ),
                {"id": case_id.hex, "payload": json.dumps({"n": n})},
            )
            conn.execute(
                text(
                    "INSERT INTO audit_event (case_id, at, actor, action, detail)"
                    " VALUES (:id, '2026-11-28 02:00:00', '王芳', 'decide', '{}')"
                ),
                {"id": case_id.hex},
            )
    assert current_revision(engine) == "0001"
    assert "platform_number" not in {c["name"] for c in inspect(engine).get_columns("outbox")}
    engine.dispose()


def test_upgrade_from_0001_keeps_every_row_and_the_new_schema_works(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    seed_revision_0001(path)
    store = Store(path)  # opening migrates to head
    assert current_revision(store.engine) == head_revision()
    for n, case_id in enumerate(CASE_IDS, start=1):
        detail = store.get(case_id)
        case = detail.case
        assert (case.number, case.state, case.applicant_name) == (f"N{n}", CaseState.QUEUED, "张三")
        # 0003: an item decided before outcomes were kept per item takes its case's decision
        assert {i.outcome for i in detail.items if i.applies} <= {case.decision}
        assert case.values["applicant.address"]["detail"] == "中山路1号"
        assert case.decided_at is not None and case.decided_at.tzinfo is not None
    entries = store.pending_outbox(store.clock.now())
    assert [e.payload for e in entries] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert len(store.audit_trail(CASE_IDS[0])) == 1
    store.mark_sent(entries[0].id or 0, "PLAT-0001")
    assert store.get(CASE_IDS[0]).case.state is CaseState.SYNCED
    with store.engine.connect() as conn:
        sent = conn.execute(text("SELECT platform_number FROM outbox WHERE id = :id"), {"id": entries[0].id})
        assert sent.scalar() == "PLAT-0001"
    assert store.new_draft("birth", "2026.1", WINDOW_3).state is CaseState.DRAFT
    store.close()


def test_models_and_head_migration_agree(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "x.sqlite3")
    migrate(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    # other packages may put their own tables on SQLModel.metadata; any diff not clearly theirs counts
    ours = [d for d in diffs if _table_of(d) is None or _table_of(d) in STORE_TABLES]
    assert [d for d in ours if not _is_search_index(d)] == []


def _is_search_index(diff: object) -> bool:
    """The FTS5 table of migration 0005 and its shadow tables live outside the models."""
    return isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name.startswith("case_fts")


def test_model_drift_would_be_noticed(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "x.sqlite3")
    migrate(engine, "0001")
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert any(d[0] == "add_column" and d[3].name == "platform_number" for d in diffs if isinstance(d, tuple))


def _table_of(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff  # modify_* diffs come as lists of tuples
    assert isinstance(item, tuple)
    for part in item[1:]:
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if isinstance(part, str) and part in STORE_TABLES:
            return part
        if name in STORE_TABLES:
            return str(name)
    return None
