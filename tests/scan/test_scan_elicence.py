"""GB/T 36904 e-licence identifiers: real-world examples, generated ones, and every single-character corruption."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.scan.elicence import (
    ALPHABET,
    ELicenceId,
    elicence_error,
    looks_like_elicence,
    make_elicence_id,
    parse_elicence_id,
)

# Identifiers of this shape appear in provincial platform documentation and code.
PUBLISHED = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
    "1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
]

_code = st.text(alphabet=ALPHABET, min_size=6, max_size=32)
_serial = st.text(alphabet=ALPHABET, min_size=1, max_size=64)
_version = st.integers(min_value=0, max_value=999).map(lambda v: f"{v:03d}")


@pytest.mark.parametrize("identifier", PUBLISHED)
def test_published_identifiers_are_valid(identifier: str) -> None:
    assert elicence_error(identifier) is None
    assert str(parse_elicence_id(identifier)) == identifier


def test_lower_case_and_surrounding_space_are_forgiven() -> None:
    parsed = parse_elicence_id("  " + PUBLISHED[0].lower() + "\n")
    assert parsed == ELicenceId("11100000000013338W011", "11430000006122244L", "20230000403", "001", "U")


@given(_code, _code, _serial, _version)
def test_generated_identifiers_validate_and_round_trip(kind: str, issuer: str, serial: str, version: str) -> None:
    identifier = make_elicence_id(kind, issuer, serial, version)
    assert elicence_error(identifier) is None
    assert parse_elicence_id(identifier) == ELicenceId(kind, issuer, serial, version, identifier[-1])


@given(_code, _code, _serial, _version, st.data())
def test_any_single_character_change_is_detected(
    kind: str, issuer: str, serial: str, version: str, data: st.DataObject
) -> None:
    identifier = make_elicence_id(kind, issuer, serial, version)
    body_start = len("1.2.156.3005.2.")
    positions = [i for i in range(body_start, len(identifier)) if identifier[i] != "."]
    pos = data.draw(st.sampled_from(positions))
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != identifier[pos]]))
    corrupted = identifier[:pos] + replacement + identifier[pos + 1 :]
    assert elicence_error(corrupted) is not None


@pytest.mark.parametrize(
    "text",
    [
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001",  # no check character
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.2023_0403.001.U",  # bad serial character
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.01.U",  # version not 3 digits
        "1.2.156.3005.3.11100000000013338W011.11430000006122244L.20230000403.001.U",  # wrong OID root
        "1.2.156.3005.2." + "A" * 300,
        "",
    ],
)
def test_malformed_identifiers_are_refused_with_a_reason(text: str) -> None:
    assert elicence_error(text)
    with pytest.raises(ValueError):
        parse_elicence_id(text)


def test_making_an_identifier_from_a_bad_part_is_refused() -> None:
    with pytest.raises(ValueError):
        make_elicence_id("11100000000013338W011", "ISSUER-1", "1")


def test_oid_root_marks_an_identifier_even_when_damaged() -> None:
    assert looks_like_elicence(PUBLISHED[0][:-1] + "Z")
    assert not looks_like_elicence("91350100M000100Y43")
