from datetime import date

import pytest

from desktop.cases.decisions import MaterialEntry, MaterialStatus, applicant_of, decision_problems
from desktop.cases.profile import Profile
from desktop.cases.states import Decision

M = MaterialStatus


def mat(code: str, status: MaterialStatus, deadline: date | None = None) -> MaterialEntry:
    return MaterialEntry(code, code, status, deadline=deadline)


def test_accept_needs_every_material_taken() -> None:
    assert decision_problems(Decision.ACCEPT, [mat("a", M.RECEIVED), mat("b", M.ELICENCE)], None) == []
    assert decision_problems(Decision.ACCEPT, [mat("a", M.MISSING)], None)
    assert decision_problems(Decision.ACCEPT, [mat("a", M.DEFERRED, date(2026, 1, 1))], None)


def test_defer_needs_a_deferred_material_with_deadline_and_nothing_missing() -> None:
    assert decision_problems(Decision.DEFER, [mat("a", M.DEFERRED, date(2026, 1, 1))], None) == []
    assert decision_problems(Decision.DEFER, [mat("a", M.RECEIVED)], None)
    assert decision_problems(Decision.DEFER, [mat("a", M.DEFERRED)], None)
    assert decision_problems(Decision.DEFER, [mat("a", M.DEFERRED, date(2026, 1, 1)), mat("b", M.MISSING)], None)


def test_notify_needs_something_missing_and_reject_needs_a_reason() -> None:
    assert decision_problems(Decision.NOTIFY, [mat("a", M.MISSING)], None) == []
    assert decision_problems(Decision.NOTIFY, [mat("a", M.RECEIVED)], None)
    assert decision_problems(Decision.REJECT, [], "  ")
    assert decision_problems(Decision.REJECT, [], "不属于本中心受理范围") == []


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
    from desktop.cases.decisions import applicant_of

    values = {"seller.name": "王某", "seller.id_number": "11010519491231002X", "buyer.name": "李某"}
    assert applicant_of(values) == ("王某", "11010519491231002X")
    assert applicant_of({"applicant.name": "张三", "seller.name": "王某"})[0] == "张三"
