"""Decided cases in a real store, made by the intake pipeline from demo values (for the printing tests)."""

from __future__ import annotations

import random
from typing import Any

from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.cases.workdays import WorkCalendar
from desktop.catalog.index import CatalogIndex
from desktop.services import demo
from desktop.services.catalogs import CatalogInUse, Catalogs
from desktop.services.hall import Hall
from desktop.store.repo import CaseDetail, Store

PROFILE = Profile(*demo.DEMO_PROFILE)
REASON = demo.SAMPLE_REASON


def bundle_code(idx: CatalogIndex, name: str) -> str:
    return next(b.code for b in idx.catalog.bundles if b.name == name)


def decided_case(
    store: Store, idx: CatalogIndex, bundle_name: str, decision: Decision, seed: int = 3, **extra: Any
) -> CaseDetail:
    """A case of ``bundle_name`` taken through marks and ``services.intake.decide`` as a clerk would."""
    hall = Hall(store, store.clock, Catalogs(store.path.parent / "data"))
    catalog = CatalogInUse(idx, WorkCalendar())
    code = bundle_code(idx, bundle_name)
    session = demo.sample_session(catalog, code, hall.clock, seed)
    demo.mark_all(session, decision.value, random.Random(seed))
    assert session.assessment().allowed(decision), session.assessment().why_not(decision)
    case = demo.decide_session(hall, catalog, session, decision, PROFILE, **extra)
    return store.get(case.id)
