"""Sync use cases: one run as the window app and ``yishi sync`` do it, the figures the status bar shows, and the
field laptop's transfer files.

A run opens its own :class:`Store` on the case file (SQLite in WAL mode with a busy timeout and ``BEGIN
IMMEDIATE`` writers, so it is safe beside the window's own store), sends the outbox, uploads spooled transfer
files, pulls platform statuses and asks for a newer signed catalog.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from desktop.cases.clock import Clock
from desktop.cases.states import STATE_LABELS, can_transition
from desktop.services.catalogs import shipped_catalog_version
from desktop.store.fallback import relay_when_back
from desktop.store.repo import CaseNotFound, Store
from sync.catalog_update import CatalogUpdateReport, update_catalog
from sync.client import (
    DeviceIdentity,
    PlatformError,
    client_from_folder,
    enroll_device,
    identity_paths,
    load_identity,
    load_platform_key,
)
from sync.crypto import Ed25519PublicKey
from sync.outbox_files import export_outbox
from sync.protocol import STATUS_LABELS, PlatformStatus
from sync.state import SyncState, state_path
from sync.transfer import Envelope, spool_transfer
from sync.worker import PLATFORM_TO_STATE, SyncReport, default_spool_dir, sync_once, withheld_statuses


def data_dir() -> Path:
    """``YISHI_DATA_DIR``, else the user data dir: installed catalog updates, the device identity."""
    override = os.environ.get("YISHI_DATA_DIR")
    return Path(override) if override else Path(user_data_dir("yishi", appauthor=False))


def device_dir() -> Path:
    """Where this PC's device key and enrolment live: ``YISHI_DEVICE_DIR``, else ``<data dir>/device``."""
    override = os.environ.get("YISHI_DEVICE_DIR")
    return Path(override) if override else data_dir() / "device"


__all__ = ["PlatformError", "SyncReport"]  # the types callers catch or show


def enroll(url: str, code: str, folder: Path, label: str, *, ca_file: Path | None = None) -> DeviceIdentity:
    """Enrol this PC with the platform using a one-time code; the identity is kept in ``folder``."""
    return enroll_device(url, code, folder, label, ca_file=ca_file)


def is_enrolled(folder: Path) -> bool:
    """Cheap check (two ``stat`` calls) that ``folder`` holds an enrolled identity."""
    return all(p.exists() for p in identity_paths(folder))


@dataclass(frozen=True)
class WithheldStatus:
    """A platform status this window has not applied yet, as the clerk reads it: the case's number, the
    platform's status and reason, and why it waits (Chinese, from the case as it is now)."""

    case_id: str
    number: str | None
    status: str  # the platform's status (sync.protocol.PlatformStatus value)
    status_label: str  # 平台不予受理 / 办结 / 退件(需补正) / 在办
    reason: str | None  # the platform's reason, as it gave it
    why: str


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows: outbox figures, the last transient error, the last successful run and the
    platform statuses withheld until the window can apply them."""

    pending: int
    failed: int
    quarantined: int
    last_error: str | None
    last_success: datetime | None
    quarantine_reasons: dict[str, str]
    withheld: tuple[WithheldStatus, ...] = ()


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
    """The outbox figures and the last successful run, as kept beside the case store."""
    figures = store.outbox_figures()
    state = state_path(store.path)
    return SyncStatus(
        pending=figures.pending,
        failed=figures.failed,
        quarantined=figures.quarantined,
        last_error=figures.last_error,
        last_success=SyncState(state).last_success() if state.exists() else None,
        quarantine_reasons=figures.quarantine_reasons,
        withheld=read_withheld(store) if state.exists() else (),
    )


def platform_status_label(status: str) -> str:
    """The platform's status in the words of the case list (在办, 办结, 退件(需补正), 平台不予受理)."""
    target = PLATFORM_TO_STATE.get(status)
    if target is not None:
        return STATE_LABELS[target]
    try:
        return STATUS_LABELS[PlatformStatus(status)]
    except ValueError:
        return status


def read_withheld(store: Store) -> tuple[WithheldStatus, ...]:
    """The platform statuses the sync worker withheld (oldest first), each with why it waits, in Chinese.

    Why is read from the case as it is now (it may have changed since the run that withheld the status): local
    changes not on the platform yet, or a local state that cannot take the platform's status."""
    shown = []
    for item in withheld_statuses(store):
        try:
            case = store.get(uuid.UUID(item.case_id)).case
        except (ValueError, CaseNotFound):
            continue  # not a case of this window's store
        label = platform_status_label(item.status)
        target = PLATFORM_TO_STATE.get(item.status)
        if store.has_unsent(case.id):
            why = "本窗口有未上报的修改：修改上报后，按平台最新结果更新"
        elif target is not None and not can_transition(case.state, target):
            here = STATE_LABELS[case.state]
            why = f"本窗口办件现为“{here}”，不能直接改为“{label}”：办件再次上报后，按平台最新结果更新"
        else:
            why = "下次同步时更新"
        shown.append(WithheldStatus(item.case_id, case.number, item.status, label, item.reason, why))
    return tuple(shown)


def run_sync(
    db_path: Path | str,
    device_folder: Path,
    catalog_data_dir: Path,
    *,
    clock: Clock,
    public_key: Ed25519PublicKey | None = None,
    timeout: float = 15.0,
    rng: random.Random | None = None,
) -> SyncOutcome:
    """One complete run on its own store connection; never raises for network trouble (see ``report.stopped``).

    On a center's store, cases this window took while the server was unreachable are relayed into it first."""
    relay_when_back(db_path, clock)
    store = Store(db_path, clock=clock)
    try:
        client = client_from_folder(device_folder, timeout=timeout)
        if client is None:
            return SyncOutcome(False, None, None, read_status(store))
        catalog = None
        try:
            report = sync_once(store, client, clock.now(), rng=rng)
            if report.stopped is None:
                catalog = update_catalog(client, catalog_data_dir, shipped_catalog_version(), public_key)
        finally:
            client.close()
        if report.stopped is None and (catalog is None or catalog.error is None):
            SyncState(state_path(store.path)).record_success(clock.now())
        return SyncOutcome(True, report, catalog, read_status(store))
    finally:
        store.close()


class NotEnrolledError(Exception):
    """This PC has no device identity; it must be enrolled once while online."""


def export_field_transfer(store: Store, out: Path, device_folder: Path) -> Envelope:
    """Field laptop: write every unsent revision into one encrypted, signed transfer file."""
    loaded = load_identity(device_folder)
    if loaded is None:
        raise NotEnrolledError(str(device_folder))
    return export_outbox(store, out, identity=loaded[0], platform_key=load_platform_key(device_folder))


def import_field_transfer(store: Store, file: Path) -> Envelope:
    """Window: verify a transfer file and queue it for upload by the next sync."""
    return spool_transfer(file, default_spool_dir(store))


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
