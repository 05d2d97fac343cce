"""Decided cases in a real store, made by the intake pipeline from demo values (for the printing tests)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from desktop.cases.decisions import case_decision
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.catalog.index import CatalogIndex
from desktop.services import demo
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.services.intake import decide, open_intake
from desktop.store.repo import CaseDetail

PROFILE = Profile(*demo.DEMO_PROFILE)
REASON = demo.SAMPLE_REASON


def bundle_code(idx: CatalogIndex, name: str) -> str:
    return next(b.code for b in idx.catalog.bundles if b.name == name)


def decided_case(
    hall: Hall, catalog: CatalogInUse, bundle_name: str, decision: Decision, seed: int = 3, **extra: Any
) -> CaseDetail:
    """A case of ``bundle_name`` taken through marks and the intake service as a clerk would."""
    code = bundle_code(catalog.index, bundle_name)
    session = demo.sample_session(catalog, code, hall.clock, seed)
    demo.mark_all(session, decision.value, random.Random(seed))
    if decision is not Decision.REJECT:  # a refusal's reason is given on deciding
        assert session.assessment().allowed(decision), session.assessment().why_not(decision)
    case = demo.decide_session(hall, catalog, session, decision, PROFILE, **extra)
    return hall.store.get(case.id)


def decided_per_item(
    hall: Hall,
    catalog: CatalogInUse,
    bundle_name: str,
    outcomes: Mapping[str, Decision],
    reasons: Mapping[str, str] | None = None,
    *,
    seed: int = 3,
    marks: str = "accept",
    reason: str | None = None,
) -> CaseDetail:
    """A case whose items the clerk decided one by one (``outcomes`` by item code; the other items 受理)."""
    code = bundle_code(catalog.index, bundle_name)
    session = demo.sample_session(catalog, code, hall.clock, seed)
    demo.mark_all(session, marks, random.Random(seed))
    full = {c: outcomes.get(c, Decision.ACCEPT) for c in session.items}
    opened = open_intake(hall, catalog, code, PROFILE)
    decision = case_decision(full.values())
    case = decide(
        hall, opened.case_id, session, decision, PROFILE, reason=reason, outcomes=full, outcome_reasons=reasons
    )
    return hall.store.get(case.id)
