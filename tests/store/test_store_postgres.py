"""The store on a center's PostgreSQL server: the same store and migrations, windows deciding at once (killed at
random) with unique numbers and nothing lost or doubled, and several windows draining one outbox exactly once.

Needs ``YISHI_TEST_PG_URL`` (scripts/pg-start.sh prints one); each test gets a database of its own.
Run as a script, this file is one deciding window: ``python test_store_postgres.py decide URL WINDOW COUNT LOG DIR``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ANSWERS, ITEMS, VALUES, materials
from sqlalchemy import text

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialStatus, plan_outcomes
from desktop.cases.numbers import parse_number
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.store.migrate import current_revision
from desktop.store.models import OutboxStatus
from desktop.store.repo import Store

ROOT = Path(__file__).resolve().parents[2]
# a window run as a script finds the repo, this folder (conftest) and tests/ (pg_server) as pytest does
SCRIPT_ENV = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent), str(ROOT / "tests")])}
PROCESSES = 8
DECISIONS = 200
WINDOWS = 4
KILLS = 4
HANG_GUARD_S = 900  # not a timing goal: only so a deadlock fails instead of hanging CI


def window(code: str) -> Profile:
    return Profile("和平区政务服务中心", "210102", code, f"窗口{code}")


def decide_one(store: Store, profile: Profile, rng: random.Random) -> tuple[uuid.UUID, str]:
    draft = store.new_draft("birth", "2026.1", profile)
    mats = materials(MaterialStatus.CHECKED, MaterialStatus.CHECKED)
    values = VALUES | {"applicant.phone": f"139{rng.randint(10_000_000, 99_999_999)}"}
    case = store.decide(
        draft.id,
        Decision.ACCEPT,
        answers=ANSWERS,
        values=values,
        items=plan_outcomes(Decision.ACCEPT, ITEMS, mats),
        materials=mats,
        profile=profile,
    )
    assert case.number is not None
    return case.id, case.number


@pytest.mark.postgres
def test_same_store_and_migrations_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    store = Store(pg_url, clock=Clock(), local_dir=tmp_path)
    try:
        assert current_revision(store.engine) == current_revision(Store(tmp_path / "x.sqlite3").engine)
        case_id, number = decide_one(store, window("03"), random.Random(1))
        assert store.get(case_id).case.number == number
        assert [c.id for c in store.list_cases(text=number)] == [case_id]
        assert store.outbox_figures().pending == 1
        assert store.attachments_dir == tmp_path / "attachments"
    finally:
        store.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_windows_deciding_at_once_get_unique_numbers_and_lose_nothing_when_killed(pg_url: str, tmp_path: Path) -> None:
    Store(pg_url, clock=Clock(), local_dir=tmp_path).close()  # migrated once; the windows find it at head
    rng = random.Random(20261130)
    logs = [tmp_path / f"w{i}.log" for i in range(PROCESSES)]
    codes = [f"{i % WINDOWS + 1:02d}" for i in range(PROCESSES)]  # two processes per window share its sequence

    def start(i: int) -> subprocess.Popen[bytes]:
        args = ["decide", pg_url, codes[i], str(DECISIONS), str(logs[i]), str(tmp_path / f"d{i}")]
        return subprocess.Popen([sys.executable, __file__, *args], env=SCRIPT_ENV)

    procs = {i: start(i) for i in range(PROCESSES)}
    kills = 0
    began = time.monotonic()
    try:
        while any(p.poll() is None for p in procs.values()):
            assert time.monotonic() - began < HANG_GUARD_S, "the windows hang"
            time.sleep(rng.uniform(0.3, 1.2))
            running = [i for i, p in procs.items() if p.poll() is None and _logged(logs[i]) > 0]
            if kills < KILLS and running:
                victim = rng.choice(running)
                procs[victim].send_signal(signal.SIGKILL)  # kill -9 in the middle of whatever it was doing
                procs[victim].wait()
                kills += 1
                procs[victim] = start(victim)  # the window comes back and finishes its share
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    assert all(p.returncode == 0 for p in procs.values())
    assert kills == KILLS

    acknowledged = [line.split() for log in logs for line in log.read_text().splitlines()]
    assert len(acknowledged) >= PROCESSES * DECISIONS
    engine = Store(pg_url, clock=Clock(), local_dir=tmp_path).engine
    with engine.connect() as conn:
        stored = dict(conn.execute(text('SELECT id::text, number FROM "case" WHERE number IS NOT NULL')).all())
        outbox = Counter(r[0] for r in conn.execute(text("SELECT case_id::text FROM outbox")))
        decides = Counter(
            r[0] for r in conn.execute(text("SELECT case_id::text FROM audit_event WHERE action = 'decide'"))
        )
    engine.dispose()
    # 0 lost: every decision a window saw return is stored, with the number it printed
    assert all(stored.get(case_id) == number for case_id, number in acknowledged)
    # 0 duplicated: one decision, one queued revision per case
    assert set(outbox.values()) == {1} and set(decides.values()) == {1} and set(outbox) == set(stored)
    # numbers unique, and each window's sequence has no gap (a killed decision gave its number back)
    assert len(set(stored.values())) == len(stored)
    per_window: dict[str, list[int]] = {}
    for number in stored.values():
        parts = parse_number(number)
        per_window.setdefault(parts.window, []).append(parts.sequence)
    assert sorted(per_window) == sorted(set(codes))
    assert all(sorted(seqs) == list(range(1, len(seqs) + 1)) for seqs in per_window.values())


@pytest.mark.postgres
def test_several_windows_drain_the_shared_outbox_exactly_once(pg_url: str, tmp_path: Path) -> None:
    store = Store(pg_url, clock=Clock(), local_dir=tmp_path)
    rng = random.Random(3)
    try:
        cases = {decide_one(store, window(f"0{1 + n % 4}"), rng)[0] for n in range(120)}
        with store.engine.begin() as conn:
            conn.execute(text("CREATE TABLE received (case_id uuid, revision int, window_no int)"))
    finally:
        store.close()
    drainers = [
        subprocess.Popen([sys.executable, __file__, "drain", pg_url, str(i), str(tmp_path / f"d{i}")], env=SCRIPT_ENV)
        for i in range(4)
    ]
    assert [p.wait(timeout=120) for p in drainers] == [0, 0, 0, 0]
    store = Store(pg_url, clock=Clock(), local_dir=tmp_path)
    try:
        with store.engine.connect() as conn:
            received = conn.execute(text("SELECT case_id, revision, window_no FROM received")).all()
            statuses = Counter(r[0] for r in conn.execute(text("SELECT status FROM outbox")))
    finally:
        store.close()
    assert Counter((c, r) for c, r, _ in received) == Counter({(c, 1): 1 for c in cases})  # each one exactly once
    assert statuses == {OutboxStatus.SENT.value: len(cases)}
    assert len({w for _, _, w in received}) > 1  # the work really was shared


@pytest.mark.postgres
def test_the_cases_command_lists_a_center_store(pg_url: str, tmp_path: Path) -> None:
    store = Store(pg_url, clock=Clock(), local_dir=tmp_path)
    try:
        _, number = decide_one(store, window("03"), random.Random(2))
    finally:
        store.close()
    yishi = Path(sys.executable).with_name("yishi")
    env = SCRIPT_ENV | {"YISHI_DB": pg_url, "YISHI_CONFIG": str(tmp_path / "settings.json")}
    done = subprocess.run([str(yishi), "cases", "--json"], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert [c["number"] for c in json.loads(done.stdout)["cases"]] == [number]


def _logged(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def _decide_window(url: str, code: str, count: int, log: Path, local: Path) -> None:
    """One window: decide until ``count`` decisions were acknowledged (logged after ``decide`` returned)."""
    store = Store(url, clock=Clock(), local_dir=local)
    rng = random.Random()
    with log.open("a") as out:
        for _ in range(_logged(log), count):
            case_id, number = decide_one(store, window(code), rng)
            out.write(f"{case_id} {number}\n")
            out.flush()
            os.fsync(out.fileno())
    store.close()


def _drain(url: str, window_no: int, local: Path) -> None:
    """One window's sync: claim, "send" (a row in ``received``), mark sent, until nothing is due."""
    store = Store(url, clock=Clock(), local_dir=local)
    now = datetime.now(UTC) + timedelta(seconds=1)
    while entries := store.claim_outbox(now, 7):
        for entry in entries:
            assert entry.id is not None
            with store.engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO received VALUES (:c, :r, :w)"),
                    {"c": entry.case_id, "r": entry.revision, "w": window_no},
                )
            store.mark_sent(entry.id, f"LN{entry.id}")
    store.close()


if __name__ == "__main__":
    if sys.argv[1] == "decide":
        _decide_window(sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5]), Path(sys.argv[6]))
    else:
        _drain(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
