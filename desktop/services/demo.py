"""Realistic sample cases: fill a bundle's merged form with plausible, valid values.

Used by ``yishi demo-data`` (a demo store for the README's one-command launch), by UI tests and
benchmarks. Values are made up but pass every field rule and cross-field check of the catalog. Cases are decided
through :func:`desktop.services.intake.decide`, as the window decides them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from stdnum.cn import ric, uscc

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialStatus
from desktop.cases.profile import Profile
from desktop.cases.roles import Role
from desktop.cases.states import Decision
from desktop.catalog.schema import Element, FieldKind
from desktop.forms.decision import Mark
from desktop.forms.expr import parse
from desktop.forms.session import IntakeSession
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.services.intake import decide, open_intake
from desktop.store.models import Case

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
DIVISIONS = ["210102", "210103", "210104", "210202", "210203", "210302", "210402", "210502", "210602", "210702"]
STREETS = ["中山路", "北京街", "南京北街", "青年大街", "人民路", "解放路", "长江街", "黄河北大街"]


def id_number(rng: random.Random, *, female: bool | None = None, born: dt.date | None = None) -> str:
    born = born or dt.date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
    seq = rng.randint(10, 99) * 10 + rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
    if female is None:
        seq = rng.randint(100, 999)
    body = f"{rng.choice(DIVISIONS)}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + rng.choice(DIVISIONS) + "".join(rng.choice(alphabet[:10]) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def candidates(
    element: Element, rng: random.Random, today: dt.date, known: dict[str, Any] | None = None
) -> Iterator[Any]:
    """Plausible values for ``element`` on the hall's ``today``, most likely first; the filler tries them until
    rules pass."""
    code, kind = element.code, element.kind
    if kind is FieldKind.ID_NUMBER:
        female = True if code.startswith(("mother.", "wife.")) else False if code.startswith("father.") else None
        for age in (35, 45, 62, 28, 70, 6, 22, 55, 7, 66):
            yield id_number(rng, female=female, born=today.replace(year=today.year - age, day=1))
        for flag in (True, False):
            yield id_number(rng, female=flag)
    elif kind is FieldKind.USCC:
        yield credit_code(rng)
    elif kind is FieldKind.PHONE:
        yield f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
    elif kind is FieldKind.DATE:
        offsets = [30, 400, 3, 1200, 7000, 15, 90, 3650, 20000, -30, -365, 0]
        rng.shuffle(offsets)  # fields varied together must not move in lockstep
        for days in offsets:
            yield (today - dt.timedelta(days=days)).isoformat()
    elif kind in (FieldKind.CHOICE,):
        yield from element.options
    elif kind is FieldKind.BOOL:
        yield from (True, False)
    elif kind is FieldKind.MONEY:
        yield from ("5000", "120", "300000", "80.5", "1")
    elif kind is FieldKind.COUNT:
        # 240 months: enough contribution for a pension (RS015's minimum), still a plausible count elsewhere
        yield from ("1", "3", "12", "0", "60", "240")
    elif kind is FieldKind.ADDRESS:
        division = rng.choice(DIVISIONS)
        yield {"division": division, "detail": f"{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 9)}单元"}
    elif code.endswith("name") or "姓名" in element.label or "开户名" in element.label:
        if "名称" in element.label and "姓名" not in element.label:
            yield f"沈阳{rng.choice(['恒远', '金桥', '北辰', '兴业'])}{rng.choice(['科技', '商贸', '餐饮'])}有限公司"
        yield _person(rng)
        # cross-field rules often want the same person (an account in the applicant's own name)
        yield from (v for k, v in (known or {}).items() if k.endswith(".name") and isinstance(v, str))
    else:
        yield f"{element.label}（示例）"
        yield "1"
        yield "2026001"


def fill(session: IntakeSession, rng: random.Random | None = None, rounds: int = 24) -> dict[str, str]:
    """Fill every field of the session's merged form; returns the errors left (none for a sound catalog)."""
    rng = rng or random.Random(7)
    today = session.clock.today()
    tries: dict[str, Iterator[Any]] = {}
    for _ in range(rounds):
        for f in session.form.fields:
            if f.element.derive is None and f.code not in session.values:
                tries[f.code] = candidates(f.element, rng, today, session.values)
                session.set_value(f.code, next(tries[f.code]))
        errors = session.errors()
        if not errors:
            return {}
        for code in _to_vary(session, errors):
            field = session.form.field(code)
            if field is None or field.element.derive:
                continue
            it = tries.setdefault(code, candidates(field.element, rng, today, session.values))
            value = next(it, None)
            if value is None:
                tries[code] = candidates(field.element, rng, today, session.values)
                value = next(tries[code])
            session.set_value(code, value)
    return session.errors()


def sample_session(catalog: CatalogInUse, bundle_code: str, clock: Clock, seed: int = 7) -> IntakeSession:
    session = IntakeSession(catalog.index, bundle_code, clock=clock, calendar=catalog.calendar)
    fill(session, random.Random(seed))
    return session


