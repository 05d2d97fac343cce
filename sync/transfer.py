"""Transfer files: queued cases and their attachments carried on a USB stick from a field laptop.

Layout (all integers big-endian)::

    b"YSTF" | format version (1 byte, = 1) | header length (4 bytes) | header (UTF-8 JSON)
    | ciphertext (header["ciphertext_length"] bytes) | Ed25519 signature (64 bytes) over everything before it

The plaintext (canonical JSON of cases and base64 attachments) is encrypted to the platform's X25519 key:
ephemeral X25519 → HKDF-SHA256 → AES-256-GCM with the header bytes as associated data. The exporting
device signs the whole file, so a window can check a file is intact without being able to read it, and the
platform checks the signer is an enrolled device. Any flipped or missing byte rejects the whole file.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop.store.repo import Store
from sync.canonical import dumps
from sync.client import DeviceIdentity
from sync.crypto import (
    DecryptError,
    Ed25519PublicKey,
    X25519PrivateKey,
    X25519PublicKey,
    b64d,
    b64e,
    key_id,
    open_sealed,
    raw_public,
    seal,
    sha256_hex,
    verify,
)
from sync.protocol import SHA256_RE, UUID_RE

MAGIC = b"YSTF"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">4sBI")
SIGNATURE_SIZE = 64
_INFO = b"yishi-transfer-v1"
SUFFIX = ".yst"


class TransferError(Exception):
    """A transfer file was refused as a whole; the message says why, in English."""


@dataclass(frozen=True)
class TransferCase:
    """One case revision as carried in a transfer file (the same fields as a submission)."""

    case_id: str
    revision: int
    base_revision: int | None
    payload: dict[str, Any]
    attachments: list[str]


@dataclass(frozen=True)
class TransferAttachment:
    """Attachment bytes carried in a transfer file."""

    sha256: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Envelope:
    """A transfer file whose structure and signature are verified (contents still encrypted)."""

    transfer_id: str
    device_id: str
    device_public_key: str
    recipient_key_id: str
    case_count: int
    created_at: str
    header: dict[str, Any]
    aad: bytes
    ciphertext: bytes


@dataclass(frozen=True)
class Contents:
    """The decrypted cases and attachments of a transfer file."""

    cases: list[TransferCase]
    attachments: dict[str, TransferAttachment]


def export_transfer(
    out: Path,
    cases: list[TransferCase],
    attachments: list[TransferAttachment],
    *,
    identity: DeviceIdentity,
    platform_key: X25519PublicKey,
) -> Envelope:
    """Write one signed, encrypted transfer file to ``out`` (atomically) and return its envelope."""
    for att in attachments:
        if sha256_hex(att.data) != att.sha256:
            raise TransferError(f"attachment {att.sha256[:12]}… does not match its hash; not exported")
    plaintext = dumps(
        {
            "cases": [c.__dict__ for c in cases],
            "attachments": [
                {"sha256": a.sha256, "media_type": a.media_type, "data": b64e(a.data)} for a in attachments
            ],
        }
    )
    header: dict[str, Any] = {
        "format": "yishi-transfer",
        "version": FORMAT_VERSION,
        "transfer_id": str(uuid.uuid4()),
        "created_at": datetime.now(UTC).isoformat(),
        "device_id": identity.device_id,
        "device_public_key": b64e(raw_public(identity.key.public_key())),
        "recipient_key_id": key_id(raw_public(platform_key)),
        "cipher": "AES-256-GCM",
        "kdf": "X25519-HKDF-SHA256",
        "case_count": len(cases),
    }
    # The ciphertext length is known before encrypting (GCM adds a 16-byte tag), so the header can carry it
    # and still be authenticated as associated data.
    header["ciphertext_length"] = len(plaintext) + 16
    eph_key = X25519PrivateKey.generate()
    eph_pub = raw_public(eph_key.public_key())
    nonce = os.urandom(12)
    header["ephemeral_public_key"], header["nonce"] = b64e(eph_pub), b64e(nonce)
    head = dumps(header)
    aad = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(head)) + head
    ciphertext = seal(platform_key, plaintext, aad=aad, info=_INFO, ephemeral=eph_key, nonce=nonce)
    body = aad + ciphertext
    data = body + identity.key.sign(body)
    _write_atomic(out, data)
    return read_transfer(data)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_transfer(data: bytes) -> Envelope:
    """Check structure, length and signature; raises :class:`TransferError` naming the first problem."""
    if len(data) < _PREFIX.size:
        raise TransferError(f"not a transfer file: only {len(data)} bytes")
    magic, version, head_len = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise TransferError("not a yishi transfer file (bad magic bytes)")
    if version != FORMAT_VERSION:
        raise TransferError(f"transfer file format version {version} is not supported (this app reads version 1)")
    head_end = _PREFIX.size + head_len
    if len(data) < head_end:
        raise TransferError("transfer file is truncated inside its header")
    header = _parse_header(data[_PREFIX.size : head_end])
    expected = head_end + header["ciphertext_length"] + SIGNATURE_SIZE
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "followed by extra bytes"
        raise TransferError(f"transfer file is {what}: expected {expected} bytes, found {len(data)}")
    body, signature = data[:-SIGNATURE_SIZE], data[-SIGNATURE_SIZE:]
    public = Ed25519PublicKey.from_public_bytes(b64d(header["device_public_key"]))
    if not verify(public, signature, body):
        raise TransferError("transfer file signature is invalid: the file was altered after export")
    return Envelope(
        transfer_id=header["transfer_id"],
        device_id=header["device_id"],
        device_public_key=header["device_public_key"],
        recipient_key_id=header["recipient_key_id"],
        case_count=header["case_count"],
        created_at=header["created_at"],
        header=header,
        aad=data[:head_end],
        ciphertext=data[head_end:-SIGNATURE_SIZE],
    )


def _parse_header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TransferError("transfer file header is not valid JSON (file damaged)") from None
    need = {
        "transfer_id": str,
        "device_id": str,
        "device_public_key": str,
        "recipient_key_id": str,
        "ephemeral_public_key": str,
        "nonce": str,
        "ciphertext_length": int,
        "case_count": int,
        "created_at": str,
    }
    if not isinstance(header, dict) or header.get("format") != "yishi-transfer":
        raise TransferError("transfer file header has the wrong format tag")
    for name, kind in need.items():
        if not isinstance(header.get(name), kind):
            raise TransferError(f"transfer file header lacks {name}")
    try:
        for name in ("device_public_key", "ephemeral_public_key", "nonce"):
            b64d(header[name])
    except ValueError:
        raise TransferError("transfer file header holds a malformed key") from None
    if header["ciphertext_length"] < 16:
        raise TransferError("transfer file header gives an impossible ciphertext length")
    return header


def open_transfer(envelope: Envelope, platform_private: X25519PrivateKey) -> Contents:
    """Decrypt and parse the contents (the platform side)."""
    if envelope.recipient_key_id != key_id(raw_public(platform_private.public_key())):
        raise TransferError("transfer file was encrypted for another platform key")
    try:
        plaintext = open_sealed(
            platform_private,
            eph_pub=b64d(envelope.header["ephemeral_public_key"]),
            nonce=b64d(envelope.header["nonce"]),
            ciphertext=envelope.ciphertext,
            aad=envelope.aad,
            info=_INFO,
        )
    except DecryptError as exc:
        raise TransferError(str(exc)) from None
    return _parse_contents(plaintext, envelope.case_count)


def _parse_contents(plaintext: bytes, case_count: int) -> Contents:
    try:
        data = json.loads(plaintext)
        cases = [
            TransferCase(
                c["case_id"], int(c["revision"]), c["base_revision"], dict(c["payload"]), list(c["attachments"])
            )
            for c in data["cases"]
        ]
        atts = {
            a["sha256"]: TransferAttachment(a["sha256"], a["media_type"], b64d(a["data"])) for a in data["attachments"]
        }
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise TransferError(f"transfer file contents are malformed: {exc}") from None
    if len(cases) != case_count:
        raise TransferError("transfer file case count does not match its header")
    for case in cases:
        if not UUID_RE.match(case.case_id) or not all(
            isinstance(s, str) and SHA256_RE.match(s) for s in case.attachments
        ):
            raise TransferError(f"transfer file holds a malformed case {case.case_id!r}")
    for sha, att in atts.items():
        if sha256_hex(att.data) != sha:
            raise TransferError(f"attachment {sha[:12]}… in the transfer file does not match its hash")
    return Contents(cases, atts)


# -- at a connected window: check and queue for upload -----------------------------------------------------------


def spool_transfer(path: Path, spool_dir: Path) -> Envelope:
    """Check a transfer file brought to a window and queue it for upload by the sync worker.

    The window cannot decrypt it (only the platform can); it verifies the file is whole and signed, so a damaged
    stick is noticed while the field worker is still at the window. Spooling the same file twice is a no-op.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TransferError(f"cannot read {path}: {exc.strerror}") from None
    envelope = read_transfer(data)
    target = spool_dir / f"{envelope.transfer_id}{SUFFIX}"
    if not target.exists() and not (spool_dir / "done" / target.name).exists():
        _write_atomic(target, data)
    return envelope


