import itertools

import pytest

from desktop.cases.states import (
    DECISION_LABELS,
    STATE_LABELS,
    CaseState,
    Decision,
    IllegalTransition,
    can_transition,
    check_transition,
)

S = CaseState
ALLOWED = {
    (S.DRAFT, S.ACCEPTED),
    (S.DRAFT, S.DEFERRED_ACCEPTED),
    (S.DRAFT, S.SUPPLEMENT_NOTIFIED),
    (S.DRAFT, S.REJECTED),
    (S.DRAFT, S.DISCARDED),  # a deleted draft (never a decided case)
    (S.SUPPLEMENT_NOTIFIED, S.ACCEPTED),
    (S.SUPPLEMENT_NOTIFIED, S.DEFERRED_ACCEPTED),
    (S.SUPPLEMENT_NOTIFIED, S.REJECTED),
    (S.ACCEPTED, S.QUEUED),
    (S.DEFERRED_ACCEPTED, S.QUEUED),
    (S.REJECTED, S.QUEUED),
    (S.DEFERRED_ACCEPTED, S.ACCEPTED),
    (S.QUEUED, S.SYNCED),
    (S.QUEUED, S.QUARANTINED),
    (S.QUARANTINED, S.QUEUED),
    (S.SYNCED, S.QUEUED),
    (S.SYNCED, S.PLATFORM_ACCEPTED),
    (S.SYNCED, S.COMPLETED),
    (S.SYNCED, S.RETURNED),
    (S.SYNCED, S.PLATFORM_REJECTED),
    (S.PLATFORM_ACCEPTED, S.COMPLETED),
    (S.PLATFORM_ACCEPTED, S.RETURNED),
    (S.PLATFORM_ACCEPTED, S.PLATFORM_REJECTED),
    (S.RETURNED, S.SUPPLEMENT_NOTIFIED),
}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(S, S)))
def test_every_pair_is_allowed_exactly_when_the_table_says(source: CaseState, target: CaseState) -> None:
    if (source, target) in ALLOWED:
        assert can_transition(source, target)
        assert check_transition(source, target) is target
    else:
        assert not can_transition(source, target)
        with pytest.raises(IllegalTransition) as info:
            check_transition(source, target)
        assert (info.value.source, info.value.target) == (source, target)


def test_every_state_and_decision_has_a_chinese_label() -> None:
    assert set(STATE_LABELS) == set(S)
    assert set(DECISION_LABELS) == set(Decision)
    assert STATE_LABELS[S.PLATFORM_ACCEPTED] == "在办"
    assert STATE_LABELS[S.COMPLETED] == "办结"
    assert all("\u4e00" <= label[0] <= "\u9fff" for label in [*STATE_LABELS.values(), *DECISION_LABELS.values()])
