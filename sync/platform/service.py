"""The platform's behaviour, independent of HTTP: each public method is one API operation in one transaction."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from desktop.catalog.version import version_key
from sync import auth
from sync.canonical import JsonError, digest, loads
from sync.crypto import (
    X25519PrivateKey,
    b64d,
    b64e,
    ed25519_public_from_b64,
    key_id,
    raw_public,
    sha256_hex,
)
from sync.platform import db
from sync.platform.keys import FileKeyStore, KeyStore, default_key_file
from sync.protocol import MAX_REVISION, SHA256_RE, UUID_RE, PlatformStatus, is_int_in

T = TypeVar("T")
NONCE_KEEP_SECONDS = 2 * auth.MAX_SKEW_SECONDS + 60
STATUS_PAGE_MAX = 500
MAX_ATTACHMENTS_PER_CASE = 10_000
LEGACY_KEY_SETTING = "transfer_key"  # where databases before the key store kept the transfer key, in plaintext
_ENROLLMENT_CODE_RE = re.compile(r"[A-Za-z0-9-]{1,40}")
_LABEL_MAX = 200
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MEDIA_TYPE_RE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}")
_CASE_NUMBER_RE = re.compile(r"[0-9]{21}[0-9A-Z]")  # canonical 办件编号 (desktop/cases/numbers.py)
_QUERY_CODE_RE = re.compile(r"[0-9]{6}")


class ApiError(Exception):
    """An API refusal: HTTP status, a stable machine code, an English message and extra JSON fields."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}


@dataclass
class Result:
    """An operation's answer: HTTP status and JSON body (``None`` for no body), or an HTML page (``html``)."""

    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    html: str | None = None


def utcnow(clock: Callable[[], float]) -> datetime:
    return datetime.fromtimestamp(clock(), UTC)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # SQLite hands naive datetimes back


def _iso(value: datetime | None) -> str | None:
    return None if value is None else aware(value).isoformat()


def open_platform(db_url: str, *, key_file: Path | None = None) -> Platform:
    """The platform over ``db_url`` (a URL or a SQLite path), its keys in ``key_file`` or the default place
    (:func:`sync.platform.keys.default_key_file`). Raises :class:`sync.platform.db.PlatformSetupError`."""
    return Platform(db.open_engine(db_url), keys=None if key_file is None else FileKeyStore(key_file))


