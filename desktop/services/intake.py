"""Intake use cases: open a case, autosave it, decide it (per item), reopen it, complete a deferral, attach a scan."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from desktop.cases.decisions import DecisionError, ItemEntry, MaterialEntry, Problem, plan_outcomes
from desktop.cases.profile import Profile
from desktop.cases.states import CaseState, Decision
from desktop.forms.decision import Mark
from desktop.forms.session import IntakeSession, marks_from_records
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.store.models import Attachment, Case


@dataclass(frozen=True)
class OpenedIntake:
    """An intake on screen: the session the clerk edits and the stored case it autosaves to."""

    session: IntakeSession
    case_id: uuid.UUID


def open_intake(hall: Hall, catalog: CatalogInUse, bundle_code: str, profile: Profile) -> OpenedIntake:
    """A fresh draft of ``bundle_code`` under the catalog in use."""
    case = hall.store.new_draft(bundle_code, catalog.version, profile)
    session = IntakeSession(catalog.index, bundle_code, clock=hall.clock, calendar=catalog.calendar)
    return OpenedIntake(session, case.id)


def reopen_intake(hall: Hall, current: CatalogInUse, case_id: uuid.UUID, actor: str = "") -> OpenedIntake:
    """A draft as saved, or a 补正/退件 case reopened for the returning applicant, under the catalog it began with."""
    catalog = hall.catalogs.for_case(hall.store, case_id, current)
    detail = hall.store.get(case_id)
    if detail.case.state is not CaseState.DRAFT:
        detail = hall.store.reopen(case_id, actor)
    case = detail.case
    marks = marks_from_records(detail.materials, hall.clock.today(), catalog.calendar)
    for attachment in detail.attachments:
        marks.setdefault(attachment.material_code, Mark()).attachments.append(attachment.sha256)
    session = IntakeSession(
        catalog.index, case.bundle_code, case.answers, case.values, marks, clock=hall.clock, calendar=catalog.calendar
    )
    return OpenedIntake(session, case.id)


def save_draft(hall: Hall, case_id: uuid.UUID, session: IntakeSession) -> None:
    """Autosave what is typed and marked so far."""
    draft = session.to_draft()
    materials = session.material_entries(hall.clock.today(), marked_only=True)
    hall.store.save_draft(case_id, draft["answers"], draft["values"], materials)


def decide(
    hall: Hall,
    case_id: uuid.UUID,
    session: IntakeSession,
    decision: Decision,
    profile: Profile,
    *,
    reason: str | None = None,
    outcomes: Mapping[str, Decision] | None = None,
    outcome_reasons: Mapping[str, str] | None = None,
) -> Case:
    """Record the decision durably; the store numbers and queues it.

    Without ``outcomes`` every applying item gets ``decision`` (受理 for items with nothing deferred under
    容缺受理). With them the clerk decided per item — e.g. four items of 企业开办 受理 and the fifth 一次性告知 — and
    ``decision`` must be what those outcomes add up to. Raises :class:`DecisionError` when the rule refuses.
    """
    today = hall.clock.today()
    materials = session.material_entries(today)
    items = _with_outcomes(session.item_entries(today), decision, materials, outcomes, outcome_reasons)
    return hall.store.decide(
        case_id,
        decision,
        answers=dict(session.answers),
        values=session.submitted_values(),
        items=items,
        materials=materials,
        profile=profile,
        reason=reason or None,
        form_errors=session.errors(),
    )


def _with_outcomes(
    items: list[ItemEntry],
    decision: Decision,
    materials: list[MaterialEntry],
    outcomes: Mapping[str, Decision] | None,
    reasons: Mapping[str, str] | None,
) -> list[ItemEntry]:
    planned = plan_outcomes(decision, items, materials)
    if outcomes is None:
        return planned
    applying = {i.item_code for i in items if i.applies}
    unknown = sorted(set(outcomes) - applying)
    if unknown:
        raise DecisionError([Problem("所选事项不适用本件", f"items do not apply: {', '.join(unknown)}")])
    why = reasons or {}
    return [
        replace(i, outcome=outcomes.get(i.item_code), outcome_reason=why.get(i.item_code, "")) if i.applies else i
        for i in planned
    ]


def supply_deferred(hall: Hall, case_id: uuid.UUID, material_codes: Iterable[str], actor: str = "") -> Case:
    """The applicant brought deferred materials (补齐容缺材料); the case is accepted once none is left."""
    return hall.store.supply_deferred(case_id, material_codes, actor)


def attach_scan(hall: Hall, case_id: uuid.UUID, material_code: str, path: Path) -> Attachment:
    """A scanned or photographed material, kept by content and linked to the case."""
    return hall.store.add_attachment(case_id, material_code, path)
