import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.payload import (
    ReceiptPayload,
    format_receipt_payload,
    format_receipt_url,
    parse_receipt_payload,
    parse_receipt_text,
    parse_receipt_url,
    receipt_base_url_problem,
    receipt_qr_text,
)


def test_payload_has_the_documented_shape() -> None:
    text = format_receipt_payload("210102000-03-250926-0012-O", "583920")
    assert text == "YISHI:1;N=210102000-03-250926-0012-O;Q=583920"
    assert parse_receipt_payload(text) == ReceiptPayload("210102000-03-250926-0012-O", "583920")


@given(st.text(min_size=1), st.text())
def test_any_text_round_trips(case_number: str, query_code: str) -> None:
    text = format_receipt_payload(case_number, query_code)
    assert parse_receipt_payload(text) == ReceiptPayload(case_number, query_code)


@pytest.mark.parametrize(
    "text",
    ["", "https://example.org", "YISHI:2;N=1;Q=2", "YISHI:1;Q=2", "YISHI:1;N=;Q=2", "YISHI:1;N=%FF;Q=1", "yishi:1;N=1"],
)
def test_foreign_or_broken_text_is_not_a_receipt(text: str) -> None:
    assert parse_receipt_payload(text) is None


def test_unknown_fields_are_ignored_for_later_versions_of_v1() -> None:
    assert parse_receipt_payload("YISHI:1;X=new;N=A1;Q=9;flag") == ReceiptPayload("A1", "9")


def test_empty_case_number_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        format_receipt_payload("", "1")


NUMBER = "210102000-03-250926-0012-O"


def test_receipt_url_has_the_documented_shape_and_reads_back() -> None:
    url = format_receipt_url("https://zwfw.example.cn/yjs/", NUMBER, "583920")
    assert url == f"https://zwfw.example.cn/yjs/q/{NUMBER}?c=583920"
    assert parse_receipt_text(url) == ReceiptPayload(NUMBER, "583920")
    assert parse_receipt_text(format_receipt_payload(NUMBER, "583920")) == ReceiptPayload(NUMBER, "583920")


@given(st.text(min_size=1), st.text())
def test_any_number_and_code_round_trip_through_the_url(case_number: str, query_code: str) -> None:
    url = format_receipt_url("https://zwfw.example.cn", case_number, query_code)
    assert parse_receipt_url(url) == ReceiptPayload(case_number, query_code)


@pytest.mark.parametrize(
    "base",
    [
        "http://zwfw.example.cn",
        "zwfw.example.cn",
        "https://",
        "https://a.cn/?x=1",
        "https://a.cn/#top",
        "https://a b.cn",
    ],
)
def test_a_base_url_that_is_not_plain_https_is_refused(base: str) -> None:
    assert receipt_base_url_problem(base)
    with pytest.raises(ValueError, match="https"):
        format_receipt_url(base, NUMBER, "583920")


def test_qr_text_is_the_url_when_a_base_is_set_and_the_app_payload_otherwise() -> None:
    assert receipt_qr_text("https://zwfw.example.cn", NUMBER, "1").startswith("https://zwfw.example.cn/q/")
    assert receipt_qr_text("", NUMBER, "1") == format_receipt_payload(NUMBER, "1")
    assert receipt_base_url_problem("") is None and receipt_base_url_problem("https://zwfw.example.cn/yjs") is None
