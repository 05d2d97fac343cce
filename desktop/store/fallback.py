"""A window of a center whose server cannot be reached keeps working, and sends its cases up when the LAN is back.

- :func:`open_center_or_local` opens the center's PostgreSQL store; when the server does not answer (the LAN is
  down, the server is off) it opens the window's own SQLite store, ``offline.sqlite3`` in the window's data folder,
  instead. The offline store numbers cases from ``OFFLINE_SEQUENCE_FLOOR + 1`` of the window's daily sequence, so an
  offline number never meets one the center issued to the same window that day (a window takes far fewer than
  5,000 cases a day).
- :func:`relay_offline` replays every revision the offline store queued into the center store by the same
  idempotency key the platform uses (case id, revision): the case row as decided (same id, number, query code,
  revision), its items, materials and attachment rows, an audit row saying it was relayed (with the offline audit
  trail in its detail), and the outbox entry, which the center's windows then send to the platform. Each revision
  is one transaction on the center; the offline entry is marked relayed only after it committed. Running it again
  changes nothing: a revision the center holds already (or a newer one) is skipped.

Attachments need no copying: the center store and the offline store of a window keep them in the same folder.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import col, delete, select

from desktop.cases.clock import Clock
from desktop.store.db import center_local_path, is_postgres, write_session
from desktop.store.models import PHRASES, Attachment, Case, CaseItem, MaterialRecord, OutboxEntry
from desktop.store.phrases import case_texts
from desktop.store.repo import Store
from desktop.store.rows import audit

OFFLINE_SEQUENCE_FLOOR = 5000
OFFLINE_NAME = "offline.sqlite3"
RELAY_ACTOR = "sync"


def offline_store(local_dir: Path, clock: Clock | None = None) -> Store:
    """The window's own SQLite store for when the center is unreachable (numbers above the floor)."""
    store = Store(local_dir / OFFLINE_NAME, clock=clock)
    store.sequence_floor = OFFLINE_SEQUENCE_FLOOR
    return store


def open_center_or_local(url: str, local_dir: Path | None = None, clock: Clock | None = None) -> tuple[Store, bool]:
    """The center's store, or — when its server does not answer — the window's offline store; the flag says
    which (True: offline). ``local_dir`` is the window's own folder (default: the data dir's ``center``)."""
    folder = local_dir or center_local_path().parent
    try:
        return Store(url, clock=clock, local_dir=folder), False
    except OperationalError:
        return offline_store(folder, clock), True


def open_store(target: Path | str, clock: Clock | None = None) -> Store:
    """What the app opens for ``--db``: a SQLite file as it is; a center's URL, or the offline store while the
    server does not answer (its cases are relayed by :func:`relay_when_back`)."""
    if not is_postgres(target):
        return Store(target, clock=clock)
    assert isinstance(target, str)
    return open_center_or_local(target, clock=clock)[0]


def relay_when_back(target: Path | str, clock: Clock | None = None) -> RelayReport | None:
    """If ``target`` is a center's URL and this window queued cases offline, relay them now that the server
    answers (``None``: nothing to do, or the server is still unreachable). The sync run calls it first."""
    if not is_postgres(target):
        return None
    assert isinstance(target, str)
    folder = center_local_path().parent
    if not (folder / OFFLINE_NAME).exists():
        return None
    local = offline_store(folder, clock)
    try:
        if local.outbox_figures().pending == 0:
            return None
        try:
            center = Store(target, clock=clock, local_dir=folder)
        except OperationalError:
            return None
        try:
            return relay_offline(local, center)
        finally:
            center.close()
    finally:
        local.close()


@dataclass
class RelayReport:
    relayed: list[tuple[uuid.UUID, int]] = field(default_factory=list)  # (case id, revision) now in the center
    skipped: list[tuple[uuid.UUID, int]] = field(default_factory=list)  # the center had it already
    refused: dict[str, str] = field(default_factory=dict)  # case id → why (e.g. its number is taken)


def relay_offline(local: Store, center: Store, *, now: datetime | None = None) -> RelayReport:
    """Replay the offline store's unsent revisions into the center store, oldest first; see the module docstring."""
    report = RelayReport()
    moment = now or center.clock.now()
    stuck: set[uuid.UUID] = set()
    for entry in local.pending_outbox(moment + timedelta(days=36500), limit=1_000_000):
        assert entry.id is not None
        key = (entry.case_id, entry.revision)
        if entry.case_id in stuck:  # an older revision did not go: the newer ones wait behind it
            continue
        try:
            copied = _relay_revision(local, center, entry, moment)
        except IntegrityError as exc:
            stuck.add(entry.case_id)
            report.refused[str(entry.case_id)] = f"the center refused revision {entry.revision}: {exc.orig}"
            continue
        (report.relayed if copied else report.skipped).append(key)
        local.mark_relayed(entry.id)
    return report


def _relay_revision(local: Store, center: Store, entry: OutboxEntry, now: datetime) -> bool:
    detail = local.get(entry.case_id)
    trail = [[e.action, e.actor, e.at.isoformat()] for e in local.audit_trail(entry.case_id)]
    # the center's ids of the offline store's texts
    phrases = center.phrases.ids(case_texts(detail.case.center_name, detail.items, detail.materials))
    with write_session(center.engine) as session:
        held = session.exec(select(Case.revision).where(Case.id == entry.case_id)).first()
        if held is not None and held >= entry.revision:
            return False
        session.merge(_copy(detail.case, Case, phrases))
        for model, rows in ((CaseItem, detail.items), (MaterialRecord, detail.materials)):
            session.exec(delete(model).where(col(model.case_id) == entry.case_id))
            session.add_all(_copy(r, model, phrases, without_id=True) for r in rows)
        known = set(session.exec(select(Attachment.sha256).where(Attachment.case_id == entry.case_id)))
        session.add_all(_copy(a, Attachment, {}, without_id=True) for a in detail.attachments if a.sha256 not in known)
        session.flush()
        audit(session, entry.case_id, RELAY_ACTOR, "relayed", {"revision": entry.revision, "offline": trail}, at=now)
        session.add(
            OutboxEntry(
                case_id=entry.case_id,
                revision=entry.revision,
                payload=entry.payload,
                created_at=entry.created_at,
                next_attempt_at=now,
            )
        )
    return True


def _copy(row: Any, model: Any, phrases: Mapping[str, int], *, without_id: bool = False) -> Any:
    """A fresh row of ``model`` with ``row``'s column values (its own id left to the center when asked), its texts
    as the center's phrase ids (``phrases``), not the offline store's."""
    names = [c.name for c in model.__table__.columns if not (without_id and c.name == "id")]
    values = {name: getattr(row, name) for name in names}
    return model(**values | {f"{text}_id": phrases[getattr(row, text)] for text in PHRASES.get(model, ())})
