"""Migration 0010 (scans on the platform): a store with scans in it going up reads every scan as not yet known to be
on the platform and then remembers what the platform acknowledged, per content; going down it keeps every scan row
and loses only that flag (SQLite: the table's text as it was). SQLite; PostgreSQL with ``YISHI_TEST_PG_URL``."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from conftest import NOON_UTC, WINDOW_3

from desktop.cases.clock import Clock
from desktop.store.db import open_engine
from desktop.store.migrate import MIGRATIONS_DIR, current_revision, downgrade, head_revision, migrate
from desktop.store.repo import Store

# found by its file name, so that renumbering the migration changes nothing here
MIGRATION = next(
    s for s in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions() if s.path.endswith("_scans_on_platform.py")
)
BEFORE = str(MIGRATION.down_revision)
ROW = ("case_id", "material_code", "sha256", "path", "size", "media_type", "added_at")


def _scans(store: Store, folder: Path) -> tuple[uuid.UUID, dict[str, str]]:
    """Two cases: an ID card scanned for both (one content, two rows) and a deed on the first. The first case, and
    name → sha256."""
    folder.mkdir(exist_ok=True)
    shas = {}
    first, second = (store.new_draft("LNYJS003", "2026.11.1", WINDOW_3).id for _ in range(2))
    for case_id, material, name in ((first, "id_card", "id"), (first, "deed", "deed"), (second, "id_card", "id")):
        path = folder / f"{name}.jpg"
        if not path.exists():
            path.write_bytes(name.encode() * 1000)
        shas[name] = store.add_attachment(case_id, material, path).sha256
    return first, shas


def _rows(engine: sa.Engine) -> list[tuple[Any, ...]]:
    """Every scan row as an older build reads it (the columns it knows), in id order."""
    table = sa.table("attachment", sa.column("id"), *(sa.column(c) for c in ROW))
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(table).order_by(table.c.id))]


def _columns(engine: sa.Engine) -> list[str]:
    return [c["name"] for c in sa.inspect(engine).get_columns("attachment")]


def _created(engine: sa.Engine) -> str | None:
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'attachment'").scalar())


def test_scans_of_an_older_store_go_up_unknown_then_remember_what_the_platform_acknowledged(
    target: str | Path, tmp_path: Path
) -> None:
    store = Store(target, clock=Clock(), local_dir=tmp_path / "local")
    try:
        _first, shas = _scans(store, tmp_path / "scans")
        downgrade(store.engine, BEFORE)
        kept = _rows(store.engine)
        added = sa.table("attachment", *(sa.column(c) for c in ROW))  # a scan an older build writes
        with store.engine.begin() as conn:
            conn.execute(
                added.insert(),
                {"case_id": kept[0][1], "material_code": "photo", "sha256": "ab" * 32, "path": "ab/" + "ab" * 32,
                 "size": 3, "media_type": "image/png", "added_at": NOON_UTC.replace(tzinfo=None)},
            )  # fmt: skip
        migrate(store.engine)
        assert current_revision(store.engine) == head_revision()
        assert _rows(store.engine)[:3] == kept and len(_rows(store.engine)) == 4
        assert store.scans_on_platform([*shas.values(), "ab" * 32]) == {}
        store.mark_on_platform(shas["id"], 999)  # not this content's size: nothing remembered
        assert store.scans_on_platform(shas.values()) == {}
        store.mark_on_platform(shas["id"], 2000)
        store.mark_on_platform("ab" * 32, 3)
        assert store.scans_on_platform([*shas.values(), "ab" * 32]) == {shas["id"]: 2000, "ab" * 32: 3}
        with store.engine.connect() as conn:  # every row of the content: both cases' ID card
            flags = conn.exec_driver_sql("SELECT sha256, on_platform FROM attachment ORDER BY id").all()
        assert [(sha, bool(on)) for sha, on in flags] == [
            (shas["id"], True), (shas["deed"], False), (shas["id"], True), ("ab" * 32, True),
        ]  # fmt: skip
        store.forget_on_platform([shas["id"]])
        assert store.scans_on_platform(shas.values()) == {}
        again = sa.select(sa.func.count()).select_from(sa.table("attachment")).where(sa.text("on_platform"))
        with store.engine.connect() as conn:
            assert conn.execute(again).scalar() == 1
    finally:
        store.close()


def test_going_down_keeps_every_scan_row_and_drops_only_the_flag(target: str | Path, tmp_path: Path) -> None:
    fresh = open_engine(tmp_path / "before.sqlite3")
    migrate(fresh, BEFORE)
    created_before = _created(fresh)
    fresh.dispose()
    store = Store(target, clock=Clock(), local_dir=tmp_path / "local")
    try:
        first, shas = _scans(store, tmp_path / "scans")
        store.mark_on_platform(shas["deed"], 4000)
        assert [a.on_platform for a in store.get(first).attachments] == [False, True]
        rows = _rows(store.engine)
        downgrade(store.engine, BEFORE)
        assert current_revision(store.engine) == BEFORE
        assert "on_platform" not in _columns(store.engine)
        assert _rows(store.engine) == rows
        if store.engine.dialect.name == "sqlite":
            assert _created(store.engine) == created_before
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        migrate(store.engine)  # and up again: the rows kept, the platform to be asked again
        assert _rows(store.engine) == rows
        assert store.scans_on_platform(shas.values()) == {}
        assert [a.on_platform for a in store.get(first).attachments] == [False, False]
    finally:
        store.close()
