"""Every screen at a million cases: the store's own code against a hand-written query returning the same result.

Builds a store that looks like years of a busy center: cases made through the real intake pipeline (demo
sample cases), replicated with new ids, numbers, applicants and dates by Core executemany (20 windows, ~1,000
cases a working day, the last ones still waiting in the outbox, acknowledged ones compacted). Then times, warm
(median of 5), each operation through desktop.store and through plain DB-API SQL (sqlite3 / psycopg) that builds
the same rows: case list first page and a page deep (keyset), the search box (number, ID, credit code, name,
phone, bundle), day and month report, day list, sync status, pending outbox, opening a case, deciding, and the
store's start-up (open + drafts + outbox figures + first page) against an empty store. Also bytes per case, and
bytes per case before and after compaction of acknowledged outbox payloads.

Run: .venv/bin/python bench/bench_scale.py --cases N [--pg URL] [--dir DIR] [--seeds S] [--json]
Goals: each read <= 100 ms and <= 1.5x its hand-written query; deciding <= 2x its hand-written writes; start-up
<= 1.2x an empty store's; <= 3 KB per case after compaction.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from report import Figure, emit, wants_json  # bench/report.py (this script's folder is on sys.path)
from sqlalchemy import Connection, Engine, inspect, text
from sqlmodel import Session

from desktop.cases.clock import Clock, stepping_clock
from desktop.cases.decisions import ItemEntry, MaterialEntry, MaterialStatus, plan_outcomes
from desktop.cases.numbers import make_number
from desktop.cases.profile import Profile
from desktop.cases.states import CaseState, Decision
from desktop.services import demo
from desktop.services.hall import Hall
from desktop.settings import Settings
from desktop.store.audit_log import CHAIN_COLUMNS, AuditEntry, chain_head, chain_rows, chain_values
from desktop.store.db import CACHE_KIB
from desktop.store.json_columns import dump_json, load_json, pack_json
from desktop.store.models import AuditEvent, Case, CaseItem, MaterialRecord, OutboxEntry, OutboxStatus
from desktop.store.outbox import compact_payload
from desktop.store.queries import page_key
from desktop.store.repo import Store
from desktop.store.rows import CaseSummary, read_statement

READ_TARGET_MS = 100.0
READ_RATIO = 1.5
WRITE_RATIO = 2.0
STARTUP_RATIO = 1.2
BYTES_TARGET = 3072.0
WINDOWS = 20
PER_DAY = 1000
PENDING = 100  # the newest cases still wait for the platform
CHUNK = 5000
PAGE = 50
DEEP = 10_000  # rows before the deep page
CENTER = "210102004"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
INSTANTS = ("created_at", "updated_at", "decided_at", "voided_at", "added_at")  # UTC timestamps, given back aware
SUMMARY_SQL = (
    "id, number, state, decision, bundle_code, applicant_name, applicant_id, clerk, window_code, revision,"
    " created_at, updated_at, decided_at"
)


# -- seeds: cases made through the real pipeline ------------------------------------------------------------------


@dataclass
class Seed:
    case: dict[str, Any]
    items: list[dict[str, Any]]
    materials: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    payload: dict[str, Any]


def make_seeds(folder: Path, count: int) -> list[Seed]:
    settings = Settings()
    clock = stepping_clock(NOW - timedelta(days=1), step=timedelta(seconds=1))
    hall = Hall.open(folder / "seeds.sqlite3", settings, folder / "data", clock=clock)
    try:
        profile = Profile(*demo.DEMO_PROFILE)
        catalog = hall.catalogs.current()
        codes = sorted(catalog.index.bundles)
        kinds = [Decision.ACCEPT, Decision.ACCEPT, Decision.DEFER, Decision.NOTIFY, Decision.ACCEPT, Decision.REJECT]
        for n in range(count):
            bundle = codes[(n * 11) % len(codes)]
            try:
                session = demo.sample_session(catalog, bundle, hall.clock, 20261128 + n)
                demo.mark_all(session, kinds[n % len(kinds)].value, random.Random(n))
                decision = demo.sample_decision(session, kinds[n % len(kinds)])
                if decision is None:
                    print(f"seed {n} ({bundle}): the decision rule allows no decision", file=sys.stderr)
                    continue
                demo.decide_session(hall, catalog, session, decision, profile)
            except Exception as exc:
                print(f"seed {n} ({bundle}): {type(exc).__name__}: {exc}", file=sys.stderr)
        engine = hall.store.engine
        seeds = []
        with engine.connect() as conn:
            cases = _rows(conn, Case)
            by_case: dict[Any, Seed] = {}
            for c in cases:
                by_case[c["id"]] = Seed(c, [], [], [], {})
            for table, key in ((CaseItem, "items"), (MaterialRecord, "materials"), (AuditEvent, "audit")):
                for found in _rows(conn, table):
                    row = {k: v for k, v in found.items() if k != "id"}  # the copies get their own ids
                    if row["case_id"] in by_case:
                        getattr(by_case[row["case_id"]], key).append(row)
            for r in conn.execute(OutboxEntry.__table__.select()):  # type: ignore[attr-defined]
                row = dict(r._mapping)
                by_case[row["case_id"]].payload = row["payload"]
            seeds = [s for s in by_case.values() if s.case["number"] is not None and s.payload]
    finally:
        hall.close()
    return seeds


def _rows(conn: Connection, model: Any) -> list[dict[str, Any]]:
    """Every row of ``model`` by attribute, the texts of its phrases with it (migration 0008)."""
    keys = [a.key for a in inspect(model).column_attrs]
    return [dict(zip(keys, r, strict=True)) for r in conn.execute(read_statement(model))]


# -- replication ----------------------------------------------------------------------------------------------------


@dataclass
class Built:
    cases: int
    rows: int
    seconds: float
    samples: dict[str, Any] = field(default_factory=dict)


CASE_COLS = (
    'id, number, query_code, bundle_code, catalog_version, state, decision, revision, answers, "values",'
    " applicant_name, applicant_id, applicant_phone, center_name_id, division_code, window_code, clerk, reason,"
    " created_at, updated_at, decided_at"
)
ITEM_COLS = (
    "case_id, item_code, applies, reason_id, department, promised_days, promised_date, estimated, outcome,"
    " outcome_reason"
)
MATERIAL_COLS = "case_id, material_code, name_id, status, copies, deadline, items"
AUDIT_COLS = ", ".join(("id", "case_id", "at", "actor", "action", "detail", *CHAIN_COLUMNS))  # chained as the store
OUTBOX_COLS = "case_id, revision, payload, created_at, attempts, next_attempt_at, status, last_error, platform_number"


def _insert(table: str, cols: str, pg: bool) -> str:
    marks = ", ".join(["%s" if pg else "?"] * len(cols.split(",")))
    return f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'


def stored_form(text: str, pg: bool) -> str | bytes:
    """The form's JSON text as the store keeps it (SQLite: packed when smaller, desktop.store.json_columns)."""
    return text if pg else pack_json(text)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def phrase_ids(conn: Any, texts: Iterable[str], known: dict[str, int], pg: bool) -> dict[str, int]:
    """The phrase ids of ``texts`` (migration 0008) on a DB-API connection, as a careful hand keeps them: in memory
    once met (``known``); a text not there yet is added (``ON CONFLICT DO NOTHING``), then the ids read back."""
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if missing:
        mark = "%s" if pg else "?"
        cursor = conn.cursor()
        add = f"INSERT INTO phrase (text) VALUES ({mark}) ON CONFLICT (text) DO NOTHING"
        cursor.executemany(add, [(t,) for t in missing])
        marks = ", ".join([mark] * len(missing))
        known.update({t: i for i, t in cursor.execute(f"SELECT id, text FROM phrase WHERE text IN ({marks})", missing)})
    return known


