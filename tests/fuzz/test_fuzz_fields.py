"""Fuzzing the form's field check: every element of the shipped catalog (every field kind: text, ID number, credit
code, phone, date, choice, yes/no, money, count, address) against any value a form, a scan or a pasted text may
carry. ``field_error`` answers ``None`` or one clear Chinese line, never an exception, and changes neither the
element nor the value.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from fuzz_helpers import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from desktop.catalog.loader import load
from desktop.catalog.schema import Element, FieldKind
from desktop.forms.validate import field_error
from desktop.paths import catalog_dir

pytestmark = pytest.mark.fuzz

SHIPPED = load(catalog_dir()).catalog.elements
# one element of every kind besides the shipped ones (the catalog uses no yes/no field today), each way round
EVERY_KIND = [
    Element.model_validate(
        {"code": f"fuzz.{kind.value}_{n}", "label": "字段", "kind": kind, "not_future": bool(n)}
        | ({"options": ["是", "否", "不详"]} if kind is FieldKind.CHOICE else {})
    )
    for kind in FieldKind
    for n in (0, 1)
]
ELEMENTS = SHIPPED + EVERY_KIND

NEAR = (
    st.sampled_from(["11010519491231002X", "91210102MA0QC1234X", "13800138000", "024-23456789", "2026-11-30"])
    | st.sampled_from(["12.345", "-1", "1e999", "NaN", "Infinity", "0x10", "１２３", "1_000", "9" * 5000, "3.", ".5"])
    | st.sampled_from(["2026-02-30", "0001-01-01", "9999-12-31", "２０２６-１１-３０", "2026-11-30T00:00"])
)
SCALARS = (
    st.text(max_size=600)
    | NEAR
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.none()
    | st.decimals(allow_nan=True)
)
KEYS = st.sampled_from(["division", "detail", "x"]) | st.text(max_size=5)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["division", "detail", "x"]) | st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)
ADDRESSES = st.fixed_dictionaries(
    {"division": st.text(max_size=14) | st.sampled_from(["210102", "210102001", "210102001001"]) | SCALARS},
    optional={"detail": SCALARS},
)


def test_every_field_kind_is_fuzzed() -> None:
    assert {e.kind for e in ELEMENTS} == set(FieldKind) and len(SHIPPED) > 20


@FUZZ
@given(
    st.sampled_from(ELEMENTS),
    VALUES | ADDRESSES,
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_any_value_in_any_field_ends_in_none_or_one_clear_message(element: Element, value: Any, today: dt.date) -> None:
    before_element, before_value = element.model_dump(), copy.deepcopy(value)
    message = field_error(element, value, today)
    assert message is None or (isinstance(message, str) and message.strip() and "\n" not in message)
    if message is not None:
        assert len(message) <= 200 + sum(len(o) + 1 for o in element.options)
        assert "Traceback" not in message and "Error" not in message
    assert element.model_dump() == before_element
    assert repr(value) == repr(before_value)  # (NaN is never equal to itself, its repr is)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN"])
@pytest.mark.parametrize("kind", [FieldKind.MONEY, FieldKind.COUNT])
def test_numbers_decimal_reads_but_a_form_cannot_take_are_refused(kind: FieldKind, text: str) -> None:
    element = next(e for e in EVERY_KIND if e.kind is kind)
    message = field_error(element, text, dt.date(2026, 11, 30))
    assert message == "请输入数字"
