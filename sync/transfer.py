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

import os
import re
import shutil
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from desktop.cases.clock import system_now
from desktop.files import private_dir, write_private
from sync.canonical import JsonError, dumps, loads
from sync.crypto import (
    DecryptError,
    Ed25519PrivateKey,
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
from sync.protocol import DEVICE_ID_RE, KEY_ID_RE, MAX_REVISION, MAX_TRANSFER, SHA256_RE, UUID_RE, is_int_in

MAGIC = b"YSTF"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">4sBI")
SIGNATURE_SIZE = 64
_INFO = b"yishi-transfer-v1"
SUFFIX = ".yst"
MAX_HEADER = 16 * 1024  # a real header is about 600 bytes
MAX_CASES = 100_000
_CIPHER, _KDF = "AES-256-GCM", "X25519-HKDF-SHA256"
_TAG_SIZE = 16
_MEDIA_TYPE_MAX = 100
_CREATED_AT_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{8,15}(?:Z|[+-][0-9]{2}:[0-9]{2})")


class Signer(Protocol):
    """The exporting device (``sync.client.DeviceIdentity`` is one): its id and Ed25519 signing key."""

    @property
    def device_id(self) -> str: ...

    @property
    def key(self) -> Ed25519PrivateKey: ...


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
    identity: Signer,
    platform_key: X25519PublicKey,
    created_at: datetime | None = None,
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
        "created_at": (created_at or system_now()).astimezone(UTC).isoformat(),
        "device_id": identity.device_id,
        "device_public_key": b64e(raw_public(identity.key.public_key())),
        "recipient_key_id": key_id(raw_public(platform_key)),
        "cipher": _CIPHER,
        "kdf": _KDF,
        "case_count": len(cases),
    }
    # The ciphertext length is known before encrypting (GCM adds a 16-byte tag), so the header can carry it
    # and still be authenticated as associated data.
    header["ciphertext_length"] = len(plaintext) + _TAG_SIZE
    eph_key = X25519PrivateKey.generate()
    eph_pub = raw_public(eph_key.public_key())
    nonce = os.urandom(12)
    header["ephemeral_public_key"], header["nonce"] = b64e(eph_pub), b64e(nonce)
    head = dumps(header)
    aad = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(head)) + head
    ciphertext = seal(platform_key, plaintext, aad=aad, info=_INFO, ephemeral=eph_key, nonce=nonce)
    body = aad + ciphertext
    data = body + identity.key.sign(body)
    write_private(out, data)
    return read_transfer(data)


def read_transfer(data: bytes) -> Envelope:
    """Check structure, every header field, length and signature; raises :class:`TransferError` naming the first
    problem. Nothing here trusts the header before it is checked: paths and keys are built from checked fields."""
    if len(data) < _PREFIX.size:
        raise TransferError(f"not a transfer file: only {len(data)} bytes")
    magic, version, head_len = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise TransferError("not a yishi transfer file (bad magic bytes)")
    if version != FORMAT_VERSION:
        raise TransferError(f"transfer file format version {version} is not supported (this app reads version 1)")
    if head_len > MAX_HEADER:
        raise TransferError(f"transfer file header claims {head_len} bytes (at most {MAX_HEADER}): file damaged")
    head_end = _PREFIX.size + head_len
    if len(data) < head_end:
        raise TransferError("transfer file is truncated inside its header")
    header = parse_header(data[_PREFIX.size : head_end])
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


def parse_header(raw: bytes) -> dict[str, Any]:
    """The header's JSON with every field checked: exactly the fields of version 1, each of its type and shape."""
    try:
        header = loads(raw, max_depth=2)
    except JsonError:
        raise TransferError("transfer file header is not valid JSON (file damaged)") from None
    if not isinstance(header, dict) or header.get("format") != "yishi-transfer":
        raise TransferError("transfer file header has the wrong format tag")
    missing = sorted(_HEADER_CHECKS.keys() - header.keys())
    if missing:
        raise TransferError(f"transfer file header lacks {', '.join(missing)}")
    unknown = sorted(header.keys() - _HEADER_CHECKS.keys())
    if unknown:
        raise TransferError(f"transfer file header has unknown fields: {', '.join(u[:40] for u in unknown[:5])}")
    for name, check in _HEADER_CHECKS.items():
        problem = check(header[name])
        if problem:
            raise TransferError(f"transfer file header field {name} {problem}")
    return header


