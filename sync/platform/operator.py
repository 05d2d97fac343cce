"""Operator actions on the reference platform: enrollment codes, case statuses, catalog publishing."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, or_, select, update

from desktop.catalog.version import version_key
from sync.catalog_update import CatalogUpdateError, verify_update
from sync.crypto import Ed25519PublicKey
from sync.platform import db
from sync.platform.service import ApiError, Platform, open_platform, utcnow
from sync.protocol import OPERATOR_MOVES, PlatformStatus

__all__ = ["create_enrollment_code", "open_platform", "platform_public_key", "publish_catalog", "set_status"]


def create_enrollment_code(platform: Platform, label: str, *, valid_hours: int = 72) -> str:
    """A one-time code (12 characters, grouped 4-4-4) the operator hands to the window's administrator."""
    raw = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    now = utcnow(platform.clock)
    with platform.transaction() as conn:
        conn.execute(
            insert(db.enrollment_codes).values(
                code=code, label=label, created_at=now, expires_at=now + timedelta(hours=valid_hours)
            )
        )
    return code


def set_status(
    platform: Platform, case: str, status: PlatformStatus | str, reason: str | None = None
) -> dict[str, Any]:
    """Move a case (by UUID or platform number) to 受理/办结/退件/不予受理 and publish the status event."""
    new = PlatformStatus(status)
    with platform.transaction() as conn:
        row = conn.execute(
            select(db.cases).where(or_(db.cases.c.case_id == case, db.cases.c.platform_number == case))
        ).first()
        if row is None:
            raise ApiError(404, "not_found", f"no case {case!r} on the platform")
        current = PlatformStatus(row.status)
        if new not in OPERATOR_MOVES[current]:
            raise ApiError(409, "illegal_status", f"cannot move a case from {current.value} to {new.value}")
        now = utcnow(platform.clock)
        conn.execute(
            update(db.cases)
            .where(db.cases.c.case_id == row.case_id)
            .values(status=new.value, status_reason=reason, updated_at=now)
        )
        conn.execute(
            insert(db.status_events).values(
                case_id=row.case_id, device_id=row.device_id, status=new.value, reason=reason, at=now
            )
        )
    return {"case_id": row.case_id, "platform_number": row.platform_number, "status": new.value}


def publish_catalog(
    platform: Platform, version: str, document: str, signature: str, publisher_key: Ed25519PublicKey
) -> None:
    """Store a catalog version signed elsewhere (the signing key never reaches the platform server).

    Verified here too, so the platform never serves a document the windows would refuse.
    """
    with platform.transaction() as conn:
        latest = conn.execute(select(db.catalogs.c.version).order_by(db.catalogs.c.sort_key.desc()).limit(1)).first()
        try:
            verify_update(version, document, signature, publisher_key, None if latest is None else latest.version)
        except CatalogUpdateError as exc:
            raise ApiError(422, "invalid_catalog", str(exc)) from None
        conn.execute(
            insert(db.catalogs).values(
                version=version,
                sort_key=".".join(f"{n:08d}" for n in version_key(version)),
                document=document,
                signature=signature,
                published_at=utcnow(platform.clock),
            )
        )


def platform_public_key(platform: Platform) -> dict[str, str]:
    """The X25519 key field laptops encrypt transfer files to (base64 raw) and its id."""
    return platform.platform_key()
