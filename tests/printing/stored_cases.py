"""Decided cases in a real store, made by the intake pipeline from demo values (for the printing tests)."""

from __future__ import annotations

import random
from typing import Any

from desktop import demo
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.catalog.index import CatalogIndex
from desktop.store.repo import CaseDetail, Store

PROFILE = Profile(*demo.DEMO_PROFILE)
REASON = demo.SAMPLE_REASON


def bundle_code(idx: CatalogIndex, name: str) -> str:
    return next(b.code for b in idx.catalog.bundles if b.name == name)


def decided_case(
    store: Store, idx: CatalogIndex, bundle_name: str, decision: Decision, seed: int = 3, **extra: Any
) -> CaseDetail:
    """A case of ``bundle_name`` taken through marks and ``store.decide`` as a clerk would."""
    code = bundle_code(idx, bundle_name)
    session = demo.sample_session(idx, code, seed)
    demo.mark_all(session, decision.value, random.Random(seed))
    assert session.assessment().allowed(decision), session.assessment().why_not(decision)
    case = demo.decide_session(store, idx, session, decision, PROFILE, **extra)
    return store.get(case.id)