def spooled(spool_dir: Path) -> list[Path]:
    return sorted(spool_dir.glob(f"*{SUFFIX}")) if spool_dir.exists() else []


def settle_spooled(path: Path, outcome: str, note: str = "") -> None:
    """Move an uploaded (``done``) or refused (``rejected``) spool file aside, keeping the platform's answer."""
    folder = path.parent / outcome
    folder.mkdir(exist_ok=True)
    if note:
        (folder / (path.name + ".txt")).write_text(note, encoding="utf-8")
    shutil.move(str(path), folder / path.name)


# -- at a field laptop: export the outbox -----------------------------------------------------------------------


def export_outbox(
    store: Store, out: Path, *, identity: DeviceIdentity, platform_key: X25519PublicKey, now: datetime | None = None
) -> Envelope:
    """Export every unsent outbox revision (and its attachments) into one transfer file at ``out``.

    The entries stay pending: if the laptop later syncs directly, the platform recognises the same revisions and
    answers with the same numbers, so nothing arrives twice.
    """
    from sync.worker import attachment_refs, base_revision, read_attachment

    entries = store.pending_outbox(now or datetime.max.replace(tzinfo=UTC), limit=100_000)
    cases, blobs = [], {}
    for entry in entries:
        refs = attachment_refs(entry.payload)
        for ref in refs:
            if ref["sha256"] not in blobs:
                data = read_attachment(store, entry.case_id, ref["sha256"])
                blobs[ref["sha256"]] = TransferAttachment(ref["sha256"], str(ref.get("media_type") or ""), data)
        cases.append(
            TransferCase(
                str(entry.case_id),
                entry.revision,
                base_revision(store, entry),
                entry.payload,
                [r["sha256"] for r in refs],
            )
        )
    if not cases:
        raise TransferError("nothing to export: the outbox is empty")
    return export_transfer(out, cases, list(blobs.values()), identity=identity, platform_key=platform_key)
