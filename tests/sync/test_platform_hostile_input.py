"""The reference platform answers every malformed request with a 4xx JSON body: no 500, no traceback, no change."""

from __future__ import annotations

import json
import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest
from sync_helpers import Running, enroll, start_platform

from sync import auth
from sync.client import DeviceIdentity, PlatformClient
from sync.crypto import Ed25519PrivateKey, b64e, raw_public, sha256_hex
from sync.platform import db
from sync.platform.operator import create_enrollment_code


def _exchange(running: Running, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes on a fresh connection; the status, headers and body of the first answer."""
    parts = urlsplit(running.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", len(rest)))
    return int(lines[0].split()[1]), headers, rest[:length]


def _request(
    running: Running,
    method: str,
    target: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    length: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    lines = [f"{method} {target} HTTP/1.1", "Host: platform.test", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if length is not None or body or method in ("PUT", "POST"):
        lines.append(f"Content-Length: {length if length is not None else len(body)}")
    return _exchange(running, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def _signed(identity: DeviceIdentity, method: str, target: str, body: bytes = b"") -> dict[str, str]:
    return auth.sign_headers(identity.key, identity.device_id, method, target, body)


def _error(answer: tuple[int, dict[str, str], bytes], status: int) -> dict[str, object]:
    code, headers, body = answer
    assert code == status, body
    assert headers["content-type"].startswith("application/json")
    data: dict[str, object] = json.loads(body)
    assert isinstance(data["error"], str) and isinstance(data["message"], str)
    assert b"Traceback" not in body
    return data


def test_a_revision_beyond_64_bits_is_refused_as_invalid(running: Running, identity: DeviceIdentity) -> None:
    before = running.platform.counts()
    target = f"/v1/cases/{uuid.uuid4()}"
    for revision in (2**70, 2**31, -1, True, 1.5, "1"):
        body = json.dumps({"revision": revision, "base_revision": None, "payload": {}}).encode()
        _error(_request(running, "PUT", target, body, _signed(identity, "PUT", target, body)), 422)
    body = json.dumps({"revision": 2, "base_revision": 2**70, "payload": {}}).encode()
    _error(_request(running, "PUT", target, body, _signed(identity, "PUT", target, body)), 422)
    assert running.platform.counts() == before


def test_deeply_nested_json_is_refused_without_recursion(running: Running, identity: DeviceIdentity) -> None:
    before = running.platform.counts()
    target = f"/v1/cases/{uuid.uuid4()}"
    nested = b"[" * 100_000 + b"]" * 100_000
    for body in (nested, b'{"revision": 1, "payload": {"a": ' + nested + b"}}", b"[" * 100_000):
        answer = _error(_request(running, "PUT", target, body, _signed(identity, "PUT", target, body)), 400)
        assert "nested" in str(answer["message"])
    assert running.platform.counts() == before


def test_non_ascii_digits_are_refused_where_numbers_are_parsed(running: Running, identity: DeviceIdentity) -> None:
    target = "/v1/status?after=0"
    _error(_request(running, "PUT", f"/v1/cases/{uuid.uuid4()}", b"{}", length="²"), 400)
    _error(_request(running, "POST", "/v1/transfers", b"", length="¹²"), 400)
    headers = _signed(identity, "GET", target) | {auth.HEADER_TIMESTAMP: "²"}
    _error(_request(running, "GET", target, headers=headers), 401)
    odd = "/v1/status?after=%C2%B2"
    _error(_request(running, "GET", odd, headers=_signed(identity, "GET", odd)), 400)
    huge = f"/v1/status?after={2**70}"
    _error(_request(running, "GET", huge, headers=_signed(identity, "GET", huge)), 400)


def test_values_json_cannot_carry_or_the_database_cannot_hold_are_refused(
    running: Running, identity: DeviceIdentity
) -> None:
    before = running.platform.counts()
    target = f"/v1/cases/{uuid.uuid4()}"
    for payload in (b'{"name": "\\ud800"}', b'{"x": NaN}', b'{"x": 1e999}', b'{"x": ' + b"9" * 5000 + b"}"):
        body = b'{"revision": 1, "base_revision": null, "payload": ' + payload + b"}"
        _error(_request(running, "PUT", target, body, _signed(identity, "PUT", target, body)), 400)
    assert running.platform.counts() == before


def test_requests_http_server_itself_refuses_are_answered_in_json(running: Running) -> None:
    _error(_exchange(running, b"GARBAGE\r\n\r\n"), 400)
    _error(_exchange(running, b"GET /v1/health HTTP/9.9\r\n\r\n"), 400)  # a 5xx would tell clients to retry
    _error(_exchange(running, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n"), 414)
    _error(_request(running, "DELETE", "/v1/health"), 405)
    _error(_request(running, "PUT", "/v1/cases/x", b"{}", {"Transfer-Encoding": "chunked"}), 411)


def test_a_body_shorter_than_its_length_is_refused(running: Running) -> None:
    raw = b"PUT /v1/cases/x HTTP/1.1\r\nHost: p\r\nContent-Length: 100\r\n\r\n{}"
    _error(_exchange(running, raw), 400)


def test_enrollment_with_a_malformed_key_or_label_is_a_bad_request(running: Running) -> None:
    code = create_enrollment_code(running.platform, "窗口")
    key = Ed25519PrivateKey.generate()
    for public, label in ((b64e(b"\x01" * 10), "窗口"), ("not base64!", "窗口"), (b64e(b"\x01" * 32), "窗\x00口")):
        body = json.dumps({"enrollment_code": code, "public_key": public, "label": label}).encode()
        headers = auth.sign_headers(key, "enrolling", "POST", "/v1/devices", body)
        _error(_request(running, "POST", "/v1/devices", body, headers), 400)
    assert running.platform.counts()["devices"] == 0


def test_an_enrolled_key_enrolling_again_with_a_second_code_is_a_conflict(running: Running) -> None:
    client = PlatformClient(running.url, None, timeout=5)
    key = Ed25519PrivateKey.generate()
    client.enroll(create_enrollment_code(running.platform, "窗口"), key, "窗口")
    second = create_enrollment_code(running.platform, "窗口")
    body = json.dumps(
        {"enrollment_code": second, "public_key": b64e(raw_public(key.public_key())), "label": "窗口"}
    ).encode()
    headers = auth.sign_headers(key, "enrolling", "POST", "/v1/devices", body)
    _error(_request(running, "POST", "/v1/devices", body, headers), 409)
    client.close()
    other = PlatformClient(running.url, None, timeout=5)
    assert other.enroll(second, Ed25519PrivateKey.generate(), "另一窗口").device_id.startswith("dev-")  # still unused
    other.close()


@pytest.mark.parametrize("media", ["image/jpeg; charset=x", "text/plain\x7f", "x" * 300, ""])
def test_an_odd_media_type_is_stored_as_octet_stream_or_its_plain_form(
    running: Running, identity: DeviceIdentity, media: str
) -> None:
    data = media.encode("latin-1") + b"-bytes"
    target = f"/v1/attachments/{sha256_hex(data)}"
    headers = _signed(identity, "PUT", target, data) | {"Content-Type": media}
    status, _, _ = _request(running, "PUT", target, data, headers)
    assert status == 201
    with running.platform.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT media_type FROM attachments").scalar_one()
    assert stored == ("image/jpeg" if media.startswith("image/jpeg") else "application/octet-stream")


@pytest.mark.postgres
def test_a_cursor_beyond_32_bits_is_an_empty_page_on_postgresql() -> None:
    url = os.environ.get("YISHI_TEST_PG_URL")
    if not url:
        pytest.skip("YISHI_TEST_PG_URL is not set (scripts/pg-start.sh prints one)")
    engine = db.open_engine(url)
    db.metadata.drop_all(engine)
    engine.dispose()
    run, thread = start_platform(url)
    try:
        identity = enroll(run)
        target = f"/v1/status?after={2**31}"
        status, _headers, body = _request(run, "GET", target, headers=_signed(identity, "GET", target))
        assert status == 200 and json.loads(body)["updates"] == []
    finally:
        run.server.shutdown()
        run.server.server_close()
        thread.join()
        run.platform.engine.dispose()
