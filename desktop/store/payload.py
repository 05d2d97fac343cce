"""The JSON payload of one case revision, as queued in the outbox for the provincial platform.

``case_payload()`` returns a plain dict (JSON-safe: strings, numbers, bools, lists, dicts, null)::

    {
      "schema": 1,
      "id": "<uuid>",                  # idempotency key: (id, revision) is sent at most once
      "revision": 1,                   # grows by one each time the case is queued again
      "number": "2101020010326112800074", "query_code": "123456",
      "bundle_code": "...", "catalog_version": "...",
      "decision": "accept" | "defer" | "reject" | "notify", "reason": null | "...",
      "applicant": {"name": "...", "id": "..."},
      "center": {"name": "...", "division_code": "210102000", "window_code": "03"},
      "clerk": "...",
      "created_at": "2026-11-28T01:02:03+00:00", "decided_at": "...",   # ISO 8601, UTC
      "answers": {question code: option value},
      "values": {element code: value},  # an address is {"division": "210102", "detail": "..."}
      "items": [{"item_code", "applies", "reason", "department", "promised_days",
                 "promised_date": "YYYY-MM-DD" | null, "estimated",
                 "outcome": "accept" | "defer" | "notify" | "reject" | null, "outcome_reason": null | "..."}],
      "materials": [{"material_code", "name", "status", "copies", "deadline": "YYYY-MM-DD" | null,
                     "items": [item codes], "attachments": [sha256, ...]}],
      "attachments": [{"material_code", "sha256", "size", "media_type"}],
      "rating": null | {"level": 1-5, "label": "非常满意"…, "reason": null | code, "note", "clerk",
                        "rated_at", "follow_up": null | {"kind": "visit" | "rectify", "on": "YYYY-MM-DD",
                        "note", "by"}},          # 好差评 (issue 10)
      "void": null | {"at", "by", "reason"},     # 作废 by a supervisor
      "audit_head": {"count", "last_id", "hash"} # the window's audit hash chain when this revision was queued
    }
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Connection, bindparam
from sqlmodel import Session, col, select

from desktop.cases.decisions import MaterialStatus
from desktop.cases.ratings import LEVELS
from desktop.cases.states import Decision
from desktop.store.audit_log import ChainHead, chain_head
from desktop.store.driver import run
from desktop.store.models import Attachment, Case, Rating

PAYLOAD_SCHEMA = 1


class ItemRow(Protocol):
    """What the payload reads of a service item: a ``CaseItem``, or the row decide is about to write."""

    @property
    def item_code(self) -> str: ...
    @property
    def applies(self) -> bool: ...
    @property
    def reason(self) -> str: ...
    @property
    def department(self) -> str: ...
    @property
    def promised_days(self) -> int | None: ...
    @property
    def promised_date(self) -> date | None: ...
    @property
    def estimated(self) -> bool: ...
    @property
    def outcome(self) -> Decision | None: ...
    @property
    def outcome_reason(self) -> str | None: ...


class MaterialRow(Protocol):
    """What the payload reads of a material: a ``MaterialRecord``, or the row decide is about to write."""

    @property
    def material_code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def status(self) -> MaterialStatus: ...
    @property
    def copies(self) -> int: ...
    @property
    def deadline(self) -> date | None: ...
    @property
    def items(self) -> list[str]: ...


class AttachmentRow(Protocol):
    """What the payload reads of an attachment (an ``Attachment`` or a result row of those columns)."""

    @property
    def material_code(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def media_type(self) -> str: ...


def case_payload(
    case: Case, items: Sequence[ItemRow], materials: Sequence[MaterialRow], attachments: Sequence[AttachmentRow]
) -> dict[str, Any]:
    """The full case as a plain dict for the outbox (see the module docstring for the shape)."""
    return {
        "schema": PAYLOAD_SCHEMA,
        "id": str(case.id),
        "revision": case.revision,
        "number": case.number,
        "query_code": case.query_code,
        "bundle_code": case.bundle_code,
        "catalog_version": case.catalog_version,
        "decision": None if case.decision is None else case.decision.value,
        "reason": case.reason,
        "applicant": {"name": case.applicant_name, "id": case.applicant_id},
        "center": {"name": case.center_name, "division_code": case.division_code, "window_code": case.window_code},
        "clerk": case.clerk,
        "created_at": _iso(case.created_at),
        "decided_at": _iso(case.decided_at),
        "answers": dict(case.answers),
        "values": dict(case.values),
        "items": [_item(i) for i in items],
        "materials": [_material(m, attachments) for m in materials],
        "attachments": [
            {"material_code": a.material_code, "sha256": a.sha256, "size": a.size, "media_type": a.media_type}
            for a in attachments
        ],
    }


class _Attachment(NamedTuple):
    material_code: str
    sha256: str
    size: int
    media_type: str


def case_attachments(conn: Connection, case_id: uuid.UUID) -> list[AttachmentRow]:
    """The case's attachments as the payload reads them (plain rows, in the order they were added)."""
    return [_Attachment(*row) for row in run(conn, _attachments_statement(), {"case_id": case_id}).rows]


