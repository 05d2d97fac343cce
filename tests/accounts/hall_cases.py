"""A hall on a temporary store with accounts, and cases decided through the store at chosen instants."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from desktop.cases.clock import Clock, SteppingSource, stepping_clock
from desktop.cases.decisions import ItemEntry, MaterialEntry, MaterialStatus, plan_outcomes
from desktop.cases.profile import Profile
from desktop.cases.roles import Role
from desktop.cases.states import Decision
from desktop.services.catalogs import Catalogs
from desktop.services.hall import Hall
from desktop.store.accounts import AccountInfo
from desktop.store.models import Case
from desktop.store.repo import Store

PASSWORD = "correct horse 1"
# 2026-11-28 10:00 Beijing time
MORNING = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
WINDOW = Profile("和平区政务服务中心", "210102", "03", "wangf")
VALUES = {"applicant.name": "张三", "applicant.id_number": "11010519491231002X"}
ITEMS = [ItemEntry("GA001", True, "GA", "正常死亡", 5, date(2026, 12, 5))]


def open_hall(tmp_path: Path, start: datetime = MORNING) -> Hall:
    clock = stepping_clock(start)
    return Hall(Store(tmp_path / "cases.sqlite3", clock=clock), clock, Catalogs(tmp_path / "data"))


def set_time(clock: Clock, moment: datetime) -> None:
    assert isinstance(clock.source, SteppingSource)
    clock.source.set(moment)


def staff(hall: Hall) -> dict[str, AccountInfo]:
    """admin (first run), clerks wangf and lq, supervisor zhaom."""
    store = hall.store
    made = {"admin": store.add_account("admin", "系统管理员", Role.ADMIN, PASSWORD, actor="system")}
    for username, name, role in (
        ("wangf", "王芳", Role.CLERK),
        ("lq", "李强", Role.CLERK),
        ("zhaom", "赵敏", Role.SUPERVISOR),
    ):
        made[username] = store.add_account(username, name, role, PASSWORD, actor="admin")
    return made


def materials(status: MaterialStatus, deadline: date | None = None) -> list[MaterialEntry]:
    return [MaterialEntry("id_card", "居民身份证", status, 1, deadline, ["GA001"])]


def decided(
    hall: Hall,
    decision: Decision,
    *,
    clerk: str = "wangf",
    bundle: str = "LNYJS001",
    window: str = "03",
    at: datetime | None = None,
    deadline: date | None = None,
) -> Case:
    """A case opened and decided by ``clerk`` (at ``at``, when given)."""
    if at is not None:
        set_time(hall.clock, at)
    profile = Profile(WINDOW.center_name, WINDOW.division_code, window, clerk)
    draft = hall.store.new_draft(bundle, "2026.1", profile)
    status = {
        Decision.ACCEPT: MaterialStatus.CHECKED,
        Decision.DEFER: MaterialStatus.DEFERRED,
        Decision.NOTIFY: MaterialStatus.MISSING,
        Decision.REJECT: MaterialStatus.CHECKED,
    }[decision]
    marks = materials(status, deadline or (date(2026, 12, 10) if decision is Decision.DEFER else None))
    return hall.store.decide(
        draft.id,
        decision,
        answers={},
        values=VALUES,
        items=plan_outcomes(decision, ITEMS, marks),
        materials=marks,
        profile=profile,
        reason="申请人不具备申请资格" if decision is Decision.REJECT else None,
    )


def case_ids(cases: list[Case]) -> set[uuid.UUID]:
    return {c.id for c in cases}


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    """A hall on a fresh store at 10:00 Beijing time on 2026-11-28 (no accounts yet)."""
    opened = open_hall(tmp_path)
    yield opened
    opened.close()
