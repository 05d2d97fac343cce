from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.cases.numbers import (
    ALPHABET,
    center_code,
    check_character,
    format_number,
    make_number,
    new_query_code,
    normalize_number,
    parse_number,
)

centers = st.builds(
    lambda county, town: f"21{county:04d}{town:03d}",
    st.integers(101, 1499),
    st.integers(0, 599),  # 400–599: 政企合一 units such as state farms (GB/T 10114)
)
windows = st.integers(1, 99).map(lambda w: f"{w:02d}")
days = st.dates(date(2000, 1, 1), date(2099, 12, 31))
sequences = st.integers(1, 9999)
numbers = st.builds(make_number, centers, windows, days, sequences)


def test_documented_example_formats_grouped() -> None:
    number = make_number("210102001", "03", date(2026, 11, 28), 7)
    assert len(number) == 22
    assert format_number(number) == f"210102001-03-261128-0007-{number[-1]}"


def test_county_center_uses_six_digits_and_000() -> None:
    assert center_code("210102") == "210102000"
    assert make_number("210102", "01", date(2026, 1, 2), 1).startswith("21010200001260102" + "0001")


@given(centers, windows, days, sequences)
def test_round_trip_through_both_forms(center: str, window: str, day: date, seq: int) -> None:
    number = make_number(center, window, day, seq)
    for text in (number, format_number(number), format_number(number).lower()):
        parts = parse_number(text)
        assert (parts.center, parts.window, parts.day, parts.sequence) == (center, window, day, seq)
        assert parts.canonical == number


@given(numbers, st.integers(0, 21), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_detected(number: str, pos: int, char: str) -> None:
    changed = number[:pos] + char + number[pos + 1 :]
    if changed != number:
        with pytest.raises(ValueError):
            parse_number(changed)


@given(numbers, st.integers(0, 20))
def test_adjacent_transposition_is_detected_unless_the_values_differ_by_one(number: str, pos: int) -> None:
    # ISO 7064 hybrid systems (MOD 37,36) miss some swaps of neighbouring values such as 56 <-> 65
    # (about 1 random transposition in 180); every other adjacent swap is caught. See docs/case-number.md.
    a, b = number[pos], number[pos + 1]
    swapped = number[:pos] + b + a + number[pos + 2 :]
    if abs(ALPHABET.index(a) - ALPHABET.index(b)) > 1:
        with pytest.raises(ValueError):
            parse_number(swapped)


def test_hybrid_check_misses_only_swaps_of_values_differing_by_one() -> None:
    # every digit pair, swapped at the start and right after the center code
    misses: set[int] = set()
    for prefix in ("", "210102001"):
        for a in "0123456789":
            for b in "0123456789":
                for rest in ("0326112800", "0100000000"):
                    body = (prefix + a + b + rest + "0" * 21)[:21]
                    swapped = (prefix + b + a + rest + "0" * 21)[:21]
                    if a != b and check_character(body) == check_character(swapped):
                        misses.add(abs(int(a) - int(b)))
    assert misses <= {1}


@pytest.mark.parametrize(
    "text",
    ["", "210102001-03-261128-0007", "21010200103261128000X", "210102001_03_261128_0007_K", "abc"],
)
def test_malformed_text_is_refused_with_english_message(text: str) -> None:
    with pytest.raises(ValueError, match="not a case number"):
        parse_number(text)


def test_impossible_date_is_refused() -> None:
    body = "210102001" + "03" + "261340" + "0001"
    with pytest.raises(ValueError, match="impossible date"):
        parse_number(body + check_character(body))


@pytest.mark.parametrize(
    ("center", "window", "seq"),
    [
        ("2101020", "01", 1),
        ("210102600", "01", 1),
        ("210102", "00", 1),
        ("210102", "1", 1),
        ("210102", "01", 0),
        ("210102", "01", 10000),
        ("000000", "01", 1),
    ],
)
def test_make_number_refuses_bad_parts(center: str, window: str, seq: int) -> None:
    with pytest.raises(ValueError):
        make_number(center, window, date(2026, 1, 1), seq)


def test_normalize_forgives_separators_and_case() -> None:
    assert normalize_number(" 210102001-03-261128-0007-k ") == "2101020010326112800" + "07K"


def test_query_code_is_six_digits() -> None:
    codes = {new_query_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 150


def test_a_state_farm_center_numbers_its_cases() -> None:
    """GB/T 10114 gives 政企合一 units such as state farms township parts 400–599."""
    number = make_number(center_code("210102450"), "01", date(2026, 11, 30), 7)
    assert parse_number(number).center == "210102450"
