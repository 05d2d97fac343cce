"""What the clerk hands over when deciding a case, and the rules a decision must meet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from desktop.cases.states import Decision


class MaterialStatus(StrEnum):
    RECEIVED = "received"
    CHECKED = "checked"
    ELICENCE = "elicence"
    MISSING = "missing"
    DEFERRED = "deferred"


MATERIAL_STATUS_LABELS: dict[MaterialStatus, str] = {
    MaterialStatus.RECEIVED: "已收取",
    MaterialStatus.CHECKED: "已核验",
    MaterialStatus.ELICENCE: "电子证照",
    MaterialStatus.MISSING: "缺件",
    MaterialStatus.DEFERRED: "容缺",
}


@dataclass(frozen=True)
class ItemEntry:
    """One service item of the bundle as decided for this case."""

    item_code: str
    applies: bool
    department: str
    reason: str = ""  # why it applies or not (the situation answers)
    promised_days: int | None = None
    promised_date: date | None = None
    estimated: bool = False  # the promised date was computed without a holiday calendar for that year


@dataclass(frozen=True)
class MaterialEntry:
    """One material of the merged checklist and how it was taken."""

    material_code: str
    name: str
    status: MaterialStatus
    copies: int = 0
    deadline: date | None = None  # for deferred materials
    items: list[str] = field(default_factory=list)  # item codes that ask for it


class DecisionError(ValueError):
    """The decision does not fit the materials or lacks a reason; ``problems`` lists why (English)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def decision_problems(decision: Decision, materials: Iterable[MaterialEntry], reason: str | None) -> list[str]:
    """Why ``decision`` cannot be taken with these materials (empty if it can)."""
    mats = list(materials)
    missing = [m.material_code for m in mats if m.status is MaterialStatus.MISSING]
    deferred = [m for m in mats if m.status is MaterialStatus.DEFERRED]
    problems: list[str] = []
    if decision is Decision.REJECT and not (reason and reason.strip()):
        problems.append("a rejection needs a reason")
    if decision is Decision.ACCEPT and (missing or deferred):
        problems.append(f"cannot accept with materials missing or deferred: {', '.join(missing + _codes(deferred))}")
    if decision is Decision.DEFER:
        if missing:
            problems.append(f"deferred acceptance cannot leave materials missing: {', '.join(missing)}")
        if not deferred:
            problems.append("deferred acceptance needs at least one deferred material")
        problems += [f"deferred material {m.material_code} needs a deadline" for m in deferred if m.deadline is None]
    if decision is Decision.NOTIFY and not missing:
        problems.append("a supplement notice needs at least one missing material")
    return problems


def _codes(materials: list[MaterialEntry]) -> list[str]:
    return [m.material_code for m in materials]


APPLICANT_NAME_KEYS = ("applicant.name", "enterprise.name")
APPLICANT_ID_KEYS = ("applicant.id_number", "enterprise.uscc")


def applicant_of(values: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The applicant's name and ID (person first, then enterprise) copied for lists and search.

    Bundles whose form has neither (二手房 asks 出卖人/买受人) fall back to the first name and ID number in
    form order, so the case list never shows a nameless case."""
    names = (*APPLICANT_NAME_KEYS, *(k for k in values if k.endswith(".name")))
    ids = (*APPLICANT_ID_KEYS, *(k for k in values if k.endswith((".id_number", ".uscc"))))
    return _first(values, names), _first(values, ids)


def _first(values: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = values.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
