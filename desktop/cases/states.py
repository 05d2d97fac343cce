"""The case state machine and the clerk's decision kinds.

``state`` follows a case from draft to the platform's result; ``decision``
(what the clerk decided at the window) is kept apart so lists can still show
办理结果 once the case is queued or synced.
"""

from __future__ import annotations

from enum import StrEnum


class CaseState(StrEnum):
    DRAFT = "draft"
    ACCEPTED = "accepted"
    DEFERRED_ACCEPTED = "deferred_accepted"
    SUPPLEMENT_NOTIFIED = "supplement_notified"
    REJECTED = "rejected"
    QUEUED = "queued"
    SYNCED = "synced"
    PLATFORM_ACCEPTED = "platform_accepted"
    COMPLETED = "completed"
    RETURNED = "returned"
    PLATFORM_REJECTED = "platform_rejected"
    QUARANTINED = "quarantined"
    # a draft the clerk deleted: its content is erased, the row stays so the audit chain naming it still verifies
    DISCARDED = "discarded"


class Decision(StrEnum):
    """The clerk's decision at the window."""

    ACCEPT = "accept"
    DEFER = "defer"
    NOTIFY = "notify"
    REJECT = "reject"


S = CaseState

TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.DRAFT: frozenset({S.ACCEPTED, S.DEFERRED_ACCEPTED, S.SUPPLEMENT_NOTIFIED, S.REJECTED, S.DISCARDED}),
    # the applicant came back with what was missing
    S.SUPPLEMENT_NOTIFIED: frozenset({S.ACCEPTED, S.DEFERRED_ACCEPTED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.QUEUED}),
    # deferred material supplied
    S.DEFERRED_ACCEPTED: frozenset({S.QUEUED, S.ACCEPTED}),
    S.REJECTED: frozenset({S.QUEUED}),
    S.QUEUED: frozenset({S.SYNCED, S.QUARANTINED}),
    # the clerk fixed what the platform refused and retries
    S.QUARANTINED: frozenset({S.QUEUED}),
    # queued again = a new revision after an edit
    S.SYNCED: frozenset({S.QUEUED, S.PLATFORM_ACCEPTED, S.COMPLETED, S.RETURNED, S.PLATFORM_REJECTED}),
    S.PLATFORM_ACCEPTED: frozenset({S.COMPLETED, S.RETURNED, S.PLATFORM_REJECTED}),
    S.RETURNED: frozenset({S.SUPPLEMENT_NOTIFIED}),
    S.COMPLETED: frozenset(),
    S.PLATFORM_REJECTED: frozenset(),
    S.DISCARDED: frozenset(),
}

STATE_LABELS: dict[CaseState, str] = {
    S.DRAFT: "草稿",
    S.ACCEPTED: "已受理",
    S.DEFERRED_ACCEPTED: "容缺受理",
    S.SUPPLEMENT_NOTIFIED: "已告知补正",
    S.REJECTED: "不予受理",
    S.QUEUED: "待上报",
    S.SYNCED: "已上报",
    S.PLATFORM_ACCEPTED: "在办",
    S.COMPLETED: "办结",
    S.RETURNED: "退件(需补正)",
    S.PLATFORM_REJECTED: "平台不予受理",
    S.QUARANTINED: "上报被拒(待处理)",
    S.DISCARDED: "草稿已删除",
}

DECISION_LABELS: dict[Decision, str] = {
    Decision.ACCEPT: "受理",
    Decision.DEFER: "容缺受理",
    Decision.NOTIFY: "一次性告知补正",
    Decision.REJECT: "不予受理",
}

# the state a decision puts the case in, before it is queued
DECISION_STATE: dict[Decision, CaseState] = {
    Decision.ACCEPT: S.ACCEPTED,
    Decision.DEFER: S.DEFERRED_ACCEPTED,
    Decision.NOTIFY: S.SUPPLEMENT_NOTIFIED,
    Decision.REJECT: S.REJECTED,
}

# decisions whose result goes to the platform at once
QUEUED_DECISIONS = frozenset({Decision.ACCEPT, Decision.DEFER, Decision.REJECT})

# states the platform reports back on a synced case
PLATFORM_STATES = frozenset({S.PLATFORM_ACCEPTED, S.COMPLETED, S.RETURNED, S.PLATFORM_REJECTED})


class IllegalTransition(ValueError):  # noqa: N818 - the name the project uses
    """A state change the machine does not allow; carries ``source`` and ``target``."""

    def __init__(self, source: CaseState, target: CaseState) -> None:
        super().__init__(f"illegal case transition {source.value} -> {target.value}")
        self.source = source
        self.target = target


def can_transition(source: CaseState, target: CaseState) -> bool:
    return target in TRANSITIONS[source]


def check_transition(source: CaseState, target: CaseState) -> CaseState:
    """Return ``target`` if ``source -> target`` is allowed, else raise IllegalTransition."""
    if not can_transition(source, target):
        raise IllegalTransition(source, target)
    return target
