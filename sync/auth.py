"""Request signing: every request carries the device id, a timestamp, a nonce and an Ed25519 signature.

The signed text binds method, path (with query), timestamp, nonce and the body's sha256, so a captured
request cannot be replayed later (timestamp window) or twice (nonce), nor altered in transit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from desktop.cases.clock import system_now
from sync.crypto import Ed25519PrivateKey, Ed25519PublicKey, b64d, b64e, sha256_hex, verify

HEADER_DEVICE = "X-Yishi-Device"
HEADER_TIMESTAMP = "X-Yishi-Timestamp"
HEADER_NONCE = "X-Yishi-Nonce"
HEADER_SIGNATURE = "X-Yishi-Signature"
MAX_SKEW_SECONDS = 300
_PREFIX = "yishi-request-v1"
SIGNATURE_SIZE = 64
# ASCII only: str.isdigit() and str.isalnum() also take "²" and "٣", which int() and the database do not want.
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_NONCE_RE = re.compile(r"[A-Za-z0-9]{16,64}")
_DEVICE_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")  # an enrolled id is "dev-" + 16 hex; enrolment sends a placeholder


class AuthError(Exception):
    """A request's signature headers are missing, stale, replayed or do not verify."""


def signing_text(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((_PREFIX, method.upper(), path, timestamp, nonce, sha256_hex(body))).encode()


def sign_headers(
    key: Ed25519PrivateKey, device_id: str, method: str, path: str, body: bytes, *, now: float | None = None
) -> dict[str, str]:
    """The four auth headers for one request, stamped with the machine's instant (the platform refuses one more
    than 300 s off its own clock)."""
    timestamp = str(int(system_now().timestamp() if now is None else now))
    nonce = secrets.token_hex(16)
    signature = key.sign(signing_text(method, path, timestamp, nonce, body))
    return {
        HEADER_DEVICE: device_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: b64e(signature),
    }


@dataclass(frozen=True)
class SignedRequest:
    """The auth headers of an incoming request, parsed but not yet checked against a key."""

    device_id: str
    timestamp: int
    nonce: str
    signature: bytes


def parse_headers(headers: dict[str, str]) -> SignedRequest:
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        device = lowered[HEADER_DEVICE.lower()]
        stamp = lowered[HEADER_TIMESTAMP.lower()]
        nonce = lowered[HEADER_NONCE.lower()]
        sig = lowered[HEADER_SIGNATURE.lower()]
    except KeyError as exc:
        raise AuthError(f"missing header {exc.args[0]}") from None
    if not _DEVICE_RE.fullmatch(device):
        raise AuthError("device id must be 1-40 ASCII letters, digits, '-' or '_'")
    if not _TIMESTAMP_RE.fullmatch(stamp):
        raise AuthError("timestamp must be integer seconds since the epoch (ASCII digits)")
    if not _NONCE_RE.fullmatch(nonce):
        raise AuthError("nonce must be 16-64 ASCII letters or digits")
    try:
        signature = b64d(sig)
    except ValueError:
        raise AuthError("signature is not base64") from None
    if len(signature) != SIGNATURE_SIZE:
        raise AuthError(f"signature must be {SIGNATURE_SIZE} bytes, found {len(signature)}")
    return SignedRequest(device, int(stamp), nonce, signature)


def check_signature(
    req: SignedRequest, public: Ed25519PublicKey, *, method: str, path: str, body: bytes, now: float
) -> None:
    """Raise :class:`AuthError` unless the request is fresh and signed by ``public``. Nonce reuse is the caller's."""
    if abs(now - req.timestamp) > MAX_SKEW_SECONDS:
        raise AuthError(f"stale timestamp: {int(now - req.timestamp)} s off the platform clock (limit ±300 s)")
    if not verify(public, req.signature, signing_text(method, path, str(req.timestamp), req.nonce, body)):
        raise AuthError("signature does not verify")