def _text(pattern: re.Pattern[str], shape: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if isinstance(value, str) and pattern.fullmatch(value) else f"must be {shape}"

    return check


def _b64_bytes(size: int, what: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        try:
            raw = b64d(value) if isinstance(value, str) else None
        except ValueError:
            raw = None
        if raw is None:
            return f"must be base64 ({what}, {size} bytes)"
        return None if len(raw) == size else f"must be {size} bytes ({what}), found {len(raw)}"

    return check


def _integer(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if is_int_in(value, low, high) else f"must be an integer from {low} to {high}"

    return check


def _equal(expected: Any) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        same = value == expected and type(value) is type(expected)
        return None if same else f"must be {expected!r} (this app reads that only)"

    return check


def _timestamp(value: Any) -> str | None:
    if isinstance(value, str) and _CREATED_AT_RE.fullmatch(value):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return None
    return "must be an ISO 8601 time with its UTC offset"


_HEADER_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "format": _equal("yishi-transfer"),
    "version": _equal(FORMAT_VERSION),
    "transfer_id": _text(UUID_RE, "a lowercase UUID"),
    "created_at": _timestamp,
    "device_id": _text(DEVICE_ID_RE, "'dev-' and 16 lowercase hex digits"),
    "device_public_key": _b64_bytes(32, "an Ed25519 public key"),
    "recipient_key_id": _text(KEY_ID_RE, "16 lowercase hex digits"),
    "cipher": _equal(_CIPHER),
    "kdf": _equal(_KDF),
    "case_count": _integer(0, MAX_CASES),
    "ciphertext_length": _integer(_TAG_SIZE, MAX_TRANSFER),
    "ephemeral_public_key": _b64_bytes(32, "an X25519 public key"),
    "nonce": _b64_bytes(12, "an AES-GCM nonce"),
}


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
        data = loads(plaintext)
    except JsonError as exc:
        raise TransferError(f"transfer file contents are malformed: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise TransferError("transfer file contents are malformed: no list of cases")
    if not isinstance(data.get("attachments"), list):
        raise TransferError("transfer file contents are malformed: no list of attachments")
    if len(data["cases"]) != case_count:
        raise TransferError("transfer file case count does not match its header")
    cases = [_case(c, n) for n, c in enumerate(data["cases"], 1)]
    atts: dict[str, TransferAttachment] = {}
    for n, item in enumerate(data["attachments"], 1):
        att = _attachment(item, n)
        atts[att.sha256] = att
    return Contents(cases, atts)


def _case(item: Any, n: int) -> TransferCase:
    if not isinstance(item, dict):
        raise TransferError(f"transfer file case {n} is not an object")
    case_id, revision, base = item.get("case_id"), item.get("revision"), item.get("base_revision")
    payload, shas = item.get("payload"), item.get("attachments")
    problem = None
    if not isinstance(case_id, str) or not UUID_RE.fullmatch(case_id):
        problem = "case_id is not a lowercase UUID"
    elif not is_int_in(revision, 1, MAX_REVISION):
        problem = f"revision must be an integer from 1 to {MAX_REVISION}"
    elif base is not None and not is_int_in(base, 1, revision - 1):
        problem = "base_revision must be null or an integer below revision"
    elif not isinstance(payload, dict):
        problem = "payload is not an object"
    elif not isinstance(shas, list) or not all(isinstance(x, str) and SHA256_RE.fullmatch(x) for x in shas):
        problem = "attachments is not a list of sha256 hex strings"
    else:
        return TransferCase(case_id, revision, base, payload, list(shas))
    raise TransferError(f"transfer file case {n} is malformed: {problem}")


def _attachment(item: Any, n: int) -> TransferAttachment:
    if not isinstance(item, dict):
        raise TransferError(f"transfer file attachment {n} is not an object")
    sha, media, encoded = item.get("sha256"), item.get("media_type"), item.get("data")
    if not isinstance(sha, str) or not SHA256_RE.fullmatch(sha):
        raise TransferError(f"transfer file attachment {n} has no sha256 hex name")
    if not isinstance(media, str) or len(media) > _MEDIA_TYPE_MAX:
        raise TransferError(f"transfer file attachment {n} has a malformed media type")
    try:
        data = b64d(encoded) if isinstance(encoded, str) else None
    except ValueError:
        data = None
    if data is None:
        raise TransferError(f"transfer file attachment {n} is not base64")
    if sha256_hex(data) != sha:
        raise TransferError(f"attachment {sha[:12]}… in the transfer file does not match its hash")
    return TransferAttachment(sha, media, data)


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
    target = spool_path(spool_dir, envelope.transfer_id)
    if not target.exists() and not (spool_dir / "done" / target.name).exists():
        write_private(target, data)
    return envelope


def spool_path(spool_dir: Path, transfer_id: str) -> Path:
    """The spool file of a transfer: named only from a checked UUID, so it can never leave ``spool_dir``."""
    if not UUID_RE.fullmatch(transfer_id):
        raise TransferError(f"transfer id {transfer_id[:40]!r} is not a lowercase UUID")
    return spool_dir / f"{transfer_id}{SUFFIX}"


def spooled(spool_dir: Path) -> list[Path]:
    return sorted(spool_dir.glob(f"*{SUFFIX}")) if spool_dir.exists() else []


def settle_spooled(path: Path, outcome: str, note: str = "") -> None:
    """Move an uploaded (``done``) or refused (``rejected``) spool file aside, keeping the platform's answer."""
    if outcome not in ("done", "rejected"):
        raise ValueError(f"spool outcome must be done or rejected, not {outcome!r}")
    folder = path.parent / outcome
    private_dir(folder)
    if note:
        write_private(folder / (path.name + ".txt"), note.encode("utf-8"))
    shutil.move(str(path), folder / path.name)
