"""Helpers for sync tests: queued cases in a real case store."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from desktop.cases.clock import Clock as HallClock
from desktop.cases.decisions import ItemEntry, MaterialEntry, MaterialStatus
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.store.models import Case
from desktop.store.repo import Store
from sync.client import DeviceIdentity, PlatformClient
from sync.crypto import Ed25519PrivateKey
from sync.platform.operator import create_enrollment_code
from sync.platform.server import PlatformHTTPServer, make_server
from sync.platform.service import Platform


def submit_concurrently(url: str, identity: DeviceIdentity, case_id: str, times: int = 8) -> list[str]:
    """The same case submitted ``times`` times at once by separate clients; the platform numbers returned."""
    numbers: list[str] = []

    def submit() -> None:
        c = PlatformClient(url, identity, timeout=10)
        numbers.append(c.submit_case(case_id, 1, None, {"name": "张三"}, []).platform_number)
        c.close()

    threads = [threading.Thread(target=submit) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return numbers


WINDOW = Profile("和平区政务服务中心", "210102", "03", "王芳")
FIELD = Profile("和平区政务服务中心", "210102", "91", "李强")
T0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


class Clock:  # a settable source for the hall's clock (desktop.cases.clock.Clock)
    """A settable clock that ticks a millisecond per read."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def queue_case(
    store: Store,
    name: str = "张三",
    *,
    attachments: Sequence[Path] = (),
    profile: Profile = WINDOW,
) -> uuid.UUID:
    """A case decided 受理 at the window (so queued in the outbox), with optional scanned attachments."""
    case = store.new_draft("LNYJS003", "2026.11.1", profile)
    for path in attachments:
        store.add_attachment(case.id, "id_card", path)
    store.decide(
        case.id,
        Decision.ACCEPT,
        answers={"death_kind": "normal"},
        values={"applicant.name": name, "applicant.id_number": "11010519491231002X"},
        items=[ItemEntry("GA001", True, "GA", "正常死亡", 5, date(2026, 12, 5), outcome=Decision.ACCEPT)],
        materials=[MaterialEntry("id_card", "居民身份证", MaterialStatus.CHECKED, items=["GA001"])],
        profile=profile,
    )
    return case.id


def queue_deferred_case(store: Store, *, attachments: Sequence[Path] = ()) -> Case:
    """A 容缺受理 case (one deferred material) queued in ``store``, with optional scanned attachments."""
    case = store.new_draft("LNYJS003", "2026.11.1", WINDOW)
    for path in attachments:
        store.add_attachment(case.id, "id_card", path)
    store.decide(
        case.id,
        Decision.DEFER,
        answers={},
        values={"applicant.name": "王五"},
        items=[ItemEntry("GA001", True, "GA", outcome=Decision.DEFER)],
        materials=[MaterialEntry("hukou", "户口簿", MaterialStatus.DEFERRED, deadline=date(2026, 12, 10))],
        profile=WINDOW,
    )
    return case


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


def enroll(run: Running, label: str = "测试窗口", url: str | None = None) -> DeviceIdentity:
    code = create_enrollment_code(run.platform, label)
    client = PlatformClient(url or run.url, None, timeout=5)
    try:
        return client.enroll(code, Ed25519PrivateKey.generate(), label)
    finally:
        client.close()


def hall_clock(source: Clock | None = None) -> HallClock:
    """The store's clock reading a settable test source (Beijing time, like a hall)."""
    return HallClock(source=source or Clock())
