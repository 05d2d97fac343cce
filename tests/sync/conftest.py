"""Fixtures: a reference platform on a loopback port and an enrolled device."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import Running, enroll, start_platform

from sync.client import DeviceIdentity, PlatformClient


@pytest.fixture
def platform_db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'platform.sqlite3'}"


@pytest.fixture
def running(platform_db_url: str) -> Iterator[Running]:
    run, thread = start_platform(platform_db_url)
    yield run
    run.server.shutdown()
    run.server.server_close()
    thread.join()
    run.platform.engine.dispose()


@pytest.fixture
def identity(running: Running) -> DeviceIdentity:
    return enroll(running)


@pytest.fixture
def client(running: Running, identity: DeviceIdentity) -> Iterator[PlatformClient]:
    c = PlatformClient(running.url, identity, timeout=5)
    yield c
    c.close()
