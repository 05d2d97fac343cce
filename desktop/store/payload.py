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
                 "promised_date": "YYYY-MM-DD" | null, "estimated"}],
      "materials": [{"material_code", "name", "status", "copies", "deadline": "YYYY-MM-DD" | null,
                     "items": [item codes], "attachments": [sha256, ...]}],
      "attachments": [{"material_code", "sha256", "size", "media_type"}]
    }
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from desktop.store.models import Attachment, Case, CaseItem, MaterialRecord

PAYLOAD_SCHEMA = 1


def case_payload(
    case: Case, items: Sequence[CaseItem], materials: Sequence[MaterialRecord], attachments: Sequence[Attachment]
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


def _item(item: CaseItem) -> dict[str, Any]:
    return {
        "item_code": item.item_code,
        "applies": item.applies,
        "reason": item.reason,
        "department": item.department,
        "promised_days": item.promised_days,
        "promised_date": _iso(item.promised_date),
        "estimated": item.estimated,
    }


def _material(material: MaterialRecord, attachments: Sequence[Attachment]) -> dict[str, Any]:
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
