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
from sync_helpers import Running, hall_clock
from test_sync_faults import assert_exactly_once, fill

from desktop.store.repo import Store
from sync.client import DeviceIdentity, save_identity

CHILD = Path(__file__).with_name("sync_child.py")
REPO = Path(__file__).resolve().parents[2]


def _spawn(store_path: Path, ident_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(store_path), str(ident_dir)],
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
