"""What the clerk hands over when deciding a case, and the rules a decision must meet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    outcome: Decision | None = None  # 办理结果 of this item; None for an item that does not apply
    outcome_reason: str = ""  # why it was refused, or what it lacks beyond missing materials


@dataclass(frozen=True)
class MaterialEntry:
    """One material of the merged checklist and how it was taken.

    ``deferrable`` and ``elicence_ok`` come from the catalog (every item allows 容缺 / the material exists as an
    e-licence), so the store can hold a decision to the same rule the window applied."""

    material_code: str
    name: str
    status: MaterialStatus
    copies: int = 0
    deadline: date | None = None  # for deferred materials
    items: list[str] = field(default_factory=list)  # item codes that ask for it
    deferrable: bool = True
    elicence_ok: bool = True


@dataclass(frozen=True)
class Problem:
    """Why a decision cannot be taken: the same reason in the window's Chinese and the log's English."""

    zh: str
    en: str


class DecisionError(ValueError):
    """The decision does not fit the materials, the form or the outcomes; ``problems`` lists why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.en for p in problems))
        self.problems = list(problems)


# The applicant's identity on a notice: a 一次性告知书 may go out with materials missing, never addressed to an
# invalid or unnamed identity (issue: it was once issued with an invalid applicant ID number).
IDENTITY_KEYS = frozenset({"applicant.name", "applicant.id_number", "enterprise.name", "enterprise.uscc"})


@dataclass(frozen=True)
class DecisionInput:
    """Everything the rule looks at: the items (outcomes set), the checklist as taken, the form's errors."""

    items: Sequence[ItemEntry]
    materials: Sequence[MaterialEntry]
    form_errors: Mapping[str, str] = field(default_factory=dict)  # element code -> Chinese message
    reason: str | None = None  # the case's 不予受理 reason or other defects told at once

    def materials_of(self, item_code: str) -> list[MaterialEntry]:
        return [m for m in self.materials if not m.items or item_code in m.items]


def case_decision(outcomes: Iterable[Decision]) -> Decision:
    """The case's decision from its items' outcomes: the case goes ahead (and is queued) when any item does.

    Any 容缺受理 item makes the case 容缺受理; else any 受理 makes it 受理; else any 一次性告知 makes it 一次性告知
    (the applicant returns); only a case whose every item is refused is 不予受理."""
    found = set(outcomes)
    for decision in (Decision.DEFER, Decision.ACCEPT, Decision.NOTIFY):
        if decision in found:
            return decision
    return Decision.REJECT


def plan_outcomes(
    decision: Decision, items: Sequence[ItemEntry], materials: Sequence[MaterialEntry]
) -> list[ItemEntry]:
    """The items with the outcomes a case-level choice gives them: every applying item gets ``decision``, except
    that under 容缺受理 an item none of whose materials is deferred is simply 受理."""
    data = DecisionInput(items, materials)
    planned = []
    for item in items:
        outcome: Decision | None = None
        if item.applies:
            outcome = decision
            deferred = any(m.status is MaterialStatus.DEFERRED for m in data.materials_of(item.item_code))
            if decision is Decision.DEFER and not deferred:
                outcome = Decision.ACCEPT
        planned.append(replace(item, outcome=outcome, outcome_reason=item.outcome_reason if outcome else ""))
    return planned


def _item_problems(item: ItemEntry, data: DecisionInput) -> list[Problem]:
    name, outcome = item.item_code, item.outcome
    mats = data.materials_of(name)
    missing = [m.material_code for m in mats if m.status is MaterialStatus.MISSING]
    deferred = [m for m in mats if m.status is MaterialStatus.DEFERRED]
    problems: list[Problem] = []
    if outcome is Decision.ACCEPT and (missing or deferred):
        problems.append(
            Problem("仍有材料缺少或容缺，不能直接受理", f"{name}: cannot accept with materials missing or deferred")
        )
    elif outcome is Decision.DEFER:
        if missing:
            problems.append(
                Problem("有不可容缺的材料缺少，只能一次性告知", f"{name}: deferral cannot leave materials missing")
            )
        if not deferred:
            problems.append(Problem("没有容缺材料，请直接受理", f"{name}: deferral needs a deferred material"))
        if item.promised_days == 0:
            problems.append(Problem("即办事项不适用容缺受理", f"{name}: an on-the-spot item allows no deferral"))
        if any(m.deadline is None for m in deferred):
            problems.append(Problem("容缺材料须设定补正期限", f"{name}: every deferred material needs a deadline"))
    elif outcome is Decision.NOTIFY and not _case_lacks_something(item, data):
        problems.append(Problem("材料齐全，无需告知补正", f"{name}: a supplement notice needs something missing"))
    elif outcome is Decision.REJECT and not (item.outcome_reason or data.reason or "").strip():
        problems.append(Problem("不予受理须写明理由", f"{name}: a rejection needs a reason"))
    return problems


def _case_lacks_something(item: ItemEntry, data: DecisionInput) -> bool:
    # The whole application waits for what is missing, so any item may be told to wait with it; a defect that is
    # not a material (不符合法定形式) is told in the reason.
    missing = any(m.status is MaterialStatus.MISSING for m in data.materials)
    return missing or bool((item.outcome_reason or data.reason or "").strip())


def _material_problems(data: DecisionInput) -> list[Problem]:
    problems = []
    for m in data.materials:
        if m.status is MaterialStatus.DEFERRED and not m.deferrable:
            problems.append(Problem(f"「{m.name}」不可容缺", f"material {m.material_code} is not deferrable"))
        if m.status is MaterialStatus.ELICENCE and not m.elicence_ok:
            problems.append(Problem(f"「{m.name}」没有电子证照", f"material {m.material_code} has no e-licence"))
    return problems


def _form_problems(outcomes: set[Decision], data: DecisionInput) -> list[Problem]:
    errors = data.form_errors
    if outcomes & {Decision.ACCEPT, Decision.DEFER} and errors:
        return [Problem(f"表单还有{len(errors)}处需要填写或更正", f"form has errors: {', '.join(errors)}")]
    identity = sorted(k for k in errors if k in IDENTITY_KEYS)
    if Decision.NOTIFY in outcomes and identity:
        return [Problem("申请人身份信息有误，不能出具告知书", f"applicant identity invalid: {', '.join(identity)}")]
    return []


def decision_problems(decision: Decision, data: DecisionInput) -> list[Problem]:
    """Why ``decision`` with these item outcomes cannot be taken (empty when it can): the one rule the window asks
    and the store enforces."""
    applying = [i for i in data.items if i.applies]
    if not applying:
        return [Problem("没有适用的事项", "no item applies")]
    problems = [
        Problem("每个适用事项都须有办理结果", f"{i.item_code}: an applying item needs an outcome")
        for i in applying
        if i.outcome is None
    ]
    if problems:
        return problems
    outcomes = {i.outcome for i in applying if i.outcome is not None}
    if case_decision(outcomes) is not decision:
        problems.append(
            Problem("办件结论与各事项结果不一致", f"case decision {decision.value} does not follow the items")
        )
    for item in applying:
        problems += _item_problems(item, data)
    problems += _material_problems(data)
    problems += _form_problems(outcomes, data)
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def why_not(decision: Decision, data: DecisionInput) -> str | None:
    """The first reason in Chinese, for the window; None when the case-level choice is allowed as planned."""
    problems = decision_problems(decision, replace(data, items=plan_outcomes(decision, data.items, data.materials)))
    return problems[0].zh if problems else None


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
