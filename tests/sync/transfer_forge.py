"""Transfer files made without a case store, and forged ones: a header changed and the whole file signed again."""

from __future__ import annotations

import json
import struct
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sync.canonical import dumps
from sync.client import DeviceIdentity
from sync.crypto import X25519PublicKey, sha256_hex
from sync.transfer import SIGNATURE_SIZE, TransferAttachment, TransferCase, export_transfer

_PREFIX = struct.Struct(">4sBI")
DROP = object()  # as a change: remove the field


def sample_transfer(identity: DeviceIdentity, platform_key: X25519PublicKey, cases: int = 2) -> bytes:
    """A genuine transfer file of ``cases`` new cases, the first with one attachment."""
    blob = b"scan of an ID card" * 50
    sha = sha256_hex(blob)
    items = [
        TransferCase(str(uuid.uuid4()), 1, None, {"name": f"申请人{i}"}, [sha] if i == 0 else []) for i in range(cases)
    ]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "t.yst"
        export_transfer(
            out, items, [TransferAttachment(sha, "image/jpeg", blob)], identity=identity, platform_key=platform_key
        )
        return out.read_bytes()


def split(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The header and the ciphertext of a transfer file."""
    head_len = _PREFIX.unpack_from(data)[2]
    head_end = _PREFIX.size + head_len
    return json.loads(data[_PREFIX.size : head_end]), data[head_end:-SIGNATURE_SIZE]


def reheader(data: bytes, identity: DeviceIdentity, raw_header: bytes | None = None, **changes: Any) -> bytes:
    """``data`` with its header changed (or replaced by ``raw_header``), signed again by ``identity``: only the
    platform's own checks, not the signature, can then refuse it."""
    header, ciphertext = split(data)
    for name, value in changes.items():
        if value is DROP:
            header.pop(name, None)
        else:
            header[name] = value
    head = raw_header if raw_header is not None else dumps(header)
    body = _PREFIX.pack(b"YSTF", 1, len(head)) + head + ciphertext
    return body + identity.key.sign(body)
