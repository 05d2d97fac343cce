"""Fixtures: a reference platform on a loopback port and an enrolled device."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync.client import DeviceIdentity, PlatformClient
from sync.crypto import Ed25519PrivateKey
from sync.platform.operator import create_enrollment_code
from sync.platform.server import PlatformHTTPServer, make_server
from sync.platform.service import Platform


@dataclass
class Running:
    """A platform server running in a thread."""

    server: PlatformHTTPServer
    url: str
    db_url: str

    @property
    def platform(self) -> Platform:
        return self.server.platform


def start_platform(db_url: str) -> tuple[Running, threading.Thread]:
    server = make_server(db_url, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return Running(server, f"http://127.0.0.1:{server.server_address[1]}", db_url), thread


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


def enroll(run: Running, label: str = "测试窗口", url: str | None = None) -> DeviceIdentity:
    code = create_enrollment_code(run.platform, label)
    client = PlatformClient(url or run.url, None, timeout=5)
    try:
        return client.enroll(code, Ed25519PrivateKey.generate(), label)
    finally:
        client.close()


@pytest.fixture
def identity(running: Running) -> DeviceIdentity:
    return enroll(running)


@pytest.fixture
def client(running: Running, identity: DeviceIdentity) -> Iterator[PlatformClient]:
    c = PlatformClient(running.url, identity, timeout=5)
    yield c
    c.close()
