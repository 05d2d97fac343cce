"""The rule language evaluates data and refuses anything else."""

from __future__ import annotations

import pytest

from desktop.forms.expr import ExprError, holds, parse


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "open('/etc/passwd')",
        "(1).__class__",
        "applicant.name.__class__",
        "[x for x in []]",
        "lambda: 1",
        "a[0]",
        "a ** 2",
    ],
)
def test_refuses_what_is_not_a_rule(source: str) -> None:
    with pytest.raises(ExprError):
        parse(source)


def test_reads_answers_and_elements() -> None:
    expr = parse("by_agent == 'agent' and not empty(agent.name)")
    assert expr.answers == {"by_agent"} and expr.elements == {"agent.name"}
    assert expr({"by_agent": "agent"}, {"agent.name": "张三"}) is True
    assert not expr({"by_agent": "self"}, {"agent.name": "张三"})


def test_id_functions_and_date_comparison() -> None:
    values = {"mother.id_number": "11010519491231002X", "deceased.death_date": "2026-01-02"}
    assert holds("id_sex(mother.id_number) == '女'", {}, values)
    assert holds("id_birth_date(mother.id_number) == '1949-12-31'", {}, values)
    assert holds("deceased.death_date >= id_birth_date(mother.id_number)", {}, values)


def test_comparing_with_a_missing_value_fails_the_rule_without_crashing() -> None:
    assert holds("deceased.death_date > '2000-01-01'", {}, {}) is False
    assert holds("age(applicant.birth_date) >= 60", {}, {"applicant.birth_date": "not a date"}) is False


def test_absent_rule_holds() -> None:
    assert holds(None, {}, {})
