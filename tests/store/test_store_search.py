"""The search box decides what was typed and finds it through an index, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ANSWERS, ITEMS, WINDOW_3, materials

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialStatus, plan_outcomes
from desktop.cases.numbers import format_number
from desktop.cases.states import Decision
from desktop.store.repo import Store
from desktop.store.search import SearchKind, classify

PERSON = {"applicant.name": "张三丰", "applicant.id_number": "11010519491231002X", "applicant.phone": "13812345678"}
OTHER = {"applicant.name": "李四", "applicant.id_number": "210102198001011234", "contact.phone": "024-23456789"}
COMPANY = {
    "enterprise.name": "沈阳恒远科技有限公司",
    "enterprise.uscc": "91210102MA0U123456",
    "contact.phone": "13900001111",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        target: str | Path = tmp_path / "cases.sqlite3"
    else:
        if not os.environ.get("YISHI_TEST_PG_URL"):
            pytest.skip("YISHI_TEST_PG_URL is not set")
        target = request.getfixturevalue("pg_url")
    opened = Store(target, clock=Clock(), local_dir=tmp_path)
    yield opened
    opened.close()


def decided(store: Store, values: dict[str, Any], bundle: str = "LNYJS001") -> tuple[uuid.UUID, str]:
    draft = store.new_draft(bundle, "2026.1", WINDOW_3)
    mats = materials(MaterialStatus.CHECKED)
    case = store.decide(
        draft.id,
        Decision.ACCEPT,
        answers=ANSWERS,
        values=values,
        items=plan_outcomes(Decision.ACCEPT, ITEMS, mats),
        materials=mats,
        profile=WINDOW_3,
    )
    assert case.number is not None
    return case.id, case.number


def found(store: Store, typed: str) -> set[uuid.UUID]:
    return {c.id for c in store.list_cases(text=typed)}


def test_what_was_typed_decides_the_kind_of_search() -> None:
    assert classify("210102001-03-261128-0007-K").kind is SearchKind.NUMBER
    assert classify(" 11010519491231002x ").kind is SearchKind.ID
    assert classify("91210102MA0U123456").kind is SearchKind.ID
    assert classify("138 1234 5678").kind is SearchKind.PHONE
    assert classify("024-23456789").kind is SearchKind.PHONE
    assert classify("LNYJS001").kind is SearchKind.BUNDLE
    assert classify("恒远科技").kind is SearchKind.KEYWORD
    assert classify("49123").kind is SearchKind.KEYWORD
    assert classify("张").kind is SearchKind.INITIAL
    assert classify("张三").kind is SearchKind.PREFIX


def test_each_kind_of_search_finds_its_case_and_only_it(store: Store) -> None:
    person, person_number = decided(store, PERSON)
    other, _ = decided(store, OTHER)
    company, _ = decided(store, COMPANY, bundle="LNYJS033")
    assert found(store, format_number(person_number)) == {person}
    assert found(store, person_number.lower()) == {person}
    assert found(store, "11010519491231002x") == {person}
    assert found(store, "91210102MA0U123456") == {company}
    assert found(store, "138-1234-5678") == {person}
    assert found(store, "02423456789") == {other}  # the contact's phone when the applicant gave none
    assert found(store, "LNYJS033") == {company}
    assert found(store, "张") == {person}  # a surname
    assert found(store, "李四") == {other}  # a two-character name
    assert found(store, "张三丰") == {person}
    assert found(store, "恒远科技") == {company}  # part of a name
    assert found(store, "19491231") == {person}  # part of an ID
    assert found(store, "王五") == set()


def test_search_text_is_never_read_as_query_syntax(store: Store) -> None:
    decided(store, COMPANY)
    assert found(store, '"恒远" OR 张*') == set()
    assert found(store, "100%_\\") == set()


def test_pages_by_keyset_cover_the_list_once_in_order(store: Store) -> None:
    rng = random.Random(4)
    made = [decided(store, {"applicant.name": f"申请人{rng.randint(0, 99)}"})[0] for _ in range(11)]
    whole = [c.id for c in store.list_cases(limit=100)]
    pages: list[uuid.UUID] = []
    after = None
    while page := store.list_cases(limit=4, after=after):
        pages += [c.id for c in page]
        after = (page[-1].updated_at, page[-1].id)
    assert pages == whole and sorted(whole) == sorted(made)
