"""HTTP client of API v1 (http.client, one keep-alive connection, timeouts, signed requests).

Errors are sorted for the delivery loop: :class:`TransientError` (retry later), :class:`RejectedError`
(the platform refused this one request), :class:`ConflictError` (409) and :class:`UnauthorizedError` (the device
itself is refused: stop, do not blame the case).
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization

from desktop.files import write_private
from desktop.keyring import PASSPHRASE_ENV, subkey, unlocked_keys
from sync import auth
from sync.crypto import (
    Ed25519PrivateKey,
    X25519PublicKey,
    b64e,
    raw_public,
    read_ed25519_private,
    x25519_public_from_b64,
)


class PlatformError(Exception):
    """Any failure talking to the platform."""


class TransientError(PlatformError):
    """Network trouble, timeout, truncated answer or a 5xx: try again later."""


class RejectedError(PlatformError):
    """The platform refused the request (4xx other than 401/409); retrying the same request will not help."""

    def __init__(self, status: int, code: str, message: str, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.body = body


class ConflictError(RejectedError):
    """409: the platform holds another revision of the case."""


class UnauthorizedError(RejectedError):
    """401: the device is unknown, its clock is off or its signature fails."""


@dataclass(frozen=True)
class DeviceIdentity:
    """An enrolled device: its id and private signing key."""

    device_id: str
    key: Ed25519PrivateKey


@dataclass(frozen=True)
class CaseReceipt:
    """The platform's record of a submitted case."""

    case_id: str
    platform_number: str
    revision: int
    status: str
    payload_sha256: str
    status_reason: str | None = None


@dataclass(frozen=True)
class StatusUpdate:
    """One platform status change of one of this device's cases."""

    seq: int
    case_id: str
    platform_number: str
    status: str
    reason: str | None
    at: str


@dataclass(frozen=True)
class StatusPage:
    """A page of status updates and the cursor to ask from next."""

    updates: list[StatusUpdate]
    cursor: int
    more: bool


@dataclass(frozen=True)
class CatalogOffer:
    """A signed catalog the platform offers (not yet verified)."""

    version: str
    document: str
    signature: str