class Platform:
    """The reference platform over one database engine."""

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time, keys: KeyStore | None = None) -> None:
        """``keys`` defaults to a :class:`FileKeyStore` beside a SQLite file (see :func:`default_key_file`).

        An older database is brought up to date here: a transfer key it still holds moves out to ``keys``."""
        self.engine = engine
        self.clock = clock
        self.keys = keys if keys is not None else FileKeyStore(default_key_file(engine))
        # SQLite allows one writer; serialising here avoids lock-upgrade failures. PostgreSQL relies on
        # unique constraints plus one retry instead, so several server processes can share it.
        self._lock = threading.Lock() if db.is_sqlite(engine) else None
        self._last_prune = 0.0
        if self.run_value(self._upgrade) and db.is_sqlite(engine):
            with engine.connect() as conn:  # the deleted key must not linger in the write-ahead log either
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def _upgrade(self, conn: Connection) -> bool:
        """Move a transfer key kept in the database to the key store (True if one was moved); index older cases
        for the query page."""
        row = conn.execute(select(db.settings.c.value).where(db.settings.c.key == LEGACY_KEY_SETTING)).first()
        if row is not None:
            self.keys.adopt_transfer_key(X25519PrivateKey.from_private_bytes(b64d(row.value)))
            conn.execute(delete(db.settings).where(db.settings.c.key == LEGACY_KEY_SETTING))
        unindexed = conn.execute(
            select(db.cases.c.case_id, db.cases.c.payload).where(
                ~exists().where(db.case_query.c.case_id == db.cases.c.case_id)
            )
        ).all()
        for case in unindexed:
            number, code = query_keys(json.loads(case.payload))
            conn.execute(insert(db.case_query).values(case_id=case.case_id, number=number, query_code=code))
        return row is not None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        if self._lock is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._lock, self.engine.begin() as conn:
            yield conn

    def run(self, op: Callable[[Connection], Result]) -> Result:
        """Run ``op`` in a transaction; a unique-key race is retried once and then seen as the winner's row."""
        return self.run_value(op)

    def run_value(self, op: Callable[[Connection], T]) -> T:
        for attempt in range(3):
            try:
                with self.transaction() as conn:
                    return op(conn)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # -- auth ---------------------------------------------------------------------------------------------------

    def authenticate(self, conn: Connection, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
        """The device id of a correctly signed, fresh, first-seen request; raises ApiError 401 otherwise."""
        try:
            req = auth.parse_headers(headers)
            row = conn.execute(select(db.devices.c.public_key).where(db.devices.c.device_id == req.device_id)).first()
            if row is None:
                raise auth.AuthError(f"unknown device {req.device_id!r}")
            auth.check_signature(
                req, ed25519_public_from_b64(row.public_key), method=method, path=path, body=body, now=self.clock()
            )
        except auth.AuthError as exc:
            raise ApiError(401, "unauthorized", str(exc)) from None
        self._use_nonce(conn, req.device_id, req.nonce)
        return req.device_id

    def _use_nonce(self, conn: Connection, device_id: str, nonce: str) -> None:
        seen = conn.execute(
            select(db.nonces.c.nonce).where(db.nonces.c.device_id == device_id, db.nonces.c.nonce == nonce)
        ).first()
        if seen is not None:
            raise ApiError(401, "replayed", "nonce already used: request replayed")
        now = self.clock()
        conn.execute(insert(db.nonces).values(device_id=device_id, nonce=nonce, seen_at=int(now)))
        if now - self._last_prune > 60:
            # A nonce older than the timestamp window can never be accepted again anyway.
            conn.execute(delete(db.nonces).where(db.nonces.c.seen_at < int(now) - NONCE_KEEP_SECONDS))
            self._last_prune = now

    # -- enrollment ---------------------------------------------------------------------------------------------

    def enroll(self, conn: Connection, path: str, headers: dict[str, str], body: bytes) -> Result:
        data = parse_json_object(body)
        code, public_b64, label = data.get("enrollment_code"), data.get("public_key"), data.get("label", "")
        if not isinstance(code, str) or not isinstance(public_b64, str) or not isinstance(label, str):
            raise ApiError(400, "bad_request", "enrollment_code, public_key (base64) and label are required strings")
        if len(label) > _LABEL_MAX or _CONTROL_RE.search(label):
            raise ApiError(400, "bad_request", f"label must be at most {_LABEL_MAX} characters, without control ones")
        try:
            public_raw = b64d(public_b64)
        except ValueError:
            public_raw = b""
        if len(public_raw) != 32:
            raise ApiError(400, "bad_request", "public_key must be base64 of a 32-byte Ed25519 public key")
        if not _ENROLLMENT_CODE_RE.fullmatch(code):
            raise ApiError(403, "enrollment_code_invalid", "enrollment code is unknown, expired or already used")
        try:
            public = ed25519_public_from_b64(public_b64)
            req = auth.parse_headers(headers)
            # Signed with the key being enrolled: proves the device holds the private half.
            auth.check_signature(req, public, method="POST", path=path, body=body, now=self.clock())
        except (ValueError, auth.AuthError) as exc:
            raise ApiError(401, "unauthorized", f"enrollment request not signed by the key it enrols: {exc}") from None
        device_id = "dev-" + key_id(public_raw)
        row = conn.execute(select(db.enrollment_codes).where(db.enrollment_codes.c.code == code)).first()
        now = utcnow(self.clock)
        if row is not None and row.used_by == device_id:
            return Result(200, self._enrolled_body(conn, device_id))  # a lost answer, asked again
        if row is None or row.used_by is not None or aware(row.expires_at) < now:
            raise ApiError(403, "enrollment_code_invalid", "enrollment code is unknown, expired or already used")
        if conn.execute(select(db.devices.c.device_id).where(db.devices.c.device_id == device_id)).first():
            raise ApiError(409, "conflict", f"this key is already enrolled as {device_id}; the code stays unused")
        self._use_nonce(conn, device_id, req.nonce)
        conn.execute(
            insert(db.devices).values(
                device_id=device_id, public_key=public_b64, label=label or row.label, enrolled_at=now
            )
        )
        conn.execute(update(db.enrollment_codes).where(db.enrollment_codes.c.code == code).values(used_by=device_id))
        return Result(201, self._enrolled_body(conn, device_id))

    def _enrolled_body(self, conn: Connection, device_id: str) -> dict[str, Any]:
        row = conn.execute(select(db.devices).where(db.devices.c.device_id == device_id)).one()
        return {"device_id": device_id, "label": row.label, "platform_key": self.platform_key()}

    # -- cases --------------------------------------------------------------------------------------------------

    def submit_case(self, conn: Connection, device_id: str, case_id: str, data: dict[str, Any]) -> Result:
        sub = parse_submission(case_id, data)
        row = conn.execute(select(db.cases).where(db.cases.c.case_id == case_id)).first()
        if row is not None and row.device_id != device_id:
            raise ApiError(403, "forbidden", "case belongs to another device")
        if row is None:
            if sub.base_revision is not None:
                raise self._conflict(
                    None, f"platform has no revision of this case, base_revision is {sub.base_revision}"
                )
            self._require_attachments(conn, sub.attachments)
            return Result(201, self._create_case(conn, device_id, sub))
        known = conn.execute(
            select(db.case_revisions.c.payload_sha256).where(
                db.case_revisions.c.case_id == case_id, db.case_revisions.c.revision == sub.revision
            )
        ).first()
        if known is not None:
            if known.payload_sha256 == sub.payload_sha256:
                return Result(200, case_body(row))  # identical resend: same answer
            raise self._conflict(row, f"revision {sub.revision} was already received with a different payload")
        if sub.base_revision != row.revision or sub.revision <= row.revision:
            raise self._conflict(
                row, f"base_revision {sub.base_revision} is not the platform's revision {row.revision}"
            )
        if PlatformStatus(row.status) in (PlatformStatus.COMPLETED, PlatformStatus.REJECTED):
            raise self._conflict(row, f"case is closed on the platform ({row.status})")
        self._require_attachments(conn, sub.attachments)
        return Result(200, self._revise_case(conn, row, sub))

    def _conflict(self, row: Any, message: str) -> ApiError:
        return ApiError(
            409,
            "conflict",
            message,
            platform_revision=None if row is None else row.revision,
            platform_number=None if row is None else row.platform_number,
        )

    def _require_attachments(self, conn: Connection, shas: list[str]) -> None:
        if not shas:
            return
        have = set(conn.scalars(select(db.attachments.c.sha256).where(db.attachments.c.sha256.in_(shas))))
        missing = sorted(set(shas) - have)
        if missing:
            raise ApiError(422, "missing_attachments", "upload these attachments first", missing=missing)

    def _create_case(self, conn: Connection, device_id: str, sub: Submission) -> dict[str, Any]:
        now = utcnow(self.clock)
        key = conn.execute(
            insert(db.cases).values(
                case_id=sub.case_id,
                device_id=device_id,
                revision=sub.revision,
                payload_sha256=sub.payload_sha256,
                payload=sub.payload_json,
                status=PlatformStatus.RECEIVED.value,
                created_at=now,
                updated_at=now,
            )
        ).inserted_primary_key
        if key is None:
            raise RuntimeError("database returned no key for the new case")
        seq = int(key[0])
        number = f"LN{now:%Y}{seq:010d}"
        conn.execute(update(db.cases).where(db.cases.c.seq == seq).values(platform_number=number))
        conn.execute(insert(db.case_query).values(case_id=sub.case_id, number=sub.number, query_code=sub.query_code))
        self._record_revision(conn, sub, now)
        return self._case_body(conn, sub.case_id)

    def _revise_case(self, conn: Connection, row: Any, sub: Submission) -> dict[str, Any]:
        now = utcnow(self.clock)
        values: dict[str, Any] = {
            "revision": sub.revision,
            "payload_sha256": sub.payload_sha256,
            "payload": sub.payload_json,
            "updated_at": now,
        }
        if row.status == PlatformStatus.RETURNED:
            values["status"] = PlatformStatus.RECEIVED.value  # supplemented: back in the queue
            values["status_reason"] = None
        conn.execute(update(db.cases).where(db.cases.c.case_id == sub.case_id).values(**values))
        conn.execute(
            update(db.case_query)
            .where(db.case_query.c.case_id == sub.case_id)
            .values(number=sub.number, query_code=sub.query_code)
        )
        self._record_revision(conn, sub, now)
        return self._case_body(conn, sub.case_id)

    def _record_revision(self, conn: Connection, sub: Submission, now: datetime) -> None:
        conn.execute(
            insert(db.case_revisions).values(
                case_id=sub.case_id, revision=sub.revision, payload_sha256=sub.payload_sha256, received_at=now
            )
        )
        linked = set(
            conn.scalars(select(db.case_attachments.c.sha256).where(db.case_attachments.c.case_id == sub.case_id))
        )
        for sha in sorted(set(sub.attachments) - linked):
            conn.execute(insert(db.case_attachments).values(case_id=sub.case_id, sha256=sha))

    def _case_body(self, conn: Connection, case_id: str) -> dict[str, Any]:
        return case_body(conn.execute(select(db.cases).where(db.cases.c.case_id == case_id)).one())

    def get_case(self, conn: Connection, device_id: str, case_id: str) -> Result:
        row = conn.execute(select(db.cases).where(db.cases.c.case_id == case_id)).first()
        if row is None or row.device_id != device_id:
            raise ApiError(404, "not_found", "no such case for this device")
        return Result(200, case_body(row))

    # -- attachments --------------------------------------------------------------------------------------------

    def attachment_head(self, conn: Connection, sha: str) -> Result:
        check_sha(sha)
        row = conn.execute(select(db.attachments.c.size).where(db.attachments.c.sha256 == sha)).first()
        if row is None:
            return Result(404)
        return Result(200, None, {"X-Yishi-Size": str(row.size), "X-Yishi-Sha256": sha})

    def put_attachment(self, conn: Connection, sha: str, data: bytes, media_type: str) -> Result:
        check_sha(sha)
        actual = sha256_hex(data)
        if actual != sha:
            raise ApiError(422, "hash_mismatch", f"body hashes to {actual}, not {sha}")
        body = {"sha256": sha, "size": len(data)}
        if conn.execute(select(db.attachments.c.size).where(db.attachments.c.sha256 == sha)).first() is not None:
            return Result(200, body)
        media = media_type.split(";", 1)[0].strip().lower()
        conn.execute(
            insert(db.attachments).values(
                sha256=sha,
                size=len(data),
                media_type=media if _MEDIA_TYPE_RE.fullmatch(media) else "application/octet-stream",
                data=data,
                stored_at=utcnow(self.clock),
            )
        )
        return Result(201, body)

    def attachment_bytes(self, sha: str) -> bytes | None:
        """Operator read-back of a stored attachment (tests compare bytes)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(db.attachments.c.data).where(db.attachments.c.sha256 == sha)).first()
        return None if row is None else bytes(row.data)

    # -- status -------------------------------------------------------------------------------------------------

    def status_updates(self, conn: Connection, device_id: str, after: int, limit: int) -> Result:
        limit = max(1, min(limit, STATUS_PAGE_MAX))
        ev, cs = db.status_events, db.cases
        rows = conn.execute(
            select(ev, cs.c.platform_number)
            .join(cs, cs.c.case_id == ev.c.case_id)
            .where(ev.c.device_id == device_id, ev.c.seq > min(after, db.INT32_MAX))  # PostgreSQL: int4 column
            .order_by(ev.c.seq)
            .limit(limit + 1)
        ).all()
        page = rows[:limit]
        updates = [
            {
                "seq": r.seq,
                "case_id": r.case_id,
                "platform_number": r.platform_number,
                "status": r.status,
                "reason": r.reason,
                "at": _iso(r.at),
            }
            for r in page
        ]
        cursor = page[-1].seq if page else after
        return Result(200, {"updates": updates, "cursor": cursor, "more": len(rows) > limit})

    # -- catalog ------------------------------------------------------------------------------------------------

    def latest_catalog(self, conn: Connection, after: str | None) -> Result:
        row = conn.execute(select(db.catalogs).order_by(db.catalogs.c.sort_key.desc()).limit(1)).first()
        if row is None:
            return Result(204)
        if after:
            try:
                if version_key(row.version) <= version_key(after):
                    return Result(204)
            except ValueError:
                raise ApiError(400, "bad_request", f"after={after!r} is not a catalog version") from None
        return Result(
            200,
            {
                "version": row.version,
                "document": row.document,
                "signature": row.signature,
                "published_at": _iso(row.published_at),
            },
        )

    # -- platform key -------------------------------------------------------------------------------------------

    def transfer_private_key(self) -> X25519PrivateKey:
        """The platform's X25519 key for transfer files, from its key store (never from its database)."""
        return self.keys.transfer_key()

    def platform_key(self) -> dict[str, str]:
        public = raw_public(self.transfer_private_key().public_key())
        return {"x25519_public_key": b64e(public), "key_id": key_id(public)}

    def counts(self) -> dict[str, int]:
        """Row counts for tests and the operator (cases, revisions, attachments, status events)."""
        with self.engine.connect() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (db.cases, db.case_revisions, db.attachments, db.status_events, db.devices, db.transfers)
            }