def replicate(  # noqa: PLR0915 - one loop that writes every table's row of a case
    engine: Engine, seeds: list[Seed], n: int, *, compact: bool = True, seed: int = 11
) -> Built:
    """``n`` cases over ``n / PER_DAY`` days before NOW, each a copy of a seed case with a new id, number,
    applicant and dates; inserted by executemany in chunks (rows prepared as plain values, JSON serialized once per
    seed)."""
    rng = random.Random(seed)
    pg = engine.dialect.name == "postgresql"
    span = timedelta(days=max(1, n // PER_DAY))
    start = NOW - span
    step = span / n
    sequences: Counter[tuple[int, date]] = Counter()
    clock = Clock()
    samples: dict[str, Any] = {}
    rows_total = 0

    def uid(u: uuid.UUID) -> Any:
        return u if pg else u.bytes  # as the store keeps an id (desktop.store.columns.BinaryUUID)

    def ts(t: datetime) -> Any:
        naive = t.astimezone(UTC).replace(tzinfo=None)
        return naive if pg else naive.isoformat(sep=" ", timespec="microseconds")

    with engine.begin() as conn:  # the phrases, numbered in the order the windows meet them
        phrases = phrase_ids(conn.connection.driver_connection, [t for s in seeds for t in _texts(s)], {}, pg)
    prepared = [_prepare(s, phrases) for s in seeds]
    sql = {
        "case": _insert("case", CASE_COLS, pg),
        "case_item": _insert("case_item", ITEM_COLS, pg),
        "material_record": _insert("material_record", MATERIAL_COLS, pg),
        "audit_event": _insert("audit_event", AUDIT_COLS, pg),
        "outbox": _insert("outbox", OUTBOX_COLS, pg),
    }
    with Session(engine) as session:
        audit_head = chain_head(session)
    began = time.perf_counter()
    if not pg:  # a bulk load fills the FTS index once at the end ('rebuild': ~10 us a row, not ~60 by trigger)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER case_fts_ai")
    for first in range(0, n, CHUNK):
        batch: dict[str, list[tuple[Any, ...]]] = {k: [] for k in sql}
        for i in range(first, min(n, first + CHUNK)):
            s, p = seeds[i % len(seeds)], prepared[i % len(seeds)]
            when = start + step * i
            window = i % WINDOWS + 1
            day = clock.local_day(when)
            sequences[(window, day)] += 1
            number = make_number(CENTER, f"{window:02d}", day, sequences[(window, day)])
            case_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            u, w = uid(case_id), ts(when)
            pending = i >= n - PENDING
            name, applicant_id, phone = _applicant(rng, s.case)
            values = p["values"].replace(p["name"], name).replace(p["id"], applicant_id) if p["name"] else p["values"]
            state = CaseState.QUEUED if pending else CaseState.SYNCED
            if s.case["decision"] == Decision.NOTIFY:
                state = CaseState.SUPPLEMENT_NOTIFIED
            c = s.case
            batch["case"].append((
                u, number, c["query_code"], c["bundle_code"], c["catalog_version"], state.value,
                _plain(c["decision"]), c["revision"], stored_form(p["answers"], pg), stored_form(values, pg), name,
                applicant_id, phone,
                phrases[c["center_name"]], c["division_code"], f"{window:02d}", f"窗口{window:02d}", c["reason"],
                ts(when - timedelta(minutes=12)), w, w,
            ))  # fmt: skip
            batch["case_item"] += [(u, *row) for row in p["items"]]
            batch["material_record"] += [(u, *row) for row in p["materials"]]
            # the audit rows chained as the store chains them (desktop.store.audit_log): ids and hashes in order
            entries = [AuditEntry(case_id, when, actor, action, detail) for actor, action, _, detail in p["audit"]]
            chained = chain_rows(audit_head, entries)
            audit_head = chained[-1].head() if chained else audit_head
            batch["audit_event"] += [
                (r.id, u, w, *row[:3], *chain_values(r)) for row, r in zip(p["audit"], chained, strict=True)
            ]
            sent = not pending
            if sent and compact:
                payload = json.dumps(p["compact"] | {"id": str(case_id), "number": number}, ensure_ascii=False)
            else:
                payload = p["payload"].replace(p["case_id"], str(case_id)).replace(p["number"], number)
            batch["outbox"].append((
                u, c["revision"] or 1, payload, w, 1 if sent else 0, w,
                OutboxStatus.SENT.value if sent else OutboxStatus.PENDING.value, None,
                f"LN{i:010d}" if sent else None,
            ))  # fmt: skip
            if i == n // 2:
                samples["middle"] = (case_id, number, applicant_id, phone, name, c["bundle_code"])
            if applicant_id.startswith("91") and "uscc" not in samples:
                samples["uscc"], samples["company"] = applicant_id, name
            if not applicant_id.startswith("91") and i >= n // 2 and "person" not in samples:
                samples["person"] = name
        with engine.begin() as conn:
            if not pg:
                conn.exec_driver_sql("PRAGMA cache_size=-400000")
            for key, statement in sql.items():
                if batch[key]:
                    conn.exec_driver_sql(statement, batch[key])
                    rows_total += len(batch[key])
    if not pg:
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO case_fts(case_fts) VALUES ('rebuild')")
            conn.exec_driver_sql(_migration_0005().SQLITE_FTS[1])
    return Built(n, rows_total, time.perf_counter() - began, samples)


def samples_of(store: Store, n: int) -> Built:
    """What a reused store is searched for: the case in the middle of the list, and a credit code."""
    with store.engine.connect() as conn:
        middle = conn.execute(
            text(
                'SELECT id, number, applicant_id, applicant_phone, applicant_name, bundle_code FROM "case"'
                " ORDER BY updated_at DESC, id DESC LIMIT 1 OFFSET :skip"
            ),
            {"skip": n // 2},
        ).one()
        person = conn.execute(
            text("SELECT applicant_name FROM \"case\" WHERE applicant_id >= '1' AND applicant_id < '9' LIMIT 1")
        ).scalar()
        uscc, company = conn.execute(
            text(
                "SELECT applicant_id, applicant_name FROM \"case\" WHERE applicant_id >= '91' AND applicant_id < '92'"
                " LIMIT 1"
            )
        ).one()
    case_id = middle[0] if isinstance(middle[0], uuid.UUID) else uuid.UUID(bytes=middle[0])
    return Built(n, 0, 0.0, {"middle": (case_id, *middle[1:]), "uscc": uscc, "company": company, "person": person})


def _migration_0005() -> Any:
    """The migration that made the FTS triggers (its module name starts with a digit)."""
    path = Path(__file__).resolve().parent.parent / "desktop/store/migrations/versions/0005_scale_indexes_search.py"
    spec = importlib.util.spec_from_file_location("migration_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _texts(s: Seed) -> list[str]:
    """A seed's phrases (migration 0008) in the order deciding it writes them."""
    return [s.case["center_name"], *(i["reason"] for i in s.items), *(m["name"] for m in s.materials)]


def _prepare(s: Seed, phrases: dict[str, int]) -> dict[str, Any]:
    """A seed's rows as plain values with its JSON serialized once (the applicant replaced by string), its texts
    as their ``phrases`` ids."""
    c = s.case
    js = dump_json  # as the store writes JSON on SQLite

    def stored(row: dict[str, Any], key: str) -> Any:
        if key.endswith("_id") and key != "case_id":
            return phrases[row[key.removesuffix("_id")]]
        return js(row[key]) if key == "items" else _plain(row[key])

    return {
        "answers": js(c["answers"]),
        "values": js(c["values"]),
        "name": c["applicant_name"],
        "id": c["applicant_id"] or "\x00",
        "items": [tuple(stored(it, k) for k in ITEM_COLS.replace(" ", "").split(",")[1:]) for it in s.items],
        "materials": [tuple(stored(m, k) for k in MATERIAL_COLS.replace(" ", "").split(",")[1:]) for m in s.materials],
        "audit": [(a["actor"], a["action"], js(a["detail"]), a["detail"]) for a in s.audit],  # the detail hashed too
        "payload": json.dumps(s.payload, ensure_ascii=False),
        "case_id": str(c["id"]),
        "number": c["number"],
        "compact": compact_payload(s.payload),
    }


def _applicant(rng: random.Random, seed_case: dict[str, Any]) -> tuple[str, str, str]:
    enterprise = str(seed_case.get("applicant_id") or "").startswith("91")
    if enterprise:
        name = f"沈阳{rng.choice(['恒远', '金桥', '北辰', '兴业', '瑞丰', '盛京'])}{rng.randint(1, 999)}有限公司"
        applicant_id = demo.credit_code(rng)
    else:
        name = demo._person(rng)
        applicant_id = demo.id_number(rng)
    phone = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
    return name, applicant_id, phone


# -- timing -----------------------------------------------------------------------------------------------------------


SAMPLE_MS = 10.0  # a sample repeats a fast read until it has run this long (a 40 us lookup: 250 calls)


def side_by_side(ours: Callable[[], Any], theirs: Callable[[], Any], runs: int = 11) -> tuple[float, float, Any, Any]:
    """Warm medians (ms per call) of ``ours`` and ``theirs``, their samples taken in turn so that a load that
    comes and goes on a shared machine weighs on both; each sample is the mean of as many calls as fill
    SAMPLE_MS (a single 40 us call is mostly timer and scheduler noise)."""
    got, want = ours(), theirs()  # warm
    calls = [_calls(ours), _calls(theirs)]
    times: list[list[float]] = [[], []]
    for _ in range(runs):
        for side, fn in enumerate((ours, theirs)):
            t = time.perf_counter()
            for _ in range(calls[side]):
                fn()
            times[side].append((time.perf_counter() - t) * 1000 / calls[side])
    return statistics.median(times[0]), statistics.median(times[1]), got, want


def _calls(fn: Callable[[], Any]) -> int:
    t = time.perf_counter()
    fn()
    once = (time.perf_counter() - t) * 1000
    return max(1, min(2000, int(SAMPLE_MS / max(once, 1e-3))))


class Hand:
    """Hand-written DB-API queries returning what the store returns (same rows, same Python types)."""

    def __init__(self, store: Store) -> None:
        self.pg = store.url is not None
        if self.pg:
            assert store.url is not None
            # autocommit: a careful hand reads in one round trip (the writes open their own transaction)
            plain = store.url.replace("postgresql+psycopg://", "postgresql://")
            self.conn: Any = psycopg.connect(plain, autocommit=True)
        else:
            self.conn = sqlite3.connect(store.path, isolation_level=None)
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # as the store's connections have it
        self.p = "%s" if self.pg else "?"
        self.phrases: dict[str, int] = {}  # the phrase ids met so far (migration 0008)

    def q(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql.replace("?", self.p), args).fetchall())

    def typed(self, sql: str, *args: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The column names and rows of ``SELECT *``, each column as the Python type the store gives it."""
        cursor = self.conn.execute(sql.replace("?", self.p), args)
        rows = cursor.fetchall()
        names = [d[0] for d in cursor.description]
        convert = [self._typing.get(name) for name in names]
        typed = [tuple(v if f is None or v is None else f(v) for f, v in zip(convert, r, strict=True)) for r in rows]
        return names, typed

    @functools.cached_property
    def _typing(self) -> dict[str, Callable[[Any], Any]]:
        if self.pg:  # psycopg gives uuid, date, bool and parsed JSON itself
            instant: Callable[[Any], Any] = lambda v: v.replace(tzinfo=UTC)  # noqa: E731
            return {
                "state": CaseState,
                "decision": Decision,
                "outcome": Decision,
                "status": MaterialStatus,
                **dict.fromkeys(INSTANTS, instant),
            }
        instant = lambda v: datetime.fromisoformat(v).replace(tzinfo=UTC)  # noqa: E731
        from_bytes: Callable[[bytes], uuid.UUID] = lambda v: uuid.UUID(bytes=v)  # noqa: E731
        return {"id": lambda v: from_bytes(v) if isinstance(v, bytes) else v, "case_id": from_bytes,
                "state": CaseState, "decision": Decision, "outcome": Decision, "status": MaterialStatus,
                "answers": load_json, "values": load_json, "items": load_json, "applies": bool,
                "estimated": bool, "promised_date": date.fromisoformat, "deadline": date.fromisoformat,
                **dict.fromkeys(INSTANTS, instant)}  # fmt: skip

    def uid(self, value: uuid.UUID) -> Any:
        return value if self.pg else value.bytes

    def when(self, value: datetime) -> Any:
        naive = value.astimezone(UTC).replace(tzinfo=None)
        return naive if self.pg else naive.isoformat(sep=" ")

    def summaries(self, where: str, *args: Any, limit: int = PAGE, sort: bool = False) -> list[CaseSummary]:
        """``sort``: read the matches by their own index and sort them (SQLite: ``+`` keeps the list's order
        index out of the plan), as a careful hand would for a name search. The limit is bound, as the store binds
        it: written as a literal, PostgreSQL's generic plan for a prepared query (psycopg prepares from the fifth
        call) walks the list's index for a trigram search instead of sorting the matches."""
        order = "+updated_at DESC, +id DESC" if sort and not self.pg else "updated_at DESC, id DESC"
        rows = self.q(f'SELECT {SUMMARY_SQL} FROM "case" {where} ORDER BY {order} LIMIT ?', *args, limit)
        return [self._summary(r) for r in rows]

    def _summary(self, r: tuple[Any, ...]) -> CaseSummary:
        return CaseSummary(
            r[0] if self.pg else uuid.UUID(bytes=r[0]),
            r[1],
            CaseState(r[2]),
            None if r[3] is None else Decision(r[3]),
            *r[4:10],
            *(None if t is None else self._dt(t) for t in r[10:13]),
        )

    def _dt(self, value: Any) -> datetime:
        if self.pg:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


def search_where(hand: Hand, kind: str) -> str:
    if kind == "keyword":
        if hand.pg:
            return "WHERE applicant_name LIKE ? OR applicant_id LIKE ?"
        return 'WHERE "case".rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?)'
    if kind == "initial":  # walk the list newest first (+ keeps SQLite off the name index)
        return "WHERE applicant_name LIKE ?" if hand.pg else "WHERE +applicant_name >= ? AND +applicant_name < ?"
    if kind == "prefix":
        return "WHERE applicant_name LIKE ?" if hand.pg else "WHERE applicant_name >= ? AND applicant_name < ?"
    return f"WHERE {kind} = ?"


def summary_of_period(hand: Hand, store: Store, first: date, last: date) -> dict[str, Any]:
    start, end = store.clock.period_bounds(first, last)
    rows = hand.q(
        'SELECT decision, bundle_code, clerk, count(*) FROM "case" WHERE decided_at >= ? AND decided_at < ?'
        " GROUP BY decision, bundle_code, clerk",
        hand.when(start),
        hand.when(end),
    )
    by_decision: Counter[str] = Counter()
    by_bundle: Counter[str] = Counter()
    by_clerk: Counter[str] = Counter()
    for d, b, c, k in rows:
        if d is not None:
            by_decision[d] += k
        by_bundle[b] += k
        by_clerk[c] += k
    return {"total": by_bundle.total(), "d": dict(by_decision), "b": dict(by_bundle), "c": dict(by_clerk)}


def time_reads(  # noqa: PLR0915 - the list of operations, one pair each
    store: Store, hand: Hand, built: Built
) -> list[tuple[str, float, float]]:
    """(operation, project ms, hand-written ms) for every read; each pair is checked to return the same."""
    case_id, number, applicant_id, phone, name, bundle = built.samples["middle"]
    today = store.clock.local_day(NOW)
    out: list[tuple[str, float, float]] = []

    def pair(
        label: str, ours: Callable[[], Any], theirs: Callable[[], Any], same: Callable[[Any], Any] = lambda x: x
    ) -> None:
        ms, hand_ms, got, want = side_by_side(ours, theirs)
        if same(got) != same(want):
            raise AssertionError(f"{label}: the store and the hand-written query disagree")
        out.append((label, ms, hand_ms))

    ids = lambda rows: [r.id for r in rows]  # noqa: E731
    pair("case list, first page", lambda: store.list_cases(limit=PAGE), lambda: hand.summaries(""), ids)
    deep = store.list_cases(limit=DEEP)[-1]
    key = page_key(deep)
    pair(
        f"case list, page after {DEEP:,} rows",
        lambda: store.list_cases(limit=PAGE, after=key),
        lambda: hand.summaries("WHERE (updated_at, id) < (?, ?)", hand.when(key[0]), hand.uid(key[1])),
        ids,
    )
    pair("search: case number", lambda: store.list_cases(text=number, limit=PAGE),
         lambda: hand.summaries(search_where(hand, "number"), number), ids)  # fmt: skip
    pair("search: ID number", lambda: store.list_cases(text=applicant_id, limit=PAGE),
         lambda: hand.summaries(search_where(hand, "applicant_id"), applicant_id), ids)  # fmt: skip
    uscc = built.samples.get("uscc")
    if uscc:
        pair("search: credit code", lambda: store.list_cases(text=uscc, limit=PAGE),
             lambda: hand.summaries(search_where(hand, "applicant_id"), uscc), ids)  # fmt: skip
    pair("search: phone", lambda: store.list_cases(text=phone, limit=PAGE),
         lambda: hand.summaries(search_where(hand, "applicant_phone"), phone), ids)  # fmt: skip
    pair("search: bundle", lambda: store.list_cases(text=bundle, limit=PAGE),
         lambda: hand.summaries(search_where(hand, "bundle_code"), bundle), ids)  # fmt: skip
    person = built.samples.get("person") or name
    short = person[:2]  # a two-character name, or a name's first two characters
    prefix_args = (f"{short}%",) if hand.pg else (short, short + "\U0010ffff")
    pair("search: name (2 characters)", lambda: store.list_cases(text=short, limit=PAGE),
         lambda: hand.summaries(search_where(hand, "prefix"), *prefix_args, sort=True), ids)  # fmt: skip
    initial_args = (f"{short[0]}%",) if hand.pg else (short[0], short[0] + "\U0010ffff")
    pair("search: surname (1 character)", lambda: store.list_cases(text=short[0], limit=PAGE),
         lambda: hand.summaries(search_where(hand, "initial"), *initial_args), ids)  # fmt: skip
    company = built.samples.get("company") or "沈阳恒远1有限公司"
    word = company[2:-4]  # the distinctive part of a company's name: 恒远123
    kw_args = (f"%{word}%", f"%{word.upper()}%") if hand.pg else (f'"{word}"',)
    pair(f"search: keyword ({len(word)} characters)", lambda: store.list_cases(text=word, limit=PAGE),
         lambda: hand.summaries(search_where(hand, "keyword"), *kw_args, sort=True), ids)  # fmt: skip
    digits = applicant_id[5:14]
    id_args = (f"%{digits}%", f"%{digits}%") if hand.pg else (f'"{digits}"',)
    pair("search: part of an ID (9 digits)", lambda: store.list_cases(text=digits, limit=PAGE),
         lambda: hand.summaries(search_where(hand, "keyword"), *id_args, sort=True), ids)  # fmt: skip
    last_day = today - timedelta(days=1)

    def report(r: Any) -> Any:
        return r if isinstance(r, dict) else {"total": r.total, "d": r.by_decision, "b": r.by_bundle, "c": r.by_clerk}

    pair("day report", lambda: store.period_summary(last_day, last_day),
         lambda: summary_of_period(hand, store, last_day, last_day), report)  # fmt: skip
    month = last_day - timedelta(days=29)
    pair("month report", lambda: store.period_summary(month, last_day),
         lambda: summary_of_period(hand, store, month, last_day), report)  # fmt: skip
    s, e = store.clock.day_bounds(last_day)
    day_where = (
        "WHERE (decided_at >= ? AND decided_at < ?) OR (decided_at IS NULL AND created_at >= ? AND created_at < ?)"
    )
    pair("day list (1,000 cases)", lambda: store.list_cases(day=last_day, limit=2000),
         lambda: hand.summaries(day_where, hand.when(s), hand.when(e), hand.when(s), hand.when(e), limit=2000),
         ids)  # fmt: skip

    def figures_hand() -> tuple[int, int, int]:
        counts = dict(hand.q("SELECT status, count(*) FROM outbox WHERE status <> 'sent'"
                             " AND status IN ('pending', 'quarantined') GROUP BY status"))  # fmt: skip
        [(failed,)] = hand.q(
            "SELECT count(*) FROM outbox WHERE status <> 'sent' AND status = 'pending' AND last_error IS NOT NULL"
        )
        hand.q("SELECT last_error FROM outbox WHERE status <> 'sent' AND status = 'pending' AND last_error IS NOT NULL"
               " ORDER BY next_attempt_at DESC LIMIT 1")  # fmt: skip
        hand.q("SELECT case_id, last_error FROM outbox WHERE status <> 'sent' AND status = 'quarantined' ORDER BY id")
        return counts.get("pending", 0), failed, counts.get("quarantined", 0)

    pair("sync status", store.outbox_figures, figures_hand,
         lambda f: f if isinstance(f, tuple) else (f.pending, f.failed, f.quarantined))  # fmt: skip
    later = NOW + timedelta(days=1)
    pair("pending outbox (50)", lambda: store.pending_outbox(later, 50),
         lambda: [(i, c, r, p if hand.pg else json.loads(p)) for i, c, r, p in
                  hand.q("SELECT id, case_id, revision, payload FROM outbox WHERE status <> 'sent'"
                         " AND status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 50", hand.when(later))],
         lambda rows: [r.id if hasattr(r, "id") else r[0] for r in rows])  # fmt: skip

    def open_hand() -> list[tuple[list[str], list[tuple[Any, ...]]]]:
        u = hand.uid(case_id)
        return [
            hand.typed(f"SELECT t.*{text} FROM {table} AS t{join} WHERE t.{key} = ?{order}", u)
            for table, key, order, text, join in (
                ('"case"', "id", "", *_phrase_join("center_name", "LEFT JOIN")),
                ("case_item", "case_id", " ORDER BY t.id", *_phrase_join("reason")),
                ("material_record", "case_id", " ORDER BY t.id", *_phrase_join("name")),
                ("attachment", "case_id", " ORDER BY t.id", "", ""),
            )
        ]  # fmt: skip

    def opened(d: Any) -> Any:  # either side as lists of {column: value}, phrases as their texts
        if isinstance(d, list):
            return [[dict(zip(names, row, strict=True)) for row in rows] for names, rows in d]
        return [[{a.key: getattr(row, a.key) for a in inspect(type(row)).column_attrs} for row in rows]
                for rows in ([d.case], d.items, d.materials, d.attachments)]  # fmt: skip

    pair("open a case", lambda: store.get(case_id), open_hand, opened)
    return out


def _phrase_join(text: str, join: str = "JOIN") -> tuple[str, str]:
    """What a hand adds to ``SELECT t.* FROM table AS t`` to read the text of its phrase (migration 0008)."""
    return f", p.text AS {text}", f" {join} phrase AS p ON p.id = t.{text}_id"


# -- deciding ------------------------------------------------------------------------------------------------------

DECIDER = Profile("沈阳市和平区南湖街道便民服务中心", "210102004", "21", "测试员")
ITEMS = [ItemEntry("GA001", True, "GA", "正常死亡", 5, date(2026, 12, 7)), ItemEntry("MZ002", False, "MZ", "非火化")]
MATERIALS = [MaterialEntry(f"m{i}", f"材料{i}", MaterialStatus.CHECKED, 1, None, ["GA001"]) for i in range(5)]
VALUES = {"applicant.name": "赵敏", "applicant.id_number": "11010519491231002X", "applicant.phone": "13900001111"}


def time_decide(store: Store, hand: Hand, rounds: int = 15) -> tuple[float, float]:
    items = plan_outcomes(Decision.ACCEPT, ITEMS, MATERIALS)
    ours, theirs = [], []
    for _ in range(rounds):
        draft = store.new_draft("LNYJS001", "2026.11.1", DECIDER)
        t = time.perf_counter()
        store.decide(draft.id, Decision.ACCEPT, answers={"a": "b"}, values=VALUES, items=items,
                     materials=MATERIALS, profile=DECIDER)  # fmt: skip
        ours.append((time.perf_counter() - t) * 1000)
        draft = store.new_draft("LNYJS001", "2026.11.1", DECIDER)
        payload = store.pending_outbox(NOW + timedelta(days=9), 1)[0].payload
        t = time.perf_counter()
        hand_decide(hand, store, draft.id, items, payload)
        theirs.append((time.perf_counter() - t) * 1000)
    return statistics.median(ours[1:]), statistics.median(theirs[1:])


def hand_decide(hand: Hand, store: Store, case_id: uuid.UUID, items: list[ItemEntry], payload: dict[str, Any]) -> None:
    """The rows deciding writes, by hand: number, case, items, materials, two audit rows, the outbox entry."""
    now = store.clock.now()
    day = store.clock.local_day(now)
    u, w = hand.uid(case_id), hand.when(now)
    phrases = phrase_ids(hand.conn, [*(i.reason for i in items), *(m.name for m in MATERIALS)], hand.phrases, hand.pg)
    c = hand.conn.cursor() if hand.pg else hand.conn
    statements: list[tuple[str, tuple[Any, ...]]] = []
    add = statements.append
    if not hand.pg:
        c.execute("PRAGMA synchronous=FULL")
        c.execute("BEGIN IMMEDIATE")
    ctx = hand.conn.transaction() if hand.pg else contextlib.nullcontext()
    with ctx:
        [(seq,)] = c.execute(
            "INSERT INTO window_sequence (window_key, day, last) VALUES (?, ?, 1) ON CONFLICT (window_key, day)"
            " DO UPDATE SET last = window_sequence.last + 1 RETURNING last".replace("?", hand.p),
            (DECIDER.window_key, day),
        ).fetchall()
        number = make_number(DECIDER.center_code, DECIDER.window_code, day, seq)
        add((
            'UPDATE "case" SET state = ?, number = ?, query_code = ?, answers = ?, "values" = ?, applicant_name = ?,'
            " applicant_id = ?, applicant_phone = ?, decision = ?, decided_at = ?, updated_at = ?, revision = 1"
            " WHERE id = ?",
            ("queued", number, "123456", stored_form(dump_json({"a": "b"}), hand.pg),
             stored_form(dump_json(VALUES), hand.pg), "赵敏",
             VALUES["applicant.id_number"], VALUES["applicant.phone"], "accept", w, w, u),
        ))  # fmt: skip
        add(("DELETE FROM case_item WHERE case_id = ?", (u,)))
        add(("DELETE FROM material_record WHERE case_id = ?", (u,)))
        for c_sql, args in statements:
            c.execute(c_sql.replace("?", hand.p), args)
        c.executemany(
            "INSERT INTO case_item (case_id, item_code, applies, reason_id, department, promised_days, promised_date,"
            " estimated, outcome, outcome_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)".replace("?", hand.p),
            [(u, i.item_code, i.applies, phrases[i.reason], i.department, i.promised_days,
              None if i.promised_date is None else i.promised_date.isoformat(), i.estimated,
              None if i.outcome is None else i.outcome.value, i.outcome_reason or None) for i in items],
        )  # fmt: skip
        c.executemany(
            "INSERT INTO material_record (case_id, material_code, name_id, status, copies, deadline, items)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)".replace("?", hand.p),
            [(u, m.material_code, phrases[m.name], m.status.value, m.copies, None, dump_json(list(m.items)))
             for m in MATERIALS],
        )  # fmt: skip
        # the audit chain numbers its rows itself (max(id) + 1, desktop.store.audit_log), so the hand does too
        audit = (
            "INSERT INTO audit_event (id, case_id, at, actor, action, detail)"
            " VALUES ((SELECT coalesce(max(id), 0) + 1 FROM audit_event), ?, ?, ?, ?, ?)"
        )
        for action, detail in (("decide", {"decision": "accept", "number": number}), ("queue", {"revision": 1})):
            c.execute(audit.replace("?", hand.p), (u, w, DECIDER.clerk, action, json.dumps(detail)))
        c.execute(
            "INSERT INTO outbox (case_id, revision, payload, created_at, attempts, next_attempt_at, status)"
            " VALUES (?, 1, ?, ?, 0, ?, 'pending')".replace("?", hand.p),
            (u, json.dumps(payload | {"id": str(case_id), "number": number}, ensure_ascii=False), w, w),
        )
    if not hand.pg:
        c.execute("COMMIT")
        c.execute("PRAGMA synchronous=NORMAL")


# -- start-up, size, compaction ---------------------------------------------------------------------------------------


def startup_ms(empty: Path | str, full: Path | str, local_dir: Path, runs: int = 7) -> tuple[float, float]:
    """Medians (ms) of opening the empty and the full store (migrations checked) and reading what the window
    reads before it is ready; the two are opened in turn, so a load that comes and goes weighs on both."""
    times: list[list[float]] = [[], []]
    for _ in range(runs + 1):
        for side, target in enumerate((empty, full)):
            t = time.perf_counter()
            store = Store(target, clock=Clock(), local_dir=local_dir)
            store.drafts()
            store.outbox_figures()
            store.list_cases(limit=PAGE)
            times[side].append((time.perf_counter() - t) * 1000)
            store.close()
    return statistics.median(times[0][1:]), statistics.median(times[1][1:])


def sqlite_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def pg_bytes(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def store_bytes(store: Store) -> int:
    if store.url:
        return pg_bytes(store)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return sqlite_bytes(store.path)


def compaction(folder: Path, seeds: list[Seed], n: int) -> tuple[float, float]:
    """Bytes per case of a store whose acknowledged payloads are kept whole, then after the store compacts them
    (and VACUUM gives the pages back)."""
    path = folder / "uncompacted.sqlite3"
    store = Store(path, clock=Clock())
    try:
        replicate(store.engine, seeds, n, compact=False)
        before = store_bytes(store) / n
        store.compact_acknowledged()
        store.vacuum()
        after = store_bytes(store) / n
    finally:
        store.close()
    path.unlink()
    return before, after


# -- main ---------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    json_out = wants_json(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=200, help="cases made through the pipeline to replicate")
    parser.add_argument("--pg", default=os.environ.get("YISHI_BENCH_PG_URL"), help="also on this PostgreSQL server")
    parser.add_argument("--dir", type=Path, help="build the SQLite store here (kept) instead of a temp dir")
    parser.add_argument("--compaction-cases", type=int, default=20_000)
    parser.add_argument("--pg-only", action="store_true", help="time PostgreSQL only (with --pg)")
    parser.add_argument("--reuse", action="store_true", help="time the stores an earlier run built (same --dir/--pg)")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    folder = args.dir or Path(tempfile.mkdtemp(prefix="yishi-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    log = print if not json_out else (lambda *a, **k: print(*a, **k, file=sys.stderr))
    t = time.perf_counter()
    seeds = [] if args.reuse else make_seeds(folder, args.seeds)
    log(f"{len(seeds)} seed cases through the pipeline in {time.perf_counter() - t:.1f} s")
    figures: list[Figure] = []
    targets: list[tuple[str, Path | str]] = [] if args.pg_only else [("sqlite", folder / "scale.sqlite3")]
    if args.pg:
        name = f"yishi_scale_{args.cases}"
        plain = args.pg.replace("postgresql+psycopg://", "postgresql://")
        reused = plain.rsplit("/", 1)[0] + "/" + name
        targets.append(("postgresql", reused if args.reuse else fresh_pg_database(args.pg, name)))
    for engine_name, target in targets:
        figures += run_engine(
            engine_name=engine_name, target=target, folder=folder, seeds=seeds, n=args.cases, log=log,
            reuse=args.reuse,
        )  # fmt: skip
    if not args.pg_only and not args.reuse:
        before, after = compaction(folder, seeds, min(args.cases, args.compaction_cases))
        figures.append(Figure("bytes per case before compaction (sqlite)", before, "B"))
        figures.append(Figure("bytes per case after compaction (sqlite)", after, "B", target=BYTES_TARGET))
    for f in figures:
        mark = "" if f.met() is None else (" ok" if f.met() else " MISSED")
        ratio = "" if f.ratio is None else f"  x{f.ratio:.2f}"
        log(f"{f.name:60s} {f.value:10.2f} {f.unit}{ratio}{mark}")
    if json_out:
        emit("scale", figures)
    return 0


def fresh_pg_database(url: str, name: str) -> str:
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return plain.rsplit("/", 1)[0] + "/" + name


def run_engine(
    *,
    engine_name: str,
    target: Path | str,
    folder: Path,
    seeds: list[Seed],
    n: int,
    log: Callable[..., None],
    reuse: bool = False,
) -> list[Figure]:
    local = folder / f"local-{engine_name}"
    empty_target: Path | str = folder / "empty.sqlite3"
    if engine_name == "postgresql":
        assert isinstance(target, str)
        empty_target = fresh_pg_database(target.rsplit("/", 1)[0] + "/postgres", "yishi_scale_empty")
    Store(empty_target, clock=Clock(), local_dir=local).close()  # made and migrated before it is timed
    store = Store(target, clock=Clock(), local_dir=local)
    figures: list[Figure] = []
    try:
        if reuse:
            built = samples_of(store, n)
        else:
            built = replicate(store.engine, seeds, n)
            log(f"[{engine_name}] {n:,} cases, {built.rows:,} rows in {built.seconds:.1f} s"
                f" ({built.rows / built.seconds:,.0f} rows/s)")  # fmt: skip
            figures.append(Figure(f"[{engine_name}] build: rows per second", built.rows / built.seconds, "rows/s"))
        store.analyze()
        hand = Hand(store)
        for label, ms, hand_ms in time_reads(store, hand, built):
            figures.append(Figure(f"[{engine_name}] {label}: hand-written", hand_ms, "ms"))
            figures.append(Figure(f"[{engine_name}] {label}", ms, "ms", ms / hand_ms, READ_RATIO))
            figures.append(Figure(f"[{engine_name}] {label}: within {READ_TARGET_MS:.0f} ms", ms, "ms",
                                  target=READ_TARGET_MS))  # fmt: skip
        ours, theirs = time_decide(store, hand)
        figures.append(Figure(f"[{engine_name}] decide: hand-written writes", theirs, "ms"))
        figures.append(Figure(f"[{engine_name}] decide", ours, "ms", ours / theirs, WRITE_RATIO))
        size = store_bytes(store)
        figures.append(Figure(f"[{engine_name}] bytes per case (store as built, compacted)", size / n, "B"))
        hand.conn.close()
    finally:
        store.close()
    empty_ms, full_ms = startup_ms(empty_target, target, local)
    figures.append(Figure(f"[{engine_name}] store start-up, empty store", empty_ms, "ms"))
    figures.append(Figure(f"[{engine_name}] store start-up, {n:,} cases", full_ms, "ms", full_ms / empty_ms,
                          STARTUP_RATIO))  # fmt: skip
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