class PlatformClient:
    """Signed requests to one platform base URL (``https://host:port``) as one enrolled device."""

    def __init__(
        self,
        base_url: str,
        identity: DeviceIdentity | None,
        *,
        timeout: float = 15.0,
        ca_file: Path | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"platform URL must be http(s)://host[:port], got {base_url!r}")
        self.scheme, self.host = parts.scheme, parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        self.identity = identity
        self.timeout = timeout
        # loading the system's CA store costs ~50 ms: only an https platform needs it
        self.ssl_context = (
            ssl.create_default_context(cafile=str(ca_file) if ca_file else None) if parts.scheme == "https" else None
        )
        self._conn: http.client.HTTPConnection | None = None

    # -- transport ----------------------------------------------------------------------------------------------

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self.scheme == "https":
                self._conn = http.client.HTTPSConnection(
                    self.host, self.port, timeout=self.timeout, context=self.ssl_context
                )
            else:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        content_type: str = "application/json",
        signed: bool = True,
        identity: DeviceIdentity | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One exchange; raises :class:`TransientError` for anything that leaves the outcome unknown."""
        target = self.prefix + path
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        who = identity or self.identity
        if signed:
            if who is None:
                raise PlatformError("this device is not enrolled")
            headers.update(auth.sign_headers(who.key, who.device_id, method, target, body))
        conn = self._connection()
        try:
            conn.request(method, target, body=body if method in ("PUT", "POST") else None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            resp_headers = {k.lower(): v for k, v in resp.getheaders()}
        except (TimeoutError, OSError, http.client.HTTPException, ssl.SSLError) as exc:
            self.close()  # the connection state is unknown: never reuse it
            raise TransientError(f"{method} {path}: {type(exc).__name__}: {exc}") from None
        if resp_headers.get("connection", "").lower() == "close":
            self.close()
        if resp.status >= 500 or resp.status in (408, 429):
            self.close()
            raise TransientError(f"{method} {path}: HTTP {resp.status}")
        return resp.status, resp_headers, data

    def _json(self, method: str, path: str, payload: Any = None, *, signed: bool = True, **kw: Any) -> tuple[int, Any]:
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        status, _headers, data = self.request(method, path, body, signed=signed, **kw)
        parsed = _parse(data, method, path) if data else None
        if status >= 400:
            raise _refusal(status, parsed if isinstance(parsed, dict) else {})
        return status, parsed

    # -- API ----------------------------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        _status, data = self._json("GET", "/v1/health", signed=False)
        return dict(data)

    def platform_key(self) -> dict[str, str]:
        _status, data = self._json("GET", "/v1/platform-key", signed=False)
        return dict(data)

    def enroll(self, code: str, key: Ed25519PrivateKey, label: str) -> DeviceIdentity:
        payload = {"enrollment_code": code, "public_key": b64e(raw_public(key.public_key())), "label": label}
        # Signed with the new key; the device header is a placeholder until the platform names the device.
        _status, data = self._json("POST", "/v1/devices", payload, identity=DeviceIdentity("enrolling", key))
        return DeviceIdentity(str(data["device_id"]), key)

    def submit_case(
        self, case_id: str, revision: int, base_revision: int | None, payload: dict[str, Any], attachments: list[str]
    ) -> CaseReceipt:
        body = {
            "case_id": case_id,
            "revision": revision,
            "base_revision": base_revision,
            "payload": payload,
            "attachments": attachments,
        }
        _status, data = self._json("PUT", f"/v1/cases/{quote(case_id)}", body)
        return _receipt(data)

    def get_case(self, case_id: str) -> CaseReceipt:
        _status, data = self._json("GET", f"/v1/cases/{quote(case_id)}")
        return _receipt(data)

    def has_attachment(self, sha256: str) -> int | None:
        """The stored size if the platform holds the attachment, else ``None``."""
        status, headers, _ = self.request("HEAD", f"/v1/attachments/{sha256}")
        if status == 404:
            return None
        if status != 200:
            raise _refusal(status, {})
        return int(headers.get("x-yishi-size", "-1"))

    def put_attachment(self, sha256: str, data: bytes, media_type: str) -> int:
        status, _headers, raw = self.request("PUT", f"/v1/attachments/{sha256}", data, content_type=media_type)
        parsed = _parse(raw, "PUT", "attachment") if raw else {}
        if status >= 400:
            raise _refusal(status, parsed if isinstance(parsed, dict) else {})
        if parsed.get("sha256") != sha256 or parsed.get("size") != len(data):
            raise TransientError(f"platform acknowledged attachment {sha256[:12]} with a different hash or size")
        return len(data)

    def status_updates(self, after: int, limit: int = 200) -> StatusPage:
        _status, data = self._json("GET", f"/v1/status?after={after}&limit={limit}")
        updates = [
            StatusUpdate(u["seq"], u["case_id"], u["platform_number"], u["status"], u.get("reason"), u["at"])
            for u in data["updates"]
        ]
        return StatusPage(updates, int(data["cursor"]), bool(data["more"]))

    def latest_catalog(self, after: str | None) -> CatalogOffer | None:
        path = "/v1/catalog" + (f"?after={quote(after)}" if after else "")
        status, data = self._json("GET", path)
        if status == 204 or data is None:
            return None
        return CatalogOffer(str(data["version"]), str(data["document"]), str(data["signature"]))

    def upload_transfer(self, data: bytes) -> dict[str, Any]:
        status, _headers, raw = self.request("POST", "/v1/transfers", data, content_type="application/octet-stream")
        parsed = _parse(raw, "POST", "/v1/transfers") if raw else {}
        if status >= 400:
            raise _refusal(status, parsed if isinstance(parsed, dict) else {})
        return dict(parsed)


def _parse(data: bytes, method: str, path: str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TransientError(f"{method} {path}: garbled response body") from None


def _refusal(status: int, body: dict[str, Any]) -> RejectedError:
    code, message = str(body.get("error", "http_error")), str(body.get("message", f"HTTP {status}"))
    if status == 409:
        return ConflictError(status, code, message, body)
    if status == 401:
        return UnauthorizedError(status, code, message, body)
    return RejectedError(status, code, message, body)


def _receipt(data: Any) -> CaseReceipt:
    try:
        return CaseReceipt(
            str(data["case_id"]),
            str(data["platform_number"]),
            int(data["revision"]),
            str(data["status"]),
            str(data["payload_sha256"]),
            data.get("status_reason"),
        )
    except (KeyError, TypeError, ValueError):
        raise TransientError("platform answered a case request without a complete receipt") from None


# -- device identity on disk -------------------------------------------------------------------------------------


def identity_paths(folder: Path) -> tuple[Path, Path]:
    return folder / "device.key", folder / "device.json"


def save_identity(folder: Path, identity: DeviceIdentity, base_url: str, platform_key: dict[str, str]) -> None:
    """Keep the device id, platform URL and the platform's transfer key (for offline export) beside the key."""
    key_path, info_path = identity_paths(folder)
    write_device_key(key_path, identity.key)
    info = {"device_id": identity.device_id, "platform_url": base_url, "platform_key": platform_key}
    write_private(info_path, json.dumps(info).encode("utf-8"))


