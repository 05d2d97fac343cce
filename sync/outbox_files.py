"""What leaves this PC with an outbox revision: its attachment files, read back and checked, and — on a field
laptop — the whole outbox written into one transfer file."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop.store.encryption import EncryptionError
from desktop.store.models import OutboxEntry
from desktop.store.repo import CaseNotFound, Store
from sync.client import DeviceIdentity
from sync.crypto import X25519PublicKey, sha256_hex
from sync.transfer import Envelope, TransferAttachment, TransferCase, TransferError, export_transfer


class LocalProblemError(Exception):
    """Something on this PC keeps the entry from going (an attachment file missing or damaged); ``missing``: the
    file is not on this PC at all (on a center store: it is on the window that scanned it)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def attachment_refs(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The payload's attachment records (``sha256``, ``size``, ``media_type``), each sha once."""
    seen: dict[str, dict[str, Any]] = {}
    for ref in payload.get("attachments", []):
        if isinstance(ref, dict) and isinstance(ref.get("sha256"), str):
            seen.setdefault(ref["sha256"], ref)
    return list(seen.values())


def read_attachment(store: Store, case_id: uuid.UUID, sha: str) -> bytes:
    """The attachment's bytes from the store, checked against its hash."""
    try:
        rows = [a for a in store.get(case_id).attachments if a.sha256 == sha]
    except CaseNotFound:
        rows = []
    path = store.attachment_path(rows[0]) if rows else store.blob_path(sha)
    try:
        data = store.blob_bytes(path)  # opened with the store key on an encrypted store
    except FileNotFoundError as exc:
        raise LocalProblemError(f"attachment {sha[:12]}… is not on this PC: {exc.strerror}", missing=True) from None
    except OSError as exc:
        raise LocalProblemError(f"attachment {sha[:12]}… cannot be read: {exc.strerror}") from None
    except EncryptionError as exc:
        raise LocalProblemError(str(exc)) from None
    if sha256_hex(data) != sha:
        raise LocalProblemError(f"attachment {sha[:12]}… is damaged on disk (hash differs)")
    return data


def held_here(store: Store, entries: list[OutboxEntry]) -> list[tuple[OutboxEntry, dict[str, Any]]]:
    """The attachments of ``entries`` whose files are on this PC (each sha once): on a center store, the scans
    this window took, which only it can upload."""
    seen: set[str] = set()
    held = []
    for entry in entries:
        for ref in attachment_refs(entry.payload):
            sha = ref["sha256"]
            if sha not in seen and store.blob_path(sha).is_file():
                seen.add(sha)
                held.append((entry, ref))
    return held


def export_outbox(
    store: Store, out: Path, *, identity: DeviceIdentity, platform_key: X25519PublicKey, now: datetime | None = None
) -> Envelope:
    """Export every unsent outbox revision (and its attachments) into one transfer file at ``out``.

    The entries stay pending: if the laptop later syncs directly, the platform recognises the same revisions and
    answers with the same numbers, so nothing arrives twice.
    """
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
                store.acknowledged_revision(entry.case_id, entry.revision),
                entry.payload,
                [r["sha256"] for r in refs],
            )
        )
    if not cases:
        raise TransferError("nothing to export: the outbox is empty")
    return export_transfer(
        out, cases, list(blobs.values()), identity=identity, platform_key=platform_key, created_at=store.clock.now()
    )
