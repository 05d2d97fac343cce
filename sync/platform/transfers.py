"""Importing transfer files into the reference platform: whole file or nothing, and twice is once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from sync.platform import db
from sync.platform.service import ApiError, Platform, open_platform, utcnow
from sync.transfer import Contents, Envelope, TransferError, open_transfer, read_transfer


def import_transfer_bytes(platform: Platform, conn: Connection, data: bytes) -> dict[str, Any]:
    """Import one transfer file inside ``conn``'s transaction; a repeated file returns the first answer."""
    try:
        envelope = read_transfer(data)
    except TransferError as exc:
        raise ApiError(422, "bad_transfer", str(exc)) from None
    _check_signer(conn, envelope)  # first: the answer to an earlier import goes to its signer only
    done = conn.execute(
        select(db.transfers.c.result, db.transfers.c.device_id).where(
            db.transfers.c.transfer_id == envelope.transfer_id
        )
    ).first()
    if done is not None:
        if done.device_id != envelope.device_id:
            raise ApiError(422, "bad_transfer", "this transfer id was imported from another device")
        return {**json.loads(done.result), "already_imported": True}
    try:
        contents = open_transfer(envelope, platform.transfer_private_key())
    except TransferError as exc:
        raise ApiError(422, "bad_transfer", str(exc)) from None
    result = {
        "transfer_id": envelope.transfer_id,
        "device_id": envelope.device_id,
        "cases": _apply(platform, conn, envelope, contents),
    }
    conn.execute(
        insert(db.transfers).values(
            transfer_id=envelope.transfer_id,
            device_id=envelope.device_id,
            imported_at=utcnow(platform.clock),
            result=json.dumps(result, ensure_ascii=False),
        )
    )
    return {**result, "already_imported": False}


def _check_signer(conn: Connection, envelope: Envelope) -> None:
    row = conn.execute(select(db.devices.c.public_key).where(db.devices.c.device_id == envelope.device_id)).first()
    if row is None or row.public_key != envelope.device_public_key:
        raise ApiError(
            422, "bad_transfer", f"transfer file is signed by {envelope.device_id}, which is not an enrolled device"
        )


def _apply(platform: Platform, conn: Connection, envelope: Envelope, contents: Contents) -> list[dict[str, Any]]:
    for att in contents.attachments.values():
        platform.put_attachment(conn, att.sha256, att.data, att.media_type)
    results = []
    for case in contents.cases:
        body = {
            "revision": case.revision,
            "base_revision": case.base_revision,
            "payload": case.payload,
            "attachments": case.attachments,
        }
        # Each check in submit_case refuses before writing, so one refused case leaves the others intact.
        try:
            receipt = platform.submit_case(conn, envelope.device_id, case.case_id, body).body or {}
            results.append(
                {"case_id": case.case_id, "revision": case.revision, "platform_number": receipt["platform_number"]}
            )
        except ApiError as exc:
            results.append(
                {"case_id": case.case_id, "revision": case.revision, "error": exc.code, "message": exc.message}
            )
    return results


def import_transfer(db_url: str, path: Path, *, key_file: Path | None = None) -> dict[str, Any]:
    """``yishi platform import FILE``: import a transfer file straight into the platform database.

    Returns ``{"transfer_id", "device_id", "cases": [{"case_id", "revision", "platform_number" | "error"}],
    "already_imported"}``; raises :class:`TransferError` (English message) if the file is refused, and
    :class:`sync.platform.db.PlatformSetupError` if the platform database or its key cannot be opened.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TransferError(f"cannot read {path}: {exc.strerror}") from None
    platform = open_platform(db_url, key_file=key_file)
    try:
        return platform.run_value(lambda conn: import_transfer_bytes(platform, conn, data))
    except ApiError as exc:
        raise TransferError(exc.message) from None
    finally:
        platform.engine.dispose()
