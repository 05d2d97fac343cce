"""The clerk's marks on the checklist, and what the one decision rule (desktop.cases.decisions) says of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.cases.decisions import MATERIAL_STATUS_LABELS, DecisionInput, MaterialStatus, why_not
from desktop.cases.states import Decision

STATUS_LABELS: dict[MaterialStatus | None, str] = {None: "未核验", **dict(MATERIAL_STATUS_LABELS.items())}
PRESENT = frozenset({MaterialStatus.RECEIVED, MaterialStatus.CHECKED, MaterialStatus.ELICENCE})


@dataclass
class Mark:
    """The clerk's mark on one checklist row."""

    status: MaterialStatus | None = None  # None: not looked at yet (recorded as missing)
    copies: int = 0
    deadline_days: int | None = None
    attachments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Assessment:
    """The decision rule applied to what the window would record now (an unmarked row counts as missing)."""

    data: DecisionInput
    unchecked: tuple[str, ...]

    def allowed(self, decision: Decision) -> bool:
        return self.why_not(decision) is None

    def why_not(self, decision: Decision) -> str | None:
        """Why ``decision`` (each applying item given it, 受理 for items with nothing deferred under 容缺受理)
        cannot be taken now, in Chinese; None when it can."""
        return why_not(decision, self.data)
