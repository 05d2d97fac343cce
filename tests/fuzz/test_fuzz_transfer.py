"""Fuzzing transfer files, headers and bodies: every file is read or refused with a TransferError, a refused file
changes nothing, and nothing is ever written outside the spool folder."""

from __future__ import annotations

import json
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzz_helpers import FUZZ, Fuzzed, memory_dir
from hypothesis import assume, given
from hypothesis import strategies as st
from transfer_forge import DROP, reheader, sample_transfer, split

from sync.crypto import b64e, sha256_hex
from sync.protocol import UUID_RE
from sync.transfer import MAGIC, TransferAttachment, TransferCase, TransferError, export_transfer, read_transfer
from sync.transfer import spool_transfer as spool

pytestmark = pytest.mark.fuzz

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.binary(min_size=0, max_size=40).map(b64e),
    st.just("../../escaped"),
    st.just("/tmp/absolute"),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
HEADER_FIELDS = [
    "format",
    "version",
    "transfer_id",
    "created_at",
    "device_id",
    "device_public_key",
    "recipient_key_id",
    "cipher",
    "kdf",
    "case_count",
    "ciphertext_length",
    "ephemeral_public_key",
    "nonce",
    "unknown",
]


@pytest.fixture(scope="module")
def genuine(fuzzed: Fuzzed) -> bytes:
    """A genuine file, already imported: from here on no forgery of it may change the platform."""
    data = sample_transfer(fuzzed.identity, fuzzed.platform.transfer_private_key().public_key())
    assert fuzzed.signed("POST", "/v1/transfers", data).status == 200
    return data


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with memory_dir() as path:
        yield path


def _upload(fuzzed: Fuzzed, data: bytes) -> int:
    """POST the file as a window would; the status, with the platform unchanged when it is refused."""
    before = fuzzed.platform.counts()
    result = fuzzed.signed("POST", "/v1/transfers", data)
    assert 200 <= result.status < 500, result.body
    if result.status >= 400:
        assert result.body is not None and result.body["error"] == "bad_transfer"
        assert fuzzed.platform.counts() == before
    return result.status


def _spool_stays_inside(folder: Path, data: bytes) -> None:
    """Spooling writes at most ``<spool>/<uuid>.yst``, whatever the file says, and nothing if it is refused."""
    source, queue = folder / "in.yst", folder / "spool"
    source.write_bytes(data)
    try:
        envelope = spool(source, queue)
    except TransferError:
        assert not queue.exists() or not any(queue.iterdir())
    else:
        assert UUID_RE.fullmatch(envelope.transfer_id)
        assert [p.name for p in queue.iterdir()] == [f"{envelope.transfer_id}.yst"]
        (queue / f"{envelope.transfer_id}.yst").unlink()
    assert sorted(p.name for p in folder.iterdir()) == ["in.yst", "spool"] or not queue.exists()


@FUZZ
@given(data=st.one_of(st.binary(max_size=600), st.binary(max_size=600).map(lambda b: MAGIC + b"\x01" + b)))
def test_random_bytes_are_refused_with_a_transfer_error(fuzzed: Fuzzed, folder: Path, data: bytes) -> None:
    with pytest.raises(TransferError):
        read_transfer(data)
    _spool_stays_inside(folder, data)
    assert _upload(fuzzed, data) == 422


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(HEADER_FIELDS), st.one_of(JSON, st.just(DROP)), min_size=1, max_size=4))
def test_header_fields_of_any_value_are_checked_before_use(
    fuzzed: Fuzzed, genuine: bytes, folder: Path, changes: dict[str, Any]
) -> None:
    data = reheader(genuine, fuzzed.identity, **changes)
    before = fuzzed.platform.counts()
    try:
        read_transfer(data)
    except TransferError:
        accepted = False
    else:  # a header that still reads well is the genuine one's or the same file's with another time or count
        accepted = True
        assert split(data)[0]["transfer_id"] == split(genuine)[0]["transfer_id"]
    _spool_stays_inside(folder, data)
    assert _upload(fuzzed, data) == (200 if accepted else 422)  # 200: "already imported", the first answer
    assert fuzzed.platform.counts() == before


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300), JSON.map(lambda v: json.dumps(v).encode()), st.just(b"[" * 5000)))
def test_any_header_bytes_are_refused_with_a_transfer_error(
    fuzzed: Fuzzed, genuine: bytes, folder: Path, raw: bytes
) -> None:
    data = reheader(genuine, fuzzed.identity, raw_header=raw)
    with pytest.raises(TransferError):
        read_transfer(data)
    _spool_stays_inside(folder, data)
    assert _upload(fuzzed, data) == 422


@FUZZ
@given(
    cuts=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)), min_size=1, max_size=4),
    truncate=st.integers(min_value=0, max_value=200),
    insert=st.binary(max_size=8),
)
def test_any_altered_byte_refuses_the_whole_file(
    fuzzed: Fuzzed, genuine: bytes, cuts: list[tuple[int, int]], truncate: int, insert: bytes
) -> None:
    data = bytearray(genuine)
    for at, flip in cuts:
        data[at % len(data)] ^= flip
    altered = bytes(data)
    assume(altered != genuine)  # two flips of the same bits cancel out
    at = cuts[0][0] % len(altered)
    for candidate in (altered, genuine[: len(genuine) - 1 - truncate], genuine[:at] + insert + b"x" + genuine[at:]):
        with pytest.raises(TransferError):
            read_transfer(candidate)
        assert _upload(fuzzed, candidate) == 422


@FUZZ
@given(
    cases=st.lists(
        st.builds(
            TransferCase,
            case_id=st.one_of(st.builds(lambda: str(uuid.uuid4())), st.text(max_size=40)),
            revision=st.one_of(st.integers(min_value=-(2**70), max_value=2**70), JSON),
            base_revision=st.one_of(st.none(), st.integers(min_value=-5, max_value=2**70), JSON),
            payload=st.one_of(st.dictionaries(st.text(max_size=8), JSON, max_size=4), JSON),
            attachments=st.one_of(st.lists(st.sampled_from(["ab" * 32, "x", "AB" * 32]), max_size=2), JSON),
        ),
        max_size=3,
    ),
    media=st.text(max_size=120),
)
def test_contents_of_any_shape_are_imported_or_refused_whole(
    fuzzed: Fuzzed, folder: Path, cases: list[TransferCase], media: str
) -> None:
    out = folder / "contents.yst"
    key = fuzzed.platform.transfer_private_key().public_key()
    scan = TransferAttachment(sha256_hex(b"scan"), media, b"scan")
    export_transfer(out, cases, [scan], identity=fuzzed.identity, platform_key=key)
    status = _upload(fuzzed, out.read_bytes())
    if status == 200:
        assert all(isinstance(c.revision, int) and not isinstance(c.revision, bool) for c in cases)


def test_the_layout_the_fuzzers_rely_on() -> None:
    assert struct.calcsize(">4sBI") == 9 and MAGIC == b"YSTF"
