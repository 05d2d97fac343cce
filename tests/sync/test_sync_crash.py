"""The sync process killed with SIGKILL at random points, many times: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select
from sync_helpers import Running, hall_clock
from test_sync_faults import assert_exactly_once, fill

from desktop.store.models import OutboxEntry, OutboxStatus
from desktop.store.repo import Store
from sync.client import DeviceIdentity, save_identity
from sync.platform import db
from sync.worker import MARK_EVERY

CHILD = Path(__file__).with_name("sync_child.py")
REPO = Path(__file__).resolve().parents[2]


def _spawn(store_path: Path, ident_dir: Path, *extra: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(store_path), str(ident_dir), *map(str, extra)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


@pytest.mark.slow
def test_sync_killed_at_random_points_loses_and_duplicates_nothing(
    running: Running, identity: DeviceIdentity, tmp_path: Path
) -> None:
    store = Store(tmp_path / "window" / "cases.sqlite3", clock=hall_clock())
    carried = fill(store, tmp_path, cases=300, scans=8)
    store.close()
    ident_dir = tmp_path / "identity"
    save_identity(ident_dir, identity, running.url, {})
    rng = random.Random(2026)
    kills = 0
    for _ in range(20):
        child = _spawn(store.path, ident_dir)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait()
        child.stdout.close()
    final = _spawn(store.path, ident_dir)
    out, _ = final.communicate(timeout=120)
    assert final.returncode == 0, out
    assert kills >= 10
    reopened = Store(store.path)
    assert_exactly_once(reopened, running, carried, 300)
    reopened.close()


def _marked_sent(store_path: Path) -> int:
    store = Store(store_path)
    with Session(store.engine) as session:
        count = len(session.exec(select(OutboxEntry.id).where(OutboxEntry.status == OutboxStatus.SENT)).all())
    store.close()
    return count


def test_kills_inside_the_mark_batch_window_lose_and_duplicate_nothing(
    running: Running, identity: DeviceIdentity, tmp_path: Path
) -> None:
    cases = 3 * MARK_EVERY
    store = Store(tmp_path / "window" / "cases.sqlite3", clock=hall_clock())
    carried = fill(store, tmp_path, cases=cases, scans=4)
    store.close()
    ident_dir = tmp_path / "identity"
    save_identity(ident_dir, identity, running.url, {})
    # each child dies right after the platform took its n-th case: before its first batch of marks committed,
    # just after one did, and in the middle of a later one
    unmarked_at_kill = []
    for kill_after in (MARK_EVERY // 2, MARK_EVERY + 1, MARK_EVERY + MARK_EVERY // 3, 7):
        child = _spawn(store.path, ident_dir, kill_after, 1000)
        out, _ = child.communicate(timeout=120)
        assert child.returncode == -signal.SIGKILL, out
        with running.platform.engine.connect() as conn:
            on_platform = len(conn.execute(select(db.cases.c.case_id)).all())
        unmarked_at_kill.append(on_platform - _marked_sent(store.path))
    assert max(unmarked_at_kill) > 0  # the kills did land between the platform's answer and the local mark
    final = _spawn(store.path, ident_dir)
    out, _ = final.communicate(timeout=120)
    assert final.returncode == 0, out
    reopened = Store(store.path)
    assert_exactly_once(reopened, running, carried, cases)
    reopened.close()
