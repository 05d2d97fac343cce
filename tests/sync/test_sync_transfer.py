"""Transfer files: export at a field laptop, import at the platform or via a window; tampering rejected whole."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import FIELD, Running, enroll, hall_clock, queue_case
from transfer_forge import DROP, reheader, sample_transfer

from desktop.store.repo import Store
from sync.client import DeviceIdentity, PlatformClient, RejectedError
from sync.crypto import (
    Ed25519PrivateKey,
    X25519PrivateKey,
    b64e,
    key_id,
    raw_public,
    sha256_hex,
    x25519_public_from_b64,
)
from sync.outbox_files import export_outbox
from sync.platform.operator import platform_public_key
from sync.platform.transfers import import_transfer
from sync.transfer import TransferCase, TransferError, export_transfer, open_transfer, read_transfer, spool_transfer
from sync.worker import sync_once


@pytest.fixture
def field_store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "laptop" / "cases.sqlite3", clock=hall_clock())
    yield s
    s.close()


@pytest.fixture
def field_identity(running: Running) -> DeviceIdentity:
    return enroll(running, "上门服务笔记本")


def _export(store: Store, running: Running, identity: DeviceIdentity, tmp_path: Path, cases: int = 3) -> Path:
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(random.Random(3).randbytes(20_000))
    for i in range(cases):
        queue_case(store, f"申请人{i}", attachments=[scan] if i == 0 else [], profile=FIELD)
    key = x25519_public_from_b64(platform_public_key(running.platform)["x25519_public_key"])
    out = tmp_path / "stick" / "field.yst"
    export_outbox(store, out, identity=identity, platform_key=key)
    return out


def test_exported_cases_import_into_the_platform_once(
    field_store: Store, running: Running, field_identity: DeviceIdentity, tmp_path: Path
) -> None:
    path = _export(field_store, running, field_identity, tmp_path)
    first = import_transfer(running.db_url, path)
    assert not first["already_imported"]
    assert len(first["cases"]) == 3 and all("platform_number" in c for c in first["cases"])
    counts = running.platform.counts()
    again = import_transfer(running.db_url, path)
    assert again["already_imported"] and again["cases"] == first["cases"]
    assert running.platform.counts() == counts
    scan = (tmp_path / "scan.jpg").read_bytes()
    assert running.platform.attachment_bytes(sha256_hex(scan)) == scan


def test_laptop_syncing_later_gets_the_numbers_the_transfer_got(
    field_store: Store, running: Running, field_identity: DeviceIdentity, tmp_path: Path
) -> None:
    path = _export(field_store, running, field_identity, tmp_path)
    numbers = {c["case_id"]: c["platform_number"] for c in import_transfer(running.db_url, path)["cases"]}
    client = PlatformClient(running.url, field_identity, timeout=5)
    report = sync_once(field_store, client, field_store.clock.now())
    client.close()
    assert {str(s.case_id): s.platform_number for s in report.sent} == numbers
    assert running.platform.counts()["cases"] == 3


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_any_flipped_byte_or_truncation_rejects_the_whole_file(
    field_store: Store, running: Running, field_identity: DeviceIdentity, tmp_path: Path
) -> None:
    path = _export(field_store, running, field_identity, tmp_path)
    data = path.read_bytes()
    before = running.platform.counts()
    rng = random.Random(5)
    spots = [0, 5, 9, 40, len(data) // 2, len(data) - 70, len(data) - 1, *rng.sample(range(len(data)), 20)]
    bad = tmp_path / "bad.yst"
    for at in spots:
        bad.write_bytes(_flip(data, at))
        with pytest.raises(TransferError):
            import_transfer(running.db_url, bad)
    for cut in (10, len(data) // 3, len(data) - 1):
        bad.write_bytes(data[:cut])
        with pytest.raises(TransferError, match=r"truncated|not a transfer file"):
            import_transfer(running.db_url, bad)
    assert running.platform.counts() == before


def test_file_signed_by_an_unenrolled_device_is_rejected(field_store: Store, running: Running, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    stranger = DeviceIdentity("dev-" + key_id(raw_public(key.public_key())), key)
    path = _export(field_store, running, stranger, tmp_path)
    with pytest.raises(TransferError, match="not an enrolled device"):
        import_transfer(running.db_url, path)
    assert running.platform.counts()["cases"] == 0


def test_file_for_another_platform_is_rejected(
    field_store: Store, running: Running, field_identity: DeviceIdentity, tmp_path: Path
) -> None:
    queue_case(field_store, profile=FIELD)
    out = tmp_path / "other.yst"
    export_outbox(field_store, out, identity=field_identity, platform_key=X25519PrivateKey.generate().public_key())
    with pytest.raises(TransferError, match="another platform key"):
        import_transfer(running.db_url, out)


def test_window_checks_a_file_then_uploads_it_on_its_next_sync(
    field_store: Store, running: Running, field_identity: DeviceIdentity, client: PlatformClient, tmp_path: Path
) -> None:
    path = _export(field_store, running, field_identity, tmp_path)
    window = Store(tmp_path / "window" / "cases.sqlite3", clock=hall_clock())
    spool = tmp_path / "window" / "transfers"
    bad = tmp_path / "bad.yst"
    bad.write_bytes(_flip(path.read_bytes(), 100))
    with pytest.raises(TransferError):
        spool_transfer(bad, spool)
    envelope = spool_transfer(path, spool)
    spool_transfer(path, spool)
    assert envelope.case_count == 3
    report = sync_once(window, client, window.clock.now())
    assert len(report.transfers) == 1 and len(report.transfers[0]["cases"]) == 3
    assert running.platform.counts()["cases"] == 3
    assert list(spool.glob("*.yst")) == [] and len(list((spool / "done").glob("*.yst"))) == 1
    window.close()


def test_header_names_the_exporting_device(
    field_store: Store, running: Running, field_identity: DeviceIdentity, tmp_path: Path
) -> None:
    envelope = read_transfer(_export(field_store, running, field_identity, tmp_path).read_bytes())
    assert envelope.device_id == field_identity.device_id and envelope.header["version"] == 1


def _forgeries(tmp_path: Path) -> list[tuple[dict[str, Any], str]]:
    return [
        ({"device_public_key": b64e(b"k" * 10)}, "device_public_key must be 32 bytes"),
        ({"device_public_key": "not base64"}, "device_public_key must be base64"),
        ({"case_count": -5}, "case_count must be an integer from 0"),
        ({"case_count": True}, "case_count must be an integer"),
        ({"transfer_id": "../../escaped"}, "transfer_id must be a lowercase UUID"),
        ({"transfer_id": str(tmp_path / "absolute")}, "transfer_id must be a lowercase UUID"),
        ({"device_id": "../dev"}, "device_id must be 'dev-'"),
        ({"nonce": b64e(b"n" * 5)}, "nonce must be 12 bytes"),
        ({"ephemeral_public_key": b64e(b"e" * 31)}, "ephemeral_public_key must be 32 bytes"),
        ({"recipient_key_id": "x"}, "recipient_key_id must be 16 lowercase hex"),
        ({"created_at": "yesterday"}, "created_at must be an ISO 8601 time"),
        ({"version": 2}, "version must be 1"),
        ({"cipher": "ROT13"}, "cipher must be 'AES-256-GCM'"),
        ({"extra": 1}, "unknown fields: extra"),
        ({"nonce": DROP}, "lacks nonce"),
    ]


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_every_header_field_is_checked_and_a_forged_file_changes_nothing(
    running: Running, identity: DeviceIdentity, client: PlatformClient, tmp_path: Path
) -> None:
    key = x25519_public_from_b64(platform_public_key(running.platform)["x25519_public_key"])
    genuine = sample_transfer(identity, key)
    spool = tmp_path / "window" / "transfers"
    forged_file = tmp_path / "forged.yst"
    before, files = running.platform.counts(), _files(tmp_path)
    for changes, message in _forgeries(tmp_path):
        data = reheader(genuine, identity, **changes)
        forged_file.write_bytes(data)
        with pytest.raises(TransferError, match=re.escape(message)):
            read_transfer(data)
        with pytest.raises(TransferError, match=re.escape(message)):
            spool_transfer(forged_file, spool)
        with pytest.raises(TransferError, match=re.escape(message)):
            import_transfer(running.db_url, forged_file)
        with pytest.raises(RejectedError) as refused:
            client.upload_transfer(data)
        assert refused.value.status == 422 and message in refused.value.body["message"]
    assert not spool.exists()
    assert _files(tmp_path) - {forged_file} == files
    assert running.platform.counts() == before


def test_a_header_nested_deep_or_claiming_a_huge_size_is_refused(identity: DeviceIdentity, running: Running) -> None:
    key = x25519_public_from_b64(platform_public_key(running.platform)["x25519_public_key"])
    genuine = sample_transfer(identity, key)
    with pytest.raises(TransferError, match="not valid JSON"):
        read_transfer(reheader(genuine, identity, raw_header=b"[" * 10_000))
    huge = genuine[:5] + (2**31).to_bytes(4, "big") + genuine[9:]
    with pytest.raises(TransferError, match="header claims"):
        read_transfer(huge)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (TransferCase(str(uuid.uuid4()), 2**70, None, {}, []), "revision must be an integer from 1 to 2147483647"),
        (TransferCase(str(uuid.uuid4()), 2, -1, {}, []), "base_revision must be null or an integer below revision"),
        (TransferCase("../../x", 1, None, {}, []), "case_id is not a lowercase UUID"),
        (TransferCase(str(uuid.uuid4()), 1, None, {}, ["AB"]), "attachments is not a list of sha256"),
    ],
)
def test_a_malformed_case_inside_refuses_the_whole_file(
    running: Running, identity: DeviceIdentity, tmp_path: Path, case: TransferCase, message: str
) -> None:
    key = x25519_public_from_b64(platform_public_key(running.platform)["x25519_public_key"])
    good = TransferCase(str(uuid.uuid4()), 1, None, {"name": "张三"}, [])
    path = tmp_path / "t.yst"
    export_transfer(path, [good, case], [], identity=identity, platform_key=key)
    before = running.platform.counts()
    with pytest.raises(TransferError, match=re.escape(f"case 2 is malformed: {message}")):
        import_transfer(running.db_url, path)
    assert running.platform.counts() == before


def test_an_ephemeral_key_of_low_order_is_refused_as_undecryptable(running: Running, identity: DeviceIdentity) -> None:
    key = x25519_public_from_b64(platform_public_key(running.platform)["x25519_public_key"])
    forged = reheader(sample_transfer(identity, key), identity, ephemeral_public_key=b64e(bytes(32)))
    envelope = read_transfer(forged)
    with pytest.raises(TransferError, match="ephemeral key is unusable"):
        open_transfer(envelope, running.platform.transfer_private_key())


def test_a_transfer_file_is_dated_by_the_stores_clock_not_the_machine(
    field_store: Store, field_identity: DeviceIdentity, tmp_path: Path
) -> None:
    queue_case(field_store, "孙七")
    out = tmp_path / "stick" / "t.yst"
    before = field_store.clock.now()
    envelope = export_outbox(
        field_store, out, identity=field_identity, platform_key=X25519PrivateKey.generate().public_key()
    )
    stamped = datetime.fromisoformat(envelope.created_at)
    assert before < stamped <= field_store.clock.now()  # the test clock runs in 2026-11, not on the machine's time
