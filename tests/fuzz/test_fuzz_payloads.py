"""Fuzzing scanned payloads: whatever a QR code or a keyboard-wedge scanner delivers, ``classify`` answers with a
kind, never an exception; a refusal always says why; an unsafe text is never kept; the answer depends on the text
alone; and the raw-bytes step (charset guessing) always yields text.

Inputs: any Unicode text (control and bidi characters included), and texts built near the shapes the window
recognises (receipt links and ``YISHI:1`` texts, case numbers, ID numbers, credit codes, e-licence identifiers)
with one character changed, cut or doubled.
"""

from __future__ import annotations

import pytest
from fuzz_helpers import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from desktop.forms.idnumbers import id_error, uscc_error
from desktop.scan.charset import decode_bytes
from desktop.scan.payload import MAX_PAYLOAD_CHARS, PayloadKind, classify, unsafe_reason
from printing.payload import PREFIX as RECEIPT_PREFIX

pytestmark = pytest.mark.fuzz

SEEDS = [
    f"{RECEIPT_PREFIX}2101020320261130000123K|482913",
    "https://zwfw.example.gov.cn/q/2101020320261130000123K?c=482913",
    "2101020320261130000123K",
    "11010519491231002X",
    "110105491231002",
    "91210102MA0QC1234X",
    "https://www.gsxt.gov.cn/index?uniscid=91210102MA0QC1234X&name=某公司",
    "1210100000000000001234567890123456",
    "2101021980010112 34",
]
ALPHABET = (
    st.sampled_from(list("0123456789XABCDEFGHJKLMNPQRTUWXY|?=&/:.-_ \t\r\n\x00\x1b\u202e\u3000中")) | st.characters()
)


@st.composite
def near_valid(draw: st.DrawFn) -> str:
    """A recognised shape with a few characters changed, cut, doubled or inserted."""
    text = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, max(len(text) - 1, 0)))
        action = draw(st.sampled_from(["change", "cut", "double", "insert"]))
        if not text:
            break
        if action == "change":
            text[where] = draw(ALPHABET)
        elif action == "cut":
            del text[where]
        elif action == "double":
            text.insert(where, text[where])
        else:
            text.insert(where, draw(ALPHABET))
    return "".join(text)


TEXTS = st.text(max_size=300) | near_valid() | st.text(ALPHABET, max_size=80) | st.just("x" * (MAX_PAYLOAD_CHARS + 1))


@FUZZ
@given(TEXTS)
def test_any_scanned_text_gets_a_kind_and_a_refusal_says_why(text: str) -> None:
    payload = classify(text)
    assert payload.kind in PayloadKind
    assert payload == classify(text)  # the answer is the text's alone: nothing was kept between calls
    if unsafe_reason(text) is not None:
        assert payload.kind is PayloadKind.INVALID and payload.text == "" and payload.problem
        return
    if payload.kind is PayloadKind.INVALID:
        assert payload.problem.strip(), f"refused without a reason: {text!r}"
        assert "\n" not in payload.problem and len(payload.problem) < 200
    if payload.kind is PayloadKind.RESIDENT_ID:
        assert id_error(payload.value) is None
    if payload.kind is PayloadKind.USCC:
        assert uscc_error(payload.value) is None and payload.value in "".join(text.upper().split())
    if payload.kind is PayloadKind.RECEIPT:
        assert payload.value and len(payload.query_code) == 6 and payload.query_code.isdigit()


@FUZZ
@given(st.binary(max_size=400), st.none() | st.integers(-5, 1000))
def test_any_raw_bytes_decode_to_text_and_then_classify(raw: bytes, eci: int | None) -> None:
    text, charset = decode_bytes(raw, eci)
    assert isinstance(text, str) and charset
    assert classify(text).kind in PayloadKind
