import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.payload import ReceiptPayload, format_receipt_payload, parse_receipt_payload


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