@dataclass(frozen=True)
class Submission:
    """A validated case submission."""

    case_id: str
    revision: int
    base_revision: int | None
    payload_json: str
    payload_sha256: str
    attachments: list[str]
    number: str | None  # the window's case number and query code, for the query page (/q/)
    query_code: str | None


def parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        data = loads(body)
    except JsonError as exc:
        raise ApiError(400, "bad_request", f"body is not acceptable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "body must be a JSON object")
    return data


def query_keys(payload: Any) -> tuple[str | None, str | None]:
    """The canonical case number and the query code a payload carries (None for either that is malformed)."""
    if not isinstance(payload, dict):
        return None, None
    number, code = payload.get("number"), payload.get("query_code")
    return (
        number if isinstance(number, str) and _CASE_NUMBER_RE.fullmatch(number) else None,
        code if isinstance(code, str) and _QUERY_CODE_RE.fullmatch(code) else None,
    )


def check_sha(sha: str) -> None:
    if not SHA256_RE.fullmatch(sha):
        raise ApiError(400, "bad_request", "attachment id must be 64 lowercase hex digits (sha256)")


def parse_submission(case_id: str, data: dict[str, Any]) -> Submission:
    if not UUID_RE.fullmatch(case_id):
        raise ApiError(400, "bad_request", "case id must be a lowercase UUID")
    revision, base, payload = data.get("revision"), data.get("base_revision"), data.get("payload")
    shas = data.get("attachments", [])
    if not is_int_in(revision, 1, MAX_REVISION):
        raise ApiError(422, "invalid", f"revision must be an integer from 1 to {MAX_REVISION}")
    if base is not None and not is_int_in(base, 1, revision - 1):
        raise ApiError(422, "invalid", "base_revision must be null or an integer from 1 to revision - 1")
    if not isinstance(payload, dict):
        raise ApiError(422, "invalid", "payload must be a JSON object")
    if (
        not isinstance(shas, list)
        or len(shas) > MAX_ATTACHMENTS_PER_CASE
        or not all(isinstance(s, str) and SHA256_RE.fullmatch(s) for s in shas)
    ):
        raise ApiError(422, "invalid", "attachments must be a list of sha256 hex strings")
    if data.get("case_id", case_id) != case_id:
        raise ApiError(422, "invalid", "case_id in the body differs from the path")
    number, code = query_keys(payload)
    return Submission(
        case_id=case_id,
        revision=revision,
        base_revision=base,
        payload_json=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        payload_sha256=digest(payload),
        attachments=sorted(set(shas)),
        number=number,
        query_code=code,
    )


def case_body(row: Any) -> dict[str, Any]:
    return {
        "case_id": row.case_id,
        "platform_number": row.platform_number,
        "revision": row.revision,
        "payload_sha256": row.payload_sha256,
        "status": row.status,
        "status_reason": row.status_reason,
        "updated_at": _iso(row.updated_at),
    }