# device.key is PKCS#8 PEM encrypted (BestAvailableEncryption: AES-256-CBC under scrypt) with a password derived
# from the unlocked store key (HKDF, purpose "device.key"), else with YISHI_STORE_PASSPHRASE; a window with
# neither (no encryption at rest) keeps it plain, owner-only. yishi store encrypt re-seals a plain one.


def _device_key_passwords() -> list[bytes]:
    passwords = [subkey(k, "device.key").hex().encode() for k in unlocked_keys()]
    env = os.environ.get(PASSPHRASE_ENV)
    return passwords + ([env.encode("utf-8")] if env else [])


def write_device_key(path: Path, key: Ed25519PrivateKey) -> bool:
    """Write ``device.key`` 0600, encrypted when a password is at hand; returns whether it is encrypted."""
    passwords = _device_key_passwords()
    protection: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passwords[0]) if passwords else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection)
    write_private(path, pem)
    return bool(passwords)


def read_device_key(path: Path) -> Ed25519PrivateKey:
    """``device.key``, plain or encrypted; raises PlatformError (English) when no password at hand opens it."""
    pem = path.read_bytes()
    if b"ENCRYPTED" not in pem:
        return read_ed25519_private(path)
    for password in _device_key_passwords():
        try:
            key = serialization.load_pem_private_key(pem, password=password)
        except (ValueError, TypeError):
            continue
        if isinstance(key, Ed25519PrivateKey):
            return key
    raise PlatformError(f"{path} is encrypted: log in (unlock the store) or set {PASSPHRASE_ENV}")


def protect_device_key(folder: Path) -> bool:
    """Re-seal a plain ``device.key`` now that a password is at hand; returns whether it is encrypted now."""
    key_path, _info = identity_paths(folder)
    if not key_path.exists():
        return False
    if b"ENCRYPTED" in key_path.read_bytes():
        return True
    return write_device_key(key_path, read_ed25519_private(key_path))


def load_platform_key(folder: Path) -> X25519PublicKey:
    """The platform's X25519 transfer key saved at enrollment."""
    _key_path, info_path = identity_paths(folder)
    info = json.loads(info_path.read_text(encoding="utf-8"))
    return x25519_public_from_b64(info["platform_key"]["x25519_public_key"])


def load_identity(folder: Path) -> tuple[DeviceIdentity, str] | None:
    """The enrolled identity and platform URL kept in ``folder``, or ``None`` if not enrolled."""
    key_path, info_path = identity_paths(folder)
    if not (key_path.exists() and info_path.exists()):
        return None
    info = json.loads(info_path.read_text(encoding="utf-8"))
    return DeviceIdentity(info["device_id"], read_device_key(key_path)), str(info["platform_url"])


def enroll_device(base_url: str, code: str, folder: Path, label: str, *, ca_file: Path | None = None) -> DeviceIdentity:
    """Generate this device's key, enrol it with the one-time ``code`` and keep key + id in ``folder``.

    The key is written before asking, so a retry after a lost answer re-sends the same key and the platform
    recognises the enrolment instead of refusing the used code.
    """
    key_path, _info = identity_paths(folder)
    if key_path.exists():
        key = read_device_key(key_path)
    else:
        key = Ed25519PrivateKey.generate()
        write_device_key(key_path, key)
    client = PlatformClient(base_url, None, ca_file=ca_file)
    try:
        identity = client.enroll(code, key, label)
        platform_key = client.platform_key()
    finally:
        client.close()
    save_identity(folder, identity, base_url, platform_key)
    return identity


def client_from_folder(folder: Path, *, ca_file: Path | None = None, timeout: float = 15.0) -> PlatformClient | None:
    """A client for the device enrolled in ``folder``, or ``None`` if this PC is not enrolled yet."""
    loaded = load_identity(folder)
    if loaded is None:
        return None
    identity, url = loaded
    return PlatformClient(url, identity, timeout=timeout, ca_file=ca_file)
