"""One sync run as the window app and ``yishi sync`` do it, and the figures the status bar shows.

A run opens its own :class:`Store` on the case file (SQLite in WAL mode with a busy timeout and ``BEGIN
IMMEDIATE`` writers, so it is safe beside the window's own store), sends the outbox, uploads spooled transfer
files, pulls platform statuses and asks for a newer signed catalog. Qt-free: the UI runs it on a pool thread.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.store.repo import Store
    from sync.catalog_update import CatalogUpdateReport
    from sync.crypto import Ed25519PublicKey
    from sync.worker import SyncReport

_LAST_SUCCESS_KEY = "last_success_at"


def data_dir() -> Path:
    """``YISHI_DATA_DIR``, else the user data dir: installed catalog updates, the device identity."""
    override = os.environ.get("YISHI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("yishi", appauthor=False))


def device_dir() -> Path:
    """Where this PC's device key and enrolment live: ``YISHI_DEVICE_DIR``, else ``<data dir>/device``."""
    override = os.environ.get("YISHI_DEVICE_DIR")
    return Path(override) if override else data_dir() / "device"


def is_enrolled(folder: Path) -> bool:
    """Cheap check (two ``stat`` calls) that ``folder`` holds an enrolled identity."""
    from sync.client import identity_paths

    return all(p.exists() for p in identity_paths(folder))


def shipped_catalog_version() -> str:
    """The version of the catalog shipped with the app (only ``catalog.yaml`` is read)."""
    import yaml

    from desktop import paths

    head = yaml.safe_load((paths.catalog_dir() / "catalog.yaml").read_text(encoding="utf-8"))
    return str(head["version"])


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows: outbox figures, the last transient error and the last successful run."""

    pending: int
    failed: int
    quarantined: int
    last_error: str | None
    last_success: datetime | None
    quarantine_reasons: dict[str, str]


@dataclass(frozen=True)
class SyncOutcome:
    """One run: ``report`` and ``catalog`` are ``None`` when this PC is not enrolled."""

    enrolled: bool
    report: SyncReport | None
    catalog: CatalogUpdateReport | None
    status: SyncStatus

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.stopped is None


def read_status(store: Store) -> SyncStatus:
    """Counts of waiting, failing (waiting after a transient error) and refused revisions."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from desktop.store.models import OutboxEntry, OutboxStatus
    from sync.summary import outbox_counts

    counts = outbox_counts(store)
    with Session(store.engine) as session:
        failed = session.exec(
            select(func.count()).where(
                OutboxEntry.status == OutboxStatus.PENDING, col(OutboxEntry.last_error).is_not(None)
            )
        ).one()
        refused = session.exec(
            select(OutboxEntry.case_id, OutboxEntry.last_error)
            .where(OutboxEntry.status == OutboxStatus.QUARANTINED)
            .order_by(col(OutboxEntry.id))
        ).all()
    return SyncStatus(
        pending=counts.pending,
        failed=int(failed),
        quarantined=counts.quarantined,
        last_error=counts.last_error,
        last_success=last_success(store.path),
        quarantine_reasons={str(case_id): reason or "" for case_id, reason in refused},
    )


def _state_file(db_path: Path) -> Path:
    from sync.state import state_path

    return state_path(db_path)


def last_success(db_path: Path) -> datetime | None:
    """When a run last reached the platform and finished, as kept beside the case store."""
    path = _state_file(db_path)
    if not path.exists():
        return None
    conn = sqlite3.connect(path, timeout=30)
    try:
        row = conn.execute("SELECT value FROM kv WHERE key = ?", (_LAST_SUCCESS_KEY,)).fetchone()
    except sqlite3.OperationalError:
        row = None  # no kv table yet
    finally:
        conn.close()
    return datetime.fromisoformat(row[0]) if row else None


def record_success(db_path: Path, when: datetime) -> None:
    from sync.state import SyncState

    SyncState(_state_file(db_path))  # creates the kv table
    conn = sqlite3.connect(_state_file(db_path), timeout=30, isolation_level=None)
    try:
        conn.execute(
            "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_LAST_SUCCESS_KEY, when.isoformat()),
        )
    finally:
        conn.close()


def run_sync(
    db_path: Path,
    device_folder: Path,
    catalog_data_dir: Path,
    *,
    now: datetime | None = None,
    public_key: Ed25519PublicKey | None = None,
    timeout: float = 15.0,
    rng: random.Random | None = None,
) -> SyncOutcome:
    """One complete run on its own store connection; never raises for network trouble (see ``report.stopped``)."""
    from desktop.store.repo import Store
    from sync.catalog_update import update_catalog
    from sync.client import client_from_folder
    from sync.worker import sync_once

    store = Store(db_path)
    try:
        client = client_from_folder(device_folder, timeout=timeout)
        if client is None:
            return SyncOutcome(False, None, None, read_status(store))
        moment = now or datetime.now(UTC)
        catalog = None
        try:
            report = sync_once(store, client, moment, rng=rng)
            if report.stopped is None:
                catalog = update_catalog(client, catalog_data_dir, shipped_catalog_version(), public_key)
        finally:
            client.close()
        if report.stopped is None and (catalog is None or catalog.error is None):
            record_success(store.path, datetime.now(UTC))
        return SyncOutcome(True, report, catalog, read_status(store))
    finally:
        store.close()


def to_jsonable(value: Any) -> Any:
    """Dataclasses, UUIDs, datetimes and enums as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def outcome_json(outcome: SyncOutcome) -> str:
    """The run as the command line prints it: the SyncReport, the catalog check and the outbox figures."""
    data = {
        "enrolled": outcome.enrolled,
        "report": to_jsonable(outcome.report),
        "catalog": to_jsonable(outcome.catalog),
        "outbox": to_jsonable(outcome.status),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
