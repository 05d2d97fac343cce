"""Migration 0007 (the audit chain in less room): a store with a chain in it keeps every hash going from 0006 to 0007
and back; each row keeps 32 bytes and no prev_hash, and a removed, edited, moved or inserted row still breaks the
chain (SQLite; PostgreSQL with ``YISHI_TEST_PG_URL``, each run on a database of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pg_server import fresh_database

from desktop.cases.clock import stepping_clock
from desktop.store.audit_log import GENESIS, AuditEntry, ChainHead, chain_rows
from desktop.store.db import open_engine
from desktop.store.migrate import current_revision, downgrade, head_revision, migrate
from desktop.store.repo import Store

AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
ACTIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("system", "account_add", {"username": "admin"}),
    ("admin", "login", {}),
    ("admin", "export_report", {"target": "D:/报表/十一月.xlsx", "n": 3}),
    ("system", "settings_change", {"key": "lock_after_minutes", "value": 15}),
    ("admin", "reprint", {"document": "receipt", "名": "值"}),
]
ENTRIES = [
    AuditEntry(None, AT + timedelta(seconds=n, microseconds=n), actor, action, detail)
    for n, (actor, action, detail) in enumerate(ACTIONS)
]
CHAINED = chain_rows(ChainHead(0, None, GENESIS), ENTRIES)
HASHES = [r.hash for r in CHAINED]
COLUMNS = (
    ("id", sa.Integer()), ("case_id", sa.Uuid()), ("at", sa.DateTime()), ("actor", sa.String()),
    ("action", sa.String()), ("detail", sa.JSON()),
)  # fmt: skip
OLD_AUDIT = sa.table(  # as 0006 left it
    "audit_event", *(sa.column(c, t) for c, t in (*COLUMNS, ("prev_hash", sa.String()), ("hash", sa.String())))
)
AUDIT = sa.table("audit_event", *(sa.column(c, t) for c, t in (*COLUMNS, ("hash", sa.LargeBinary()))))  # as 0007 does


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "cases.sqlite3")
        return
    with fresh_database("yishi_a") as url:
        yield url


def seed_revision_0006(target: str, hashes: list[str] = HASHES) -> None:
    """The chain of ENTRIES written as version 0006 of the app wrote it: hex hashes, each row's prev_hash."""
    engine = open_engine(target)
    migrate(engine, "0006")
    rows = [
        {"id": r.id, "case_id": e.case_id, "at": e.at.replace(tzinfo=None), "actor": e.actor, "action": e.action,
         "detail": e.detail, "prev_hash": prev, "hash": digest}
        for e, r, prev, digest in zip(ENTRIES, CHAINED, [GENESIS, *HASHES[:-1]], hashes, strict=True)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(OLD_AUDIT.insert(), rows)
    assert current_revision(engine) == "0006"
    engine.dispose()


def open_store(target: str, tmp_path: Path) -> Store:
    """The store opened (and so migrated) by this build."""
    return Store(target, clock=stepping_clock(AT + timedelta(hours=1)), local_dir=tmp_path / "local")


@pytest.fixture
def upgraded(target: str, tmp_path: Path) -> Iterator[Store]:
    seed_revision_0006(target)
    store = open_store(target, tmp_path)
    yield store
    store.close()


def stored_hashes(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT hash FROM audit_event ORDER BY id")).scalars())


def test_upgrading_to_0007_keeps_every_hash_and_the_chain_verifies(upgraded: Store) -> None:
    assert current_revision(upgraded.engine) == head_revision()
    assert upgraded.verify_audit() == (len(ENTRIES), None)
    assert [e.hash for e in reversed(upgraded.audit_events())] == HASHES  # shown as hex, as before
    assert upgraded.audit_head().as_payload() == {"count": 5, "last_id": 5, "hash": HASHES[-1]}  # what sync carries
    assert [bytes(h) for h in stored_hashes(upgraded)] == [bytes.fromhex(h) for h in HASHES]  # 32 bytes each
    assert "prev_hash" not in {c["name"] for c in sa.inspect(upgraded.engine).get_columns("audit_event")}
    upgraded.record("system", "settings_change", {"key": "store"})
    assert upgraded.verify_audit() == (len(ENTRIES) + 1, None)


def test_rows_written_after_the_upgrade_chain_onto_the_rows_from_before(upgraded: Store) -> None:
    upgraded.record("admin", "reprint", {"document": "receipt"})
    [newest] = upgraded.audit_events(limit=1)
    entry = AuditEntry(None, newest.at, "admin", "reprint", {"document": "receipt"})
    assert newest.hash == chain_rows(ChainHead(5, 5, HASHES[-1]), [entry])[0].hash


def test_downgrading_to_0006_gives_back_hex_hashes_and_each_rows_prev_hash(upgraded: Store) -> None:
    upgraded.record("system", "settings_change", {"key": "store"})
    hashes = [*HASHES, upgraded.audit_head().hash]
    engine = upgraded.engine
    downgrade(engine, "0006")
    assert current_revision(engine) == "0006"
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(OLD_AUDIT.c.id, OLD_AUDIT.c.prev_hash, OLD_AUDIT.c.hash, OLD_AUDIT.c.detail).order_by(
                OLD_AUDIT.c.id
            )
        ).all()
    assert [(r.id, r.prev_hash, r.hash) for r in rows] == list(
        zip(range(1, 7), [GENESIS, *hashes[:-1]], hashes, strict=True)
    )
    assert [r.detail for r in rows[:5]] == [e.detail for e in ENTRIES]
    migrate(engine)  # and up again: still one unbroken chain
    assert upgraded.verify_audit() == (6, None)


def test_a_hash_edited_to_something_not_hex_before_the_upgrade_still_breaks_the_chain(
    target: str, tmp_path: Path
) -> None:
    seed_revision_0006(target, [*HASHES[:2], "edited by hand", *HASHES[3:]])
    store = open_store(target, tmp_path)
    try:
        checked, broken = store.verify_audit()
        assert checked == 5 and broken is not None and broken.row_id == 3
        assert "does not match its hash" in broken.reason
    finally:
        store.close()


def tamper(store: Store, *statements: str) -> None:
    """Change the stored rows behind the store's back."""
    with store.engine.begin() as conn:
        for sql in statements:
            conn.execute(sa.text(sql))


def first_break(store: Store) -> tuple[int, str]:
    """The first broken row's id and why (the chain must be broken)."""
    _checked, broken = store.verify_audit()
    assert broken is not None
    return broken.row_id, broken.reason


def test_an_edited_row_is_caught_at_that_row(upgraded: Store) -> None:
    with upgraded.engine.begin() as conn:
        conn.execute(AUDIT.update().where(AUDIT.c.id == 3).values(detail={"target": "elsewhere", "n": 3}))
    row, reason = first_break(upgraded)
    assert row == 3 and "does not match its hash" in reason


def test_an_edited_row_given_a_matching_hash_is_caught_at_the_next_row(upgraded: Store) -> None:
    forged = replace_entry(2, detail={"target": "elsewhere", "n": 3})
    [rehashed] = chain_rows(ChainHead(2, 2, HASHES[1]), [forged])
    with upgraded.engine.begin() as conn:
        conn.execute(
            AUDIT.update().where(AUDIT.c.id == 3).values(detail=forged.detail, hash=bytes.fromhex(rehashed.hash))
        )
    row, reason = first_break(upgraded)
    assert row == 4 and "does not match its hash" in reason


def test_a_removed_row_is_caught_at_the_next_row(upgraded: Store) -> None:
    tamper(upgraded, "DELETE FROM audit_event WHERE id = 3")
    checked, broken = upgraded.verify_audit()
    assert checked == 4 and broken is not None and broken.row_id == 4
    assert broken.reason == "it does not follow on the row before it (row 3 removed)"


def test_a_removed_first_row_is_caught(upgraded: Store) -> None:
    tamper(upgraded, "DELETE FROM audit_event WHERE id = 1")
    row, reason = first_break(upgraded)
    assert row == 2 and "row 1 removed" in reason


def test_a_removed_row_whose_followers_are_renumbered_is_caught(upgraded: Store) -> None:
    tamper(
        upgraded,
        "DELETE FROM audit_event WHERE id = 3",
        "UPDATE audit_event SET id = id + 100 WHERE id > 3",  # two steps: ids stay unique row by row
        "UPDATE audit_event SET id = id - 101 WHERE id > 100",
    )
    row, reason = first_break(upgraded)
    assert row == 3 and "does not match its hash" in reason


def test_two_rows_swapped_are_caught(upgraded: Store) -> None:
    tamper(
        upgraded,
        "UPDATE audit_event SET id = 100 WHERE id = 2",
        "UPDATE audit_event SET id = 2 WHERE id = 3",
        "UPDATE audit_event SET id = 3 WHERE id = 100",
    )
    row, reason = first_break(upgraded)
    assert row == 2 and "does not match its hash" in reason


def test_an_inserted_row_is_caught_at_the_next_row(upgraded: Store) -> None:
    tamper(upgraded, "UPDATE audit_event SET id = id + 10 WHERE id >= 3")
    forged = replace_entry(2, action="forged")
    [chained] = chain_rows(ChainHead(2, 2, HASHES[1]), [forged])
    with upgraded.engine.begin() as conn:
        conn.execute(
            AUDIT.insert(),
            {"id": 3, "case_id": None, "at": forged.at.replace(tzinfo=None), "actor": forged.actor,
             "action": forged.action, "detail": forged.detail, "hash": bytes.fromhex(chained.hash)},
        )  # fmt: skip
    tamper(upgraded, "UPDATE audit_event SET id = id - 9 WHERE id >= 13")  # the rows after it: 4, 5, 6
    row, reason = first_break(upgraded)
    assert row == 4 and "does not match its hash" in reason


def replace_entry(index: int, **changes: Any) -> AuditEntry:
    return replace(ENTRIES[index], **changes)


def test_a_row_written_without_its_hash_breaks_the_chain_at_that_row(upgraded: Store) -> None:
    with upgraded.engine.begin() as conn:  # as plain SQL that leaves the chain out writes it
        conn.execute(
            AUDIT.insert(), {"id": 6, "at": AT.replace(tzinfo=None), "actor": "x", "action": "y", "detail": {}}
        )
    row, reason = first_break(upgraded)
    assert row == 6 and "does not match its hash" in reason
