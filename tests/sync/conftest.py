"""Fixtures: a reference platform on a loopback port and an enrolled device."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import Clock, Running, enroll, hall_clock, start_platform

from desktop.store.repo import Store
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


@pytest.fixture
def clock() -> Clock:
    """A settable clock source for the window's store (a test moves it past backoffs)."""
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    """The window's case store, on the test's clock."""
    s = Store(tmp_path / "window" / "cases.sqlite3", clock=hall_clock(clock))
    yield s
    s.close()
