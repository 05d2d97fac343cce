"""What keeps a store of a million cases fast, checked on a small one: the planner's own account of each query the
window runs at start-up and on its screens (no whole-table scan), reports grouped in SQL, compacted payloads."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from conftest import ANSWERS, ITEMS, VALUES, WINDOW_3, WINDOW_4, Clock, materials
from sqlalchemy import Engine, event

from desktop.cases.decisions import MaterialStatus, plan_outcomes
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.store.repo import Store

BIG_TABLES = ("case", "case_item", "material_record", "audit_event", "outbox", "attachment")
# "SCAN t" reads the whole table; "SCAN t USING [COVERING] INDEX i" walks a whole index unless a LIMIT stops it
WHOLE = re.compile(r"\bSCAN (\w+)(?! USING)")
WALK = re.compile(r"\bSCAN (\w+) USING (?:COVERING )?INDEX")


def decide(store: Store, profile: Profile = WINDOW_3, decision: Decision = Decision.ACCEPT) -> Any:
    draft = store.new_draft("birth", "2026.1", profile)
    mats = materials(MaterialStatus.CHECKED)
    return store.decide(
        draft.id,
        decision,
        answers=ANSWERS,
        values=VALUES,
        items=plan_outcomes(decision, ITEMS, mats),
        materials=mats,
        profile=profile,
        reason="不属于受理范围" if decision is Decision.REJECT else None,
    )


@contextmanager
def statements() -> Iterator[list[tuple[str, Any]]]:
    """Every statement any engine runs inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def scans(store: Store, seen: list[tuple[str, Any]]) -> list[str]:
    """The reads among ``seen`` whose plan reads a big table whole (a walk of an index without a LIMIT counts)."""
    found = []
    raw = store.engine.raw_connection()
    try:
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            rows = raw.driver_connection.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = " | ".join(r[3] for r in rows)
            whole = [t for t in WHOLE.findall(plan) if t in BIG_TABLES]
            walked = [t for t in WALK.findall(plan) if t in BIG_TABLES and " LIMIT " not in statement.upper()]
            if whole or walked:
                found.append(f"{statement} -> {plan}")
    finally:
        raw.close()
    return found


def read_everything(store: Store, clock: Clock) -> list[Callable[[], Any]]:
    case = decide(store)
    return [
        store.drafts,
        store.outbox_figures,
        lambda: store.list_cases(limit=50),
        lambda: store.list_cases(limit=50, after=(case.updated_at, case.id)),
        lambda: store.list_cases(text=case.number),
        lambda: store.list_cases(text="11010519491231002X"),
        lambda: store.list_cases(text="13812345678"),
        lambda: store.list_cases(text="LNYJS001"),
        lambda: store.list_cases(text="张三"),
        lambda: store.list_cases(text="张三丰"),
        lambda: store.list_cases(day=clock.now.date()),
        lambda: store.day_summary(clock.now.date()),
        lambda: store.period_summary(clock.now.date() - timedelta(days=30), clock.now.date()),
        lambda: store.pending_outbox(clock.now, 50),
        lambda: store.get(case.id),
        lambda: store.find_by_number(case.number),
    ]


def test_start_up_and_every_screen_read_through_indexes_never_a_whole_table(
    make_store: Callable[..., Store], clock: Clock
) -> None:
    store = make_store()
    for n in range(40):
        decide(store, WINDOW_4 if n % 2 else WINDOW_3, Decision.REJECT if n % 5 == 0 else Decision.ACCEPT)
    store.analyze()
    reads = read_everything(store, clock)
    with store.engine.begin() as conn:  # the planner's statistics of a store of a million cases
        conn.exec_driver_sql(
            "UPDATE sqlite_stat1 SET stat = '1000000' || substr(stat, instr(stat || ' ', ' ')) WHERE tbl IN "
            "('case', 'case_item', 'material_record', 'audit_event', 'attachment')"
        )
        conn.exec_driver_sql(  # of which ~100 still wait for the platform (the partial index)
            "UPDATE sqlite_stat1 SET stat = CASE WHEN idx = 'ix_outbox_unsent' THEN '100 50 1' ELSE '1000000' ||"
            " substr(stat, instr(stat || ' ', ' ')) END WHERE tbl = 'outbox'"
        )
    store.close()
    with statements() as seen:
        store = make_store()  # start-up (new connections read the statistics): open, then what the window reads first
        store.drafts()
        store.outbox_figures()
        store.list_cases(limit=50)
    assert scans(store, seen) == []
    reads = read_everything(store, clock)
    with statements() as seen:
        for read in reads:
            read()
    assert scans(store, seen) == []


def test_a_whole_table_scan_would_be_noticed(make_store: Callable[..., Store]) -> None:
    store = make_store()
    with statements() as seen, store.engine.connect() as conn:
        conn.exec_driver_sql('SELECT count(*) FROM "case" WHERE clerk = ?', ("王芳",))
    assert len(scans(store, seen)) == 1


def test_reports_count_what_the_cases_say(store: Store, clock: Clock) -> None:
    kinds = [Decision.ACCEPT, Decision.ACCEPT, Decision.REJECT, Decision.ACCEPT]
    for n, kind in enumerate(kinds):
        decide(store, WINDOW_4 if n % 2 else WINDOW_3, kind)
    summary = store.day_summary(clock.now.date())
    assert summary.total == 4
    assert summary.by_decision == {"accept": 3, "reject": 1}
    assert summary.by_clerk == {WINDOW_3.clerk: 2, WINDOW_4.clerk: 2}
    assert summary.by_bundle == {"birth": 4}


def test_an_acknowledged_revision_keeps_its_hash_not_the_case(store: Store) -> None:
    case = decide(store)
    [entry] = store.pending_outbox(case.decided_at)
    assert entry.id is not None and "values" in entry.payload
    store.mark_sent(entry.id, "LN-1")
    with store.engine.connect() as conn:
        [(payload,)] = conn.exec_driver_sql("SELECT payload FROM outbox").all()
    assert '"compacted": true' in payload and "values" not in payload and len(payload) < 200
    assert store.get(case.id).case.values == VALUES  # the case itself is still whole
    assert store.compact_acknowledged() == 0  # nothing left to compact
