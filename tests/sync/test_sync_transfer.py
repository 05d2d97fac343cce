"""Transfer files: export at a field laptop, import at the platform or via a window; tampering rejected whole."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import FIELD, Running, enroll, hall_clock, queue_case

from desktop.store.repo import Store
from sync.client import DeviceIdentity, PlatformClient
from sync.crypto import Ed25519PrivateKey, X25519PrivateKey, key_id, raw_public, sha256_hex, x25519_public_from_b64
from sync.outbox_files import export_outbox
from sync.platform.operator import platform_public_key
from sync.platform.transfers import import_transfer
from sync.transfer import TransferError, read_transfer, spool_transfer
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
