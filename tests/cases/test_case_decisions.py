from datetime import date

import pytest

from desktop.cases.decisions import (
    DecisionInput,
    ItemEntry,
    MaterialEntry,
    MaterialStatus,
    applicant_of,
    case_decision,
    decision_problems,
    plan_outcomes,
)
from desktop.cases.profile import Profile
from desktop.cases.states import Decision

M = MaterialStatus


def mat(
    code: str,
    status: MaterialStatus,
    deadline: date | None = None,
    items: tuple[str, ...] = (),
    *,
    deferrable: bool = True,
    elicence_ok: bool = True,
) -> MaterialEntry:
    return MaterialEntry(
        code, code, status, deadline=deadline, items=list(items), deferrable=deferrable, elicence_ok=elicence_ok
    )


def item(code: str, outcome: Decision | None, *, days: int = 5, why: str = "") -> ItemEntry:
    return ItemEntry(code, True, "某部门", promised_days=days, outcome=outcome, outcome_reason=why)


def problems(decision: Decision, materials: list[MaterialEntry], reason: str | None = None, **errors: str) -> list[str]:
    """The rule for a one-item case whose item takes the case-level decision."""
    data = DecisionInput(
        [item("A", decision)], materials, {k.replace("_", ".", 1): v for k, v in errors.items()}, reason
    )
    return [p.en for p in decision_problems(decision, data)]


SOON = date(2026, 12, 7)


def test_accept_needs_every_material_taken() -> None:
    assert problems(Decision.ACCEPT, [mat("a", M.RECEIVED), mat("b", M.ELICENCE)]) == []
    assert problems(Decision.ACCEPT, [mat("a", M.MISSING)])
    assert problems(Decision.ACCEPT, [mat("a", M.DEFERRED, SOON)])


def test_deferral_needs_a_deferrable_material_with_a_deadline_and_nothing_missing() -> None:
    assert problems(Decision.DEFER, [mat("a", M.DEFERRED, SOON)]) == []
    assert problems(Decision.DEFER, [mat("a", M.RECEIVED)])
    assert problems(Decision.DEFER, [mat("a", M.DEFERRED)])
    assert problems(Decision.DEFER, [mat("a", M.DEFERRED, SOON), mat("b", M.MISSING)])
    assert problems(Decision.DEFER, [mat("a", M.DEFERRED, SOON, deferrable=False)])


def test_an_on_the_spot_item_allows_no_deferral() -> None:
    data = DecisionInput([item("A", Decision.DEFER, days=0)], [mat("a", M.DEFERRED, SOON)])
    assert [p.zh for p in decision_problems(Decision.DEFER, data)] == ["即办事项不适用容缺受理"]


def test_an_elicence_mark_needs_a_material_that_exists_as_an_elicence() -> None:
    assert problems(Decision.ACCEPT, [mat("a", M.ELICENCE, elicence_ok=False)])


def test_a_supplement_notice_needs_something_missing_and_never_an_invalid_identity() -> None:
    assert problems(Decision.NOTIFY, [mat("a", M.MISSING)]) == []
    assert problems(Decision.NOTIFY, [mat("a", M.RECEIVED)])
    assert problems(Decision.NOTIFY, [mat("a", M.DEFERRED, SOON)])
    assert problems(Decision.NOTIFY, [mat("a", M.RECEIVED)], "申请表未签字（不符合法定形式）") == []
    assert problems(Decision.NOTIFY, [mat("a", M.MISSING)], applicant_phone="电话号码格式不正确") == []
    assert problems(Decision.NOTIFY, [mat("a", M.MISSING)], applicant_id_number="身份证号码校验位不正确")


def test_accepting_needs_a_form_without_errors() -> None:
    assert problems(Decision.ACCEPT, [mat("a", M.RECEIVED)], applicant_phone="电话号码格式不正确")


def test_a_rejection_needs_a_reason() -> None:
    assert problems(Decision.REJECT, [], "  ")
    assert problems(Decision.REJECT, [], "不属于本中心受理范围") == []


def test_items_decide_the_case_which_goes_ahead_when_any_item_does() -> None:
    assert case_decision([Decision.ACCEPT, Decision.NOTIFY]) is Decision.ACCEPT
    assert case_decision([Decision.ACCEPT, Decision.DEFER, Decision.REJECT]) is Decision.DEFER
    assert case_decision([Decision.NOTIFY, Decision.REJECT]) is Decision.NOTIFY
    assert case_decision([Decision.REJECT]) is Decision.REJECT


def test_four_items_accepted_and_the_fifth_told_what_it_lacks() -> None:
    materials = [mat("id", M.CHECKED), mat("lease", M.MISSING, items=("E",))]
    items = [item(c, Decision.ACCEPT) for c in "ABCD"] + [item("E", Decision.NOTIFY)]
    assert decision_problems(Decision.ACCEPT, DecisionInput(items, materials)) == []
    wrong = [item(c, Decision.ACCEPT) for c in "ABCDE"]
    assert [p.en for p in decision_problems(Decision.ACCEPT, DecisionInput(wrong, materials))] == [
        "E: cannot accept with materials missing or deferred"
    ]
    assert decision_problems(Decision.NOTIFY, DecisionInput(items, materials))  # the items add up to 受理


def test_every_applying_item_needs_an_outcome() -> None:
    data = DecisionInput([item("A", Decision.ACCEPT), item("B", None)], [mat("a", M.RECEIVED)])
    assert [p.en for p in decision_problems(Decision.ACCEPT, data)] == ["B: an applying item needs an outcome"]


def test_planning_a_deferral_accepts_the_items_with_nothing_deferred() -> None:
    items = [item("A", None), item("B", None), ItemEntry("C", False, "某部门")]
    materials = [mat("id", M.CHECKED), mat("contract", M.DEFERRED, SOON, items=("B",))]
    planned = {i.item_code: i.outcome for i in plan_outcomes(Decision.DEFER, items, materials)}
    assert planned == {"A": Decision.ACCEPT, "B": Decision.DEFER, "C": None}


def test_applicant_is_the_person_or_else_the_enterprise() -> None:
    assert applicant_of({"applicant.name": "张三", "applicant.id_number": "11010519491231002X"}) == (
        "张三",
        "11010519491231002X",
    )
    assert applicant_of({"enterprise.name": "某公司", "enterprise.uscc": "91350100M000100Y43"}) == (
        "某公司",
        "91350100M000100Y43",
    )
    assert applicant_of({}) == (None, None)


def test_profile_validates_division_and_window() -> None:
    profile = Profile("和平区政务服务中心", "210102", "03", "王芳")
    assert profile.window_key == "21010200003"
    assert not profile.is_field
    assert Profile("某街道便民服务中心", "210102001", "91", "李").is_field
    for division, window in [("21010", "03"), ("210102", "00"), ("210102", "3"), ("210102999", "01")]:
        with pytest.raises(ValueError):
            Profile("中心", division, window, "王芳")


def test_applicant_falls_back_to_the_first_party_named_in_the_form() -> None:
    values = {"seller.name": "王某", "seller.id_number": "11010519491231002X", "buyer.name": "李某"}
    assert applicant_of(values) == ("王某", "11010519491231002X")
    assert applicant_of({"applicant.name": "张三", "seller.name": "王某"})[0] == "张三"
