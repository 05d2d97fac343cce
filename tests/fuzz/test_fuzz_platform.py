"""Fuzzing the platform's HTTP endpoints: no input ends in a 500, and refused input changes nothing."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fuzz_helpers import FUZZ, Fuzzed
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import auth
from sync.crypto import Ed25519PrivateKey, b64e, raw_public, sha256_hex
from sync.platform.server import PlatformHTTPServer

pytestmark = pytest.mark.fuzz

METHODS = st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "get", "G\x00T"])
SEGMENTS = st.one_of(
    st.sampled_from(["v1", "cases", "attachments", "status", "catalog", "transfers", "devices", "health", "q", ""]),
    st.just(str(uuid.uuid4())),
    st.just("ab" * 32),
    st.text(min_size=0, max_size=30),
    st.text(alphabet="0123456789-²³٣", max_size=30),
)
PATHS = st.lists(SEGMENTS, min_size=0, max_size=5).map(lambda parts: "/" + "/".join(parts))
QUERIES = st.one_of(
    st.just(""),
    st.dictionaries(
        st.sampled_from(["after", "limit", "c", "x"]),
        st.one_of(st.text(max_size=30), st.integers().map(str), st.just("%C2%B2"), st.just("1" * 5000)),
        max_size=4,
    ).map(lambda q: "?" + "&".join(f"{k}={v}" for k, v in q.items())),
)
HEADER_NAMES = st.sampled_from(
    [auth.HEADER_DEVICE, auth.HEADER_TIMESTAMP, auth.HEADER_NONCE, auth.HEADER_SIGNATURE, "Content-Type", "X-Other"]
)
HEADERS = st.dictionaries(HEADER_NAMES, st.text(max_size=80), max_size=6)
# JSON with everything a hostile client can write: huge and negative integers, floats, any text, deep nesting.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=30,
)
RAW_BODIES = st.one_of(
    st.binary(max_size=300),
    st.integers(min_value=1, max_value=3000).map(lambda n: b"[" * n + b"]" * n),
    st.sampled_from([b"NaN", b'{"a": Infinity}', b'"\\ud800"', b"1e999", b"9" * 5000, b"{}", b"[]", b"null"]),
    JSON.map(lambda v: json.dumps(v).encode()),
)


def _answered(result: Any) -> int:
    status = int(result.status)
    assert 200 <= status < 500, result.body
    if status >= 400 and result.html is None and result.body is not None:  # HEAD answers carry no body
        assert isinstance(result.body["error"], str) and isinstance(result.body["message"], str)
    return status


@FUZZ
@given(method=METHODS, path=PATHS, query=QUERIES, headers=HEADERS, body=RAW_BODIES)
def test_any_request_is_answered_below_500_and_unsigned_ones_change_nothing(
    fuzzed: Fuzzed, *, method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> None:
    before = fuzzed.platform.counts()
    status = _answered(fuzzed.call(method, path + query, body, headers, client="192.0.2.1"))
    if status >= 400 or method != "POST":
        assert fuzzed.platform.counts() == before


@FUZZ
@given(
    case_id=st.one_of(st.just(str(uuid.uuid4())), st.text(max_size=40)),
    revision=st.one_of(JSON, st.integers(min_value=-(2**70), max_value=2**70)),
    base=st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70), JSON),
    payload=JSON,
    attachments=st.one_of(JSON, st.lists(st.sampled_from(["ab" * 32, "AB" * 32, "x"]), max_size=3)),
    extra=st.dictionaries(st.text(max_size=8), JSON, max_size=2),
)
def test_signed_case_submissions_of_any_shape_are_answered_and_refusals_change_nothing(
    fuzzed: Fuzzed,
    *,
    case_id: str,
    revision: Any,
    base: Any,
    payload: Any,
    attachments: Any,
    extra: dict[str, Any],
) -> None:
    body = json.dumps(
        {**extra, "revision": revision, "base_revision": base, "payload": payload, "attachments": attachments}
    ).encode()
    target = f"/v1/cases/{case_id}"
    if "?" in target or "#" in target:
        target = target.replace("?", "%3F").replace("#", "%23")
    before = fuzzed.platform.counts()
    status = _answered(fuzzed.signed("PUT", target, body))
    if status >= 400:
        assert fuzzed.platform.counts() == before
    else:
        assert isinstance(revision, int) and 1 <= revision < 2**31


@FUZZ
@given(body=JSON, raw=RAW_BODIES, use_raw=st.booleans(), key_bytes=st.binary(min_size=0, max_size=40))
def test_enrolment_requests_of_any_shape_are_answered_and_refusals_enrol_nobody(
    fuzzed: Fuzzed, body: Any, raw: bytes, use_raw: bool, key_bytes: bytes
) -> None:
    key = Ed25519PrivateKey.generate()
    if isinstance(body, dict) and not use_raw:
        body.setdefault("public_key", b64e(key_bytes) if len(key_bytes) != 32 else b64e(raw_public(key.public_key())))
    data = raw if use_raw else json.dumps(body).encode()
    before = fuzzed.platform.counts()
    headers = auth.sign_headers(key, "enrolling", "POST", "/v1/devices", data)
    status = _answered(fuzzed.call("POST", "/v1/devices", data, headers))
    assert status >= 400  # no code given here is ever valid
    assert fuzzed.platform.counts() == before


@FUZZ
@given(
    after=st.one_of(st.text(max_size=30), st.integers(min_value=-(2**70), max_value=2**70).map(str)),
    limit=st.one_of(st.text(max_size=10), st.integers(min_value=-5, max_value=10**6).map(str)),
    version=st.one_of(st.text(max_size=60), st.just("2026.11.1"), st.just("1." * 30 + "1")),
    sha=st.one_of(st.just("ab" * 32), st.text(max_size=70)),
    data=st.binary(max_size=200),
    media=st.text(max_size=120),
)
def test_status_catalog_and_attachment_requests_are_answered(
    fuzzed: Fuzzed, *, after: str, limit: str, version: str, sha: str, data: bytes, media: str
) -> None:
    _answered(fuzzed.signed("GET", f"/v1/status?after={quote(after)}&limit={quote(limit)}"))
    _answered(fuzzed.signed("GET", f"/v1/catalog?after={quote(version)}"))
    _answered(fuzzed.signed("HEAD", f"/v1/attachments/{quote(sha)}"))
    before = fuzzed.platform.counts()
    target = f"/v1/attachments/{quote(sha)}"
    ident = fuzzed.identity
    headers = auth.sign_headers(ident.key, ident.device_id, "PUT", target, data) | {"Content-Type": media}
    status = _answered(fuzzed.call("PUT", target, data, headers))
    if status >= 400:
        assert fuzzed.platform.counts() == before
    else:
        assert sha == sha256_hex(data)


@FUZZ
@given(number=st.text(min_size=1, max_size=50), code=st.text(max_size=12), client=st.text(max_size=20))
def test_the_query_page_answers_any_number_and_code(fuzzed: Fuzzed, number: str, code: str, client: str) -> None:
    result = fuzzed.call("GET", f"/q/{quote(number, safe='')}?c={quote(code)}", client=client)
    assert result.status in (404, 429) and result.html is not None  # no case on this platform has a query code


@pytest.fixture(scope="module")
def served(fuzzed: Fuzzed) -> Iterator[tuple[str, int]]:
    server = PlatformHTTPServer(("127.0.0.1", 0), fuzzed.platform)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


LINES = st.one_of(
    st.builds(
        lambda m, p, v: f"{m} {p} {v}",
        METHODS,
        PATHS,
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "HTTP/x", "", "HTTP/1.1 extra"]),
    ),
    st.text(max_size=60),
)
RAW_HEADERS = st.lists(
    st.one_of(
        st.builds(lambda v: f"Content-Length: {v}", st.one_of(st.integers(-5, 10**13).map(str), st.text(max_size=8))),
        st.just("Transfer-Encoding: chunked"),
        st.just("Expect: 100-continue"),
        st.builds(lambda n, v: f"{n}: {v}", HEADER_NAMES, st.text(max_size=40)),
        st.text(max_size=40),
    ),
    max_size=6,
)


@settings(FUZZ, max_examples=max(20, FUZZ.max_examples // 2))  # a connection each: fewer, slower examples
@given(line=LINES, headers=RAW_HEADERS, body=st.binary(max_size=200))
def test_raw_bytes_over_loopback_get_a_json_answer_below_500(
    served: tuple[str, int], fuzzed: Fuzzed, *, line: str, headers: list[str], body: bytes
) -> None:
    raw = ("\r\n".join([line, *headers]) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body
    before = fuzzed.platform.counts()
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    if answer:  # an empty or cut-short request may simply be closed
        assert answer.startswith(b"HTTP/1."), answer[:80]
        status = int(answer.split(b" ", 2)[1])
        assert status < 500, answer[:300]
        assert b"Traceback" not in answer
    assert fuzzed.platform.counts() == before
