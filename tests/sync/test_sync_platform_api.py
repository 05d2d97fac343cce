"""The reference platform's API: idempotent submission, conflicts, attachments, status and auth."""

from __future__ import annotations

import time
import uuid

import pytest
from sync_helpers import Running, enroll, submit_concurrently

from sync import auth
from sync.client import ConflictError, DeviceIdentity, PlatformClient, RejectedError, UnauthorizedError
from sync.crypto import Ed25519PrivateKey, sha256_hex
from sync.platform.operator import create_enrollment_code, set_status
from sync.protocol import PlatformStatus


def _case() -> str:
    return str(uuid.uuid4())


def test_identical_resend_returns_the_same_platform_number(client: PlatformClient, running: Running) -> None:
    cid = _case()
    first = client.submit_case(cid, 1, None, {"name": "张三"}, [])
    again = client.submit_case(cid, 1, None, {"name": "张三"}, [])
    assert again.platform_number == first.platform_number
    assert running.platform.counts()["cases"] == 1


def test_changed_payload_without_the_right_base_revision_is_a_conflict(client: PlatformClient) -> None:
    cid = _case()
    client.submit_case(cid, 1, None, {"name": "张三"}, [])
    with pytest.raises(ConflictError) as same_rev:
        client.submit_case(cid, 1, None, {"name": "李四"}, [])
    assert same_rev.value.body["platform_revision"] == 1
    with pytest.raises(ConflictError):
        client.submit_case(cid, 3, 2, {"name": "李四"}, [])


def test_new_revision_on_the_right_base_keeps_the_platform_number(client: PlatformClient) -> None:
    cid = _case()
    first = client.submit_case(cid, 1, None, {"name": "张三"}, [])
    second = client.submit_case(cid, 2, 1, {"name": "张三", "phone": "13800000000"}, [])
    assert (second.platform_number, second.revision) == (first.platform_number, 2)
    assert client.get_case(cid).revision == 2


def test_case_referring_to_a_missing_attachment_is_refused(client: PlatformClient) -> None:
    with pytest.raises(RejectedError) as exc:
        client.submit_case(_case(), 1, None, {}, ["ab" * 32])
    assert exc.value.status == 422 and exc.value.body["missing"] == ["ab" * 32]


def test_attachment_is_stored_once_and_byte_identical(client: PlatformClient, running: Running) -> None:
    data = bytes(range(256)) * 100
    sha = sha256_hex(data)
    assert client.has_attachment(sha) is None
    client.put_attachment(sha, data, "image/jpeg")
    client.put_attachment(sha, data, "image/jpeg")
    assert client.has_attachment(sha) == len(data)
    assert running.platform.attachment_bytes(sha) == data
    client.submit_case(_case(), 1, None, {}, [sha])


def test_attachment_whose_bytes_do_not_match_the_hash_is_refused(client: PlatformClient) -> None:
    with pytest.raises(RejectedError) as exc:
        client.put_attachment(sha256_hex(b"one"), b"two", "image/png")
    assert exc.value.status == 422


def test_status_updates_page_through_a_cursor_for_the_own_device_only(client: PlatformClient, running: Running) -> None:
    mine = [_case() for _ in range(3)]
    numbers = [client.submit_case(c, 1, None, {}, []).platform_number for c in mine]
    other = PlatformClient(running.url, enroll(running, "另一窗口"), timeout=5)
    foreign = _case()
    other.submit_case(foreign, 1, None, {}, [])
    set_status(running.platform, foreign, PlatformStatus.ACCEPTED)
    set_status(running.platform, mine[0], PlatformStatus.ACCEPTED)
    set_status(running.platform, numbers[1], PlatformStatus.REJECTED, "材料不符合要求")
    set_status(running.platform, mine[0], PlatformStatus.COMPLETED)
    page = client.status_updates(0, limit=2)
    assert [(u.case_id, u.status) for u in page.updates] == [(mine[0], "accepted"), (mine[1], "rejected")]
    assert page.more
    rest = client.status_updates(page.cursor)
    assert [(u.case_id, u.status) for u in rest.updates] == [(mine[0], "completed")]
    assert not rest.more
    assert client.status_updates(rest.cursor).updates == []
    other.close()


def test_closed_case_takes_no_new_revision(client: PlatformClient, running: Running) -> None:
    cid = _case()
    client.submit_case(cid, 1, None, {}, [])
    set_status(running.platform, cid, PlatformStatus.COMPLETED)
    with pytest.raises(ConflictError):
        client.submit_case(cid, 2, 1, {"x": 1}, [])


def test_another_device_cannot_touch_a_case(client: PlatformClient, running: Running) -> None:
    cid = _case()
    client.submit_case(cid, 1, None, {}, [])
    other = PlatformClient(running.url, enroll(running, "另一窗口"), timeout=5)
    with pytest.raises(RejectedError) as exc:
        other.submit_case(cid, 1, None, {}, [])
    assert exc.value.status == 403
    other.close()


def _raw(client: PlatformClient, headers: dict[str, str], path: str = "/v1/status?after=0") -> int:
    conn = client._connection()
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    resp.read()
    return resp.status


def test_replayed_request_is_refused(client: PlatformClient) -> None:
    assert client.identity is not None
    headers = auth.sign_headers(client.identity.key, client.identity.device_id, "GET", "/v1/status?after=0", b"")
    assert _raw(client, headers) == 200
    assert _raw(client, headers) == 401


def test_stale_and_future_timestamps_are_refused(client: PlatformClient) -> None:
    assert client.identity is not None
    ident = client.identity
    for offset in (-301 - 5, 400):
        now = time.time() + offset
        headers = auth.sign_headers(ident.key, ident.device_id, "GET", "/v1/status?after=0", b"", now=now)
        assert _raw(client, headers) == 401


def test_request_signed_for_another_path_is_refused(client: PlatformClient) -> None:
    assert client.identity is not None
    headers = auth.sign_headers(client.identity.key, client.identity.device_id, "GET", "/v1/status?after=5", b"")
    assert _raw(client, headers, "/v1/status?after=0") == 401


def test_unknown_device_is_refused(running: Running) -> None:
    stranger = PlatformClient(running.url, DeviceIdentity("dev-0000", Ed25519PrivateKey.generate()), timeout=5)
    with pytest.raises(UnauthorizedError):
        stranger.status_updates(0)
    stranger.close()


def test_enrollment_code_works_once(running: Running) -> None:
    code = create_enrollment_code(running.platform, "窗口")
    c = PlatformClient(running.url, None, timeout=5)
    key = Ed25519PrivateKey.generate()
    first = c.enroll(code, key, "窗口")
    assert c.enroll(code, key, "窗口") == first  # a lost answer asked again
    with pytest.raises(RejectedError) as exc:
        c.enroll(code, Ed25519PrivateKey.generate(), "冒名")
    assert exc.value.status == 403
    c.close()


def test_concurrent_duplicate_submissions_get_one_platform_number(running: Running, client: PlatformClient) -> None:
    assert client.identity is not None
    numbers = submit_concurrently(running.url, client.identity, _case())
    assert len(numbers) == 8 and len(set(numbers)) == 1
    assert running.platform.counts()["cases"] == 1
