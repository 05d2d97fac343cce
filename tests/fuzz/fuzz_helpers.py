"""Fuzzing hostile input with hypothesis: a reference platform in-process, an enrolled device, a budget.

Each target runs ``YISHI_FUZZ_EXAMPLES`` examples (default 200), derandomized so CI is repeatable; set
``YISHI_FUZZ_RANDOM=1`` (and more examples) to explore other inputs locally, and ``YISHI_FUZZ_PG_URL`` to fuzz a
throwaway PostgreSQL database (its tables are dropped first) instead of a SQLite file.

Every target ends in an answer or a clear error, never an unhandled exception, and leaves the platform's row counts
as they were when the input was refused.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from sync import auth
from sync.client import DeviceIdentity
from sync.crypto import Ed25519PrivateKey, b64e, raw_public
from sync.platform import db
from sync.platform.operator import create_enrollment_code, open_platform
from sync.platform.query import QueryPages
from sync.platform.server import dispatch
from sync.platform.service import ApiError, Platform, Result

PG_URL_ENV = "YISHI_FUZZ_PG_URL"  # fuzz a throwaway PostgreSQL database instead (its tables are dropped first)
EXAMPLES = int(os.environ.get("YISHI_FUZZ_EXAMPLES", "200"))

settings.register_profile(
    "fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("YISHI_FUZZ_RANDOM"),
    database=None,  # nothing written to .hypothesis/ in the tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("fuzz")


@dataclass
class Fuzzed:
    """A platform in-process and one device enrolled with it."""

    platform: Platform
    identity: DeviceIdentity
    pages: QueryPages

    def call(
        self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None, client: str = ""
    ) -> Result:
        """One request through the same routing the HTTP server uses; an ApiError becomes its answer."""
        try:
            return dispatch(self.platform, method, target, headers or {}, body, pages=self.pages, client=client)
        except ApiError as exc:
            return Result(exc.status, exc.body())

    def signed(self, method: str, target: str, body: bytes = b"") -> Result:
        ident = self.identity
        return self.call(method, target, body, auth.sign_headers(ident.key, ident.device_id, method, target, body))


@contextmanager
def memory_dir() -> Iterator[Path]:
    """A temporary folder in memory when the machine has a tmpfs: the platform and the transfer files sync every
    write to disk, thousands of times in this suite."""
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as name:
        yield Path(name)


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[Fuzzed]:
    with memory_dir() as folder:
        yield from _fuzzed(folder)


def _fuzzed(folder: Path) -> Iterator[Fuzzed]:
    url = os.environ.get(PG_URL_ENV) or str(folder / "platform.sqlite3")
    if url != str(folder / "platform.sqlite3"):  # a throwaway PostgreSQL database: start from empty tables
        engine = db.open_engine(url)
        db.metadata.drop_all(engine)
        engine.dispose()
    platform = open_platform(url, key_file=folder / "transfer-key.pem")
    key = Ed25519PrivateKey.generate()
    body = json.dumps(
        {
            "enrollment_code": create_enrollment_code(platform, "模糊测试"),
            "public_key": b64e(raw_public(key.public_key())),
            "label": "模糊测试",
        }
    ).encode()
    headers = auth.sign_headers(key, "enrolling", "POST", "/v1/devices", body)
    answer = dispatch(platform, "POST", "/v1/devices", headers, body)
    assert answer.status == 201 and answer.body is not None
    yield Fuzzed(platform, DeviceIdentity(answer.body["device_id"], key), QueryPages(platform))
    platform.engine.dispose()
