"""Child process for the SIGKILL tests: drain a store's outbox to the platform, then exit 0.

Usage: python sync_child.py STORE_PATH IDENTITY_DIR [KILL_AFTER [BATCH]]

With KILL_AFTER the child SIGKILLs itself right after the platform answered its KILL_AFTER-th case: inside the
window where revisions the platform took are not yet marked sent (sync.worker.MARK_EVERY).
"""

from __future__ import annotations

import os
import random
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.store.repo import Store
from sync.client import CaseReceipt, PlatformClient, load_identity
from sync.worker import sync_once


class KillingClient(PlatformClient):
    """A client that dies (SIGKILL, no clean-up) once ``kill_after`` cases were taken by the platform."""

    kill_after = 0

    def submit_case(self, *args: Any, **kwargs: Any) -> CaseReceipt:
        receipt = super().submit_case(*args, **kwargs)
        self.kill_after -= 1
        if self.kill_after == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        return receipt


def main() -> int:
    store = Store(Path(sys.argv[1]))
    loaded = load_identity(Path(sys.argv[2]))
    assert loaded is not None
    identity, url = loaded
    client = KillingClient(url, identity, timeout=5)
    client.kill_after = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    print("ready", flush=True)
    now = datetime.now(UTC)
    for run in range(1000):
        now += timedelta(hours=2)  # jump past any backoff left by a killed predecessor
        sync_once(store, client, now, rng=random.Random(run), pull_status=False, batch=batch)
        if not store.pending_outbox(now + timedelta(days=3650), 1):
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