def _to_vary(session: IntakeSession, errors: dict[str, str]) -> list[str]:
    """The erroring fields, plus every field a failing cross-field rule reads (the ID behind an age rule)."""
    codes = dict.fromkeys(errors)
    messages = set(errors.values())
    for item_check in session.form.checks:
        if item_check.check.message in messages:
            codes.update(dict.fromkeys(sorted(parse(item_check.check.expr).elements)))
    return list(codes)


DEMO_PROFILE = ("沈阳市和平区南湖街道便民服务中心", "210102004", "03", "李晓梅")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    password: str


# A demo store's people: the README prints these so the one-command launch can be signed into.
DEMO_ACCOUNTS = (
    DemoAccount("admin", "系统管理员", Role.ADMIN, "yishi-admin-demo"),
    DemoAccount("lixm", "李晓梅", Role.CLERK, "yishi-clerk-demo"),
    DemoAccount("zhaom", "赵敏", Role.SUPERVISOR, "yishi-supervisor-demo"),
)


def ensure_demo_accounts(hall: Hall) -> tuple[DemoAccount, ...]:
    """A store without accounts gets the demo's (an administrator first); returns those created."""
    if hall.store.accounts():
        return ()
    admin, *others = DEMO_ACCOUNTS
    hall.store.add_account(admin.username, admin.display_name, admin.role, admin.password, actor="system")
    for account in others:
        hall.store.add_account(account.username, account.display_name, account.role, account.password, actor="admin")
    return DEMO_ACCOUNTS


def mark_all(session: IntakeSession, decision: str, rng: random.Random) -> None:
    """Marks that fit ``decision``: all present, one deferrable deferred, or one key material missing."""
    entries = list(session.checklist)
    deferrable = [e for e in entries if e.deferrable]
    key = [e for e in entries if not e.deferrable]
    odd = None
    if decision == "defer" and deferrable:
        odd = rng.choice(deferrable).code
    elif decision == "notify" and key:
        odd = rng.choice(key).code
    for e in entries:
        if e.code == odd and decision == "defer":
            session.set_mark(e.code, Mark(MaterialStatus.DEFERRED, 0, session.deferral_limit(e.code)))
        elif e.code == odd:
            session.set_mark(e.code, Mark(MaterialStatus.MISSING))
        elif e.material.elicence and rng.random() < 0.3:
            session.set_mark(e.code, Mark(MaterialStatus.ELICENCE))
        else:
            session.set_mark(e.code, Mark(MaterialStatus.CHECKED, max(1, e.copies)))


SAMPLE_REASON = "申请人不具备申请资格（示例）"


def decide_session(
    hall: Hall, catalog: CatalogInUse, session: IntakeSession, decision: Decision, profile: Profile, **extra: Any
) -> Case:
    """Record ``session`` as a new case decided ``decision``, as the window does; returns the stored Case."""
    opened = open_intake(hall, catalog, session.bundle.code, profile)
    for code, value in extra.items():
        session.set_value(code, value)
    reason = SAMPLE_REASON if decision in (Decision.REJECT,) else None
    return decide(hall, opened.case_id, session, decision, profile, reason=reason)


def decide_sample(
    hall: Hall, catalog: CatalogInUse, bundle_code: str, decision: Decision, profile: Profile, *, seed: int = 7
) -> Case:
    """A sample case of ``bundle_code`` with marks that fit ``decision``, decided in the hall's store."""
    session = sample_session(catalog, bundle_code, hall.clock, seed)
    mark_all(session, decision.value, random.Random(seed))
    return decide_session(hall, catalog, session, decision, profile)


def seed_store(hall: Hall, catalog: CatalogInUse, profile: Profile, count: int = 12, seed: int = 20261128) -> int:
    """Take ``count`` sample cases through the real pipeline; returns how many were decided."""
    rng = random.Random(seed)
    codes = sorted(catalog.index.bundles)
    kinds = ["accept", "accept", "defer", "notify", "accept", "reject"]
    decided = 0
    for n in range(count):
        bundle = codes[(n * 11) % len(codes)]  # 11 is coprime to 35: every bundle in turn
        session = sample_session(catalog, bundle, hall.clock, seed + n)
        kind = kinds[n % len(kinds)]
        mark_all(session, kind, rng)
        decision = sample_decision(session, Decision(kind))
        if decision is not None:
            decide_session(hall, catalog, session, decision, profile)
            decided += 1
    return decided


def sample_decision(session: IntakeSession, kind: Decision) -> Decision | None:
    """The first of ``kind``, 受理, 一次性告知 and 不予受理 the decision rule allows for ``session`` as marked, each
    asked with the reason :func:`decide_session` gives it (不予受理 must state one); None if none is."""
    for decision in (kind, Decision.ACCEPT, Decision.NOTIFY, Decision.REJECT):
        reason = SAMPLE_REASON if decision is Decision.REJECT else None
        if session.assessment(reason).allowed(decision):
            return decision
    return None
