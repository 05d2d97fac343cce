"""Child process for the SIGKILL test: drain a store's outbox to the platform, then exit 0.

Usage: python sync_child.py STORE_PATH IDENTITY_DIR
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.store.repo import Store
from sync.client import PlatformClient, load_identity
from sync.worker import sync_once


def main() -> int:
    store = Store(Path(sys.argv[1]))
    loaded = load_identity(Path(sys.argv[2]))
    assert loaded is not None
    identity, url = loaded
    client = PlatformClient(url, identity, timeout=5)
    print("ready", flush=True)
    now = datetime.now(UTC)
    for run in range(1000):
        now += timedelta(hours=2)  # jump past any backoff left by a killed predecessor
        sync_once(store, client, now, rng=random.Random(run), pull_status=False, batch=20)
        if not store.pending_outbox(now + timedelta(days=3650), 1):
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
