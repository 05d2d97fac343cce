"""The clerk's decision: which of 受理 / 容缺受理 / 一次性告知 / 不予受理 the marks allow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from desktop.cases.decisions import MATERIAL_STATUS_LABELS, MaterialStatus
from desktop.cases.states import Decision
from desktop.forms.checklist import ChecklistEntry

STATUS_LABELS: dict[MaterialStatus | None, str] = {None: "未核验", **dict(MATERIAL_STATUS_LABELS.items())}
PRESENT = frozenset({MaterialStatus.RECEIVED, MaterialStatus.CHECKED, MaterialStatus.ELICENCE})


@dataclass
class Mark:
    """The clerk's mark on one checklist row."""

    status: MaterialStatus | None = None  # None: not looked at yet
    copies: int = 0
    deadline_days: int | None = None
    attachments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Assessment:
    missing: tuple[str, ...]
    unchecked: tuple[str, ...]
    deferred: tuple[str, ...]
    blocking_deferrals: tuple[str, ...]

    def allowed(self, decision: Decision) -> bool:
        return not self.why_not(decision)

    def why_not(self, decision: Decision) -> str | None:
        """Why ``decision`` cannot be taken now, in Chinese; None when it can."""
        if decision is Decision.REJECT:
            return None
        if self.unchecked:
            return f"还有{len(self.unchecked)}项材料未核验"
        if decision is Decision.ACCEPT:
            return "仍有材料缺少或容缺，不能直接受理" if self.missing or self.deferred else None
        if decision is Decision.DEFER:
            if self.missing:
                return "有不可容缺的材料缺少，只能一次性告知"
            if self.blocking_deferrals:
                return "容缺材料须设定补正期限"
            return None if self.deferred else "没有容缺材料，请直接受理"
        return None if self.missing or self.deferred else "材料齐全，无需告知补正"


def assess(checklist: Sequence[ChecklistEntry], marks: Mapping[str, Mark]) -> Assessment:
    missing, unchecked, deferred, blocking = [], [], [], []
    for entry in checklist:
        mark = marks.get(entry.code, Mark())
        if mark.status is None:
            unchecked.append(entry.code)
        elif mark.status is MaterialStatus.MISSING:
            missing.append(entry.code)
        elif mark.status is MaterialStatus.DEFERRED:
            if entry.deferrable:
                deferred.append(entry.code)
                if not mark.deadline_days:
                    blocking.append(entry.code)
            else:
                missing.append(entry.code)
        elif mark.status is MaterialStatus.ELICENCE and not entry.material.elicence:
            missing.append(entry.code)
    return Assessment(tuple(missing), tuple(unchecked), tuple(deferred), tuple(blocking))