def supervision_fields(session: Session, case: Case, head: ChainHead | None = None) -> dict[str, Any]:
    """The rating, the void and the audit chain's head (``head``: as the caller's own append left it, else read),
    added to each revision as it is queued (issue 10)."""
    found = run(session.connection(), _rating_statement(), {"case_id": case.id}).rows
    rating = _Rating(*found[0]) if found else None
    void = None
    if case.voided_at is not None:
        void = {"at": _iso(case.voided_at), "by": case.voided_by, "reason": case.void_reason}
    return {
        "rating": None if rating is None else rating_payload(rating),
        "void": void,
        "audit_head": (chain_head(session) if head is None else head).as_payload(),
    }


class _Rating(NamedTuple):
    """What the payload carries of a ``Rating``."""

    level: int
    reason: str | None
    note: str
    clerk: str
    rated_at: datetime
    follow_up_kind: str | None
    follow_up_on: date | None
    follow_up_note: str | None
    follow_up_by: str | None


def rating_payload(rating: Rating | _Rating) -> dict[str, Any]:
    """A rating as the payload carries it."""
    follow_up = None
    if rating.follow_up_kind is not None:
        follow_up = {
            "kind": rating.follow_up_kind,
            "on": _iso(rating.follow_up_on),
            "note": rating.follow_up_note,
            "by": rating.follow_up_by,
        }
    return {
        "level": rating.level,
        "label": LEVELS[rating.level],
        "reason": rating.reason,
        "note": rating.note,
        "clerk": rating.clerk,
        "rated_at": _iso(rating.rated_at),
        "follow_up": follow_up,
    }


def _item(item: ItemRow) -> dict[str, Any]:
    return {
        "item_code": item.item_code,
        "applies": item.applies,
        "reason": item.reason,
        "department": item.department,
        "promised_days": item.promised_days,
        "promised_date": _iso(item.promised_date),
        "estimated": item.estimated,
        # 办理结果 of this item (issue 9): accept | defer | notify | reject, null where the item does not apply
        "outcome": None if item.outcome is None else item.outcome.value,
        "outcome_reason": item.outcome_reason,
    }


def _material(material: MaterialRow, attachments: Sequence[AttachmentRow]) -> dict[str, Any]:
    return {
        "material_code": material.material_code,
        "name": material.name,
        "status": material.status.value,
        "copies": material.copies,
        "deadline": _iso(material.deadline),
        "items": list(material.items),
        "attachments": [a.sha256 for a in attachments if a.material_code == material.material_code],
    }


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@functools.cache
def _attachments_statement() -> Any:
    columns = (Attachment.material_code, Attachment.sha256, Attachment.size, Attachment.media_type)
    return select(*columns).where(Attachment.case_id == bindparam("case_id")).order_by(col(Attachment.id))


@functools.cache
def _rating_statement() -> Any:
    columns = [getattr(Rating, name) for name in _Rating._fields]
    return select(*columns).where(col(Rating.case_id) == bindparam("case_id"))
