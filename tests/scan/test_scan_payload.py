"""Classifying scanned text: receipts, case numbers, credit codes, ID numbers, e-licences, unknown, unsafe."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import uscc

from desktop.cases.numbers import format_number, make_number
from desktop.forms.idnumbers import uscc_error
from desktop.scan.payload import MAX_PAYLOAD_CHARS, PayloadKind, classify
from printing.payload import format_receipt_payload, format_receipt_url

NUMBER = make_number("210102001", "03", date(2026, 11, 28), 7)
USCC = "91350100M000100Y43"
ELICENCE = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"


def test_our_receipt_qr_gives_case_number_and_query_code() -> None:
    payload = classify(format_receipt_payload(NUMBER, "583920"))
    assert (payload.kind, payload.value, payload.query_code) == (PayloadKind.RECEIPT, NUMBER, "583920")


def test_receipt_link_a_citizen_opens_is_recognised_as_our_receipt() -> None:
    url = format_receipt_url("https://zwfw.example.cn/yjs", format_number(NUMBER), "583920")
    assert url == f"https://zwfw.example.cn/yjs/q/{format_number(NUMBER)}?c=583920"
    payload = classify(url)
    assert (payload.kind, payload.value, payload.query_code, payload.text) == (
        PayloadKind.RECEIPT,
        NUMBER,
        "583920",
        url,
    )


def test_receipt_link_on_another_host_or_with_more_query_is_still_recognised() -> None:
    payload = classify(f"https://other.example.org/q/{NUMBER}?from=wx&c=000123")
    assert (payload.kind, payload.value, payload.query_code) == (PayloadKind.RECEIPT, NUMBER, "000123")


def test_receipt_link_with_a_bad_query_code_is_invalid_with_reason() -> None:
    payload = classify(f"https://zwfw.example.cn/q/{NUMBER}?c=58392")
    assert (payload.kind, payload.value) == (PayloadKind.INVALID, NUMBER)
    assert "查询密码" in payload.problem


@pytest.mark.parametrize(
    "text",
    [
        f"http://zwfw.example.cn/q/{NUMBER}?c=583920",  # not https: not a link we print
        f"https://zwfw.example.cn/q/{NUMBER[:-1]}{'0' if NUMBER[-1] != '0' else '1'}?c=583920",  # check character
        f"https://zwfw.example.cn/q/{NUMBER}",  # no query code
        f"https://zwfw.example.cn/q/{NUMBER}?c=583920&c=111111",  # two query codes
        "https://www.example.com/q/abc?c=583920",
    ],
)
def test_links_that_are_not_a_sound_receipt_are_not_taken_for_one(text: str) -> None:
    assert classify(text).kind is not PayloadKind.RECEIPT


def test_receipt_with_grouped_case_number_is_normalised() -> None:
    payload = classify(format_receipt_payload(format_number(NUMBER), "000123"))
    assert (payload.kind, payload.value) == (PayloadKind.RECEIPT, NUMBER)


@pytest.mark.parametrize(
    "text",
    [
        f"YISHI:1;N={NUMBER[:-1]}{'0' if NUMBER[-1] != '0' else '1'};Q=583920",  # wrong check character
        f"YISHI:1;N={NUMBER};Q=58392",  # query code too short
        f"YISHI:2;N={NUMBER};Q=583920",  # a version we do not know
        "YISHI:1;Q=583920",
    ],
)
def test_damaged_or_foreign_receipt_is_invalid_not_guessed(text: str) -> None:
    payload = classify(text)
    assert payload.kind is PayloadKind.INVALID
    assert payload.problem


def test_bare_case_number_from_a_code128_is_recognised() -> None:
    assert classify(NUMBER).kind is PayloadKind.CASE_NUMBER
    assert classify(format_number(NUMBER)).value == NUMBER


@pytest.mark.parametrize("text", ["11010519491231002X", "440524188001010014", " 11010519491231002x "])
def test_valid_resident_id_numbers(text: str) -> None:
    payload = classify(text)
    assert payload.kind is PayloadKind.RESIDENT_ID
    assert payload.value == text.strip().upper()


def test_resident_id_with_wrong_check_digit_is_invalid_with_reason() -> None:
    payload = classify("110105194912310021")
    assert payload.kind is PayloadKind.INVALID
    assert payload.problem


def test_bare_credit_code_is_recognised() -> None:
    assert (classify(USCC).kind, classify(USCC).value) == (PayloadKind.USCC, USCC)


def test_credit_code_with_wrong_check_is_invalid() -> None:
    payload = classify(USCC[:-1] + ("4" if USCC[-1] != "4" else "5"))
    assert payload.kind is PayloadKind.INVALID
    assert "统一社会信用代码" in payload.problem


@pytest.mark.parametrize(
    "text",
    [
        f"http://www.gsxt.gov.cn/index.html?uniscid={USCC}",
        f"统一社会信用代码：{USCC}\n名称：某某科技有限公司\n类型：有限责任公司",
        f"https://example.gov.cn/verify?code={USCC}&t=1",
    ],
)
def test_business_licence_qr_text_yields_its_credit_code(text: str) -> None:
    payload = classify(text)
    assert (payload.kind, payload.value, payload.text) == (PayloadKind.USCC, USCC, text)


def test_two_different_credit_codes_in_one_text_are_not_guessed() -> None:
    other = "91110108MA01ABCDE0"
    if uscc_error(other):  # build a second valid code by fixing the check character
        other = other[:-1] + uscc.calc_check_digit(other[:-1])
    payload = classify(f"a={USCC}&b={other}")
    assert payload.kind is PayloadKind.UNKNOWN


def test_invalid_code_inside_a_url_is_just_unknown() -> None:
    assert classify("http://x.cn/?id=91350100M000100Y44").kind is PayloadKind.UNKNOWN


def test_e_licence_identifier() -> None:
    payload = classify(ELICENCE)
    assert (payload.kind, payload.value) == (PayloadKind.ELICENCE, ELICENCE)
    assert classify(ELICENCE[:-1] + "V").kind is PayloadKind.INVALID


@pytest.mark.parametrize("text", ["6901234567892", "你好，世界", "https://www.example.com/"])
def test_other_text_is_unknown_and_shown_as_is(text: str) -> None:
    payload = classify(text)
    assert (payload.kind, payload.text, payload.value) == (PayloadKind.UNKNOWN, text, "")


@pytest.mark.parametrize(
    "text",
    [
        "A" * (MAX_PAYLOAD_CHARS + 1),
        f"{USCC}\x00",
        "abc\x1bdef",
        "\x85next line",
        "evil\u202etxt.exe",
        f"YISHI:1;N={NUMBER};Q=583920\x07",
    ],
)
def test_oversized_or_control_character_text_is_invalid_and_not_kept(text: str) -> None:
    payload = classify(text)
    assert payload.kind is PayloadKind.INVALID
    assert payload.text == "" and payload.value == ""
    assert payload.problem


def test_multiline_text_is_allowed() -> None:
    assert classify("第一行\r\n第二行\t完").kind is PayloadKind.UNKNOWN
