"""One decision rule: a decision the window enables is one the store records, and one it disables the store refuses.

Random checklists (every mark, deadline and e-licence claim a clerk could make), random form damage (an empty
required field, an invalid applicant ID) and random reasons, over every bundle: for each of the four decisions the
window's answer (``session.assessment(reason).allowed``) equals whether ``services.intake.decide`` goes through.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cases.clock import Clock, stepping_clock
from desktop.cases.decisions import DecisionError, MaterialStatus
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.cases.workdays import WorkCalendar
from desktop.catalog.export import load_index
from desktop.forms.decision import Mark
from desktop.forms.session import IntakeSession
from desktop.services import demo, intake
from desktop.services.catalogs import CatalogInUse, Catalogs
from desktop.services.hall import Hall
from desktop.store.repo import Store

WINDOW = Profile("和平区政务服务中心", "210102", "03", "王芳")
STATUSES = [None, *MaterialStatus]


@pytest.fixture(scope="module")
def catalog() -> CatalogInUse:
    return CatalogInUse(load_index(), WorkCalendar())


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    clock: Clock = stepping_clock(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    folder: Path = tmp_path_factory.mktemp("rule")
    h = Hall(Store(folder / "cases.sqlite3", clock=clock), clock, Catalogs(folder / "data"))
    yield h
    h.close()


def _damage(session: IntakeSession, how: str) -> None:
    fields = [f for f in session.form.fields if not f.element.derive]
    if how == "empty" and fields:
        session.set_value(next((f.code for f in fields if f.required), fields[0].code), "")
    elif how == "bad_id":
        ids = [f.code for f in fields if f.element.kind.value == "id_number"]
        if ids:
            session.set_value(ids[0], "110105194912310021")  # wrong check character


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    case=st.tuples(
        st.integers(0, 10_000),  # which bundle
        st.integers(0, 10_000),  # the seed of its sample values
        st.sampled_from(["none", "none", "empty", "bad_id"]),  # what is wrong with the form
        st.sampled_from([None, "", "申请人不符合条件（示例）"]),  # the reason typed
    ),
    data=st.data(),
)
def test_enabled_in_the_window_iff_accepted_by_the_store(
    hall: Hall, catalog: CatalogInUse, case: tuple[int, int, str, str | None], data: st.DataObject
) -> None:
    bundle_pick, seed, damage, reason = case
    codes = sorted(catalog.index.bundles)
    session = demo.sample_session(catalog, codes[bundle_pick % len(codes)], hall.clock, seed)
    _damage(session, damage)
    for entry in session.checklist:
        status = data.draw(st.sampled_from(STATUSES))
        days = data.draw(st.sampled_from([None, 1, session.deferral_limit(entry.code)]))
        session.set_mark(entry.code, Mark(status, 1, days))
    for decision in Decision:
        enabled = session.assessment(reason).allowed(decision)
        opened = intake.open_intake(hall, catalog, session.bundle.code, WINDOW)
        try:
            intake.decide(hall, opened.case_id, session, decision, WINDOW, reason=reason)
            recorded = True
        except DecisionError:
            recorded = False
        assert recorded == enabled, (decision, session.assessment(reason).why_not(decision))


def test_the_rule_lets_each_decision_through_somewhere(hall: Hall, catalog: CatalogInUse) -> None:
    """The property above must not hold only because everything is refused."""
    rng = random.Random(3)
    seen = set()
    for kind in ("accept", "defer", "notify", "reject"):
        for code in sorted(catalog.index.bundles)[:8]:
            session = demo.sample_session(catalog, code, hall.clock, 5)
            demo.mark_all(session, kind, rng)
            reason = demo.SAMPLE_REASON if kind == "reject" else None
            if session.assessment(reason).allowed(Decision(kind)):
                seen.add(kind)
                break
    assert seen == {"accept", "defer", "notify", "reject"}
