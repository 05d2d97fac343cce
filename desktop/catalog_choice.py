"""Which catalog the app works with: the shipped one, or a newer signed update installed by sync.

New intakes use the newest; a draft or a case reopened later keeps the version it began under when that version
is still at hand (the shipped catalog, or any version loaded during this run of the app).
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.catalog.index import CatalogIndex
    from sync.crypto import Ed25519PublicKey

_seen: dict[str, CatalogIndex] = {}
_lock = threading.Lock()


def installed_index(data_dir: Path | None = None, public_key: Ed25519PublicKey | None = None) -> CatalogIndex | None:
    """The installed update as an index when it verifies and is newer than the shipped catalog, else ``None``.

    Promised dates follow: the update's signed holiday data is counted with while the update is in use.
    """
    from desktop import sync_run
    from desktop.catalog.index import CatalogIndex
    from desktop.catalog.loader import parse_raw
    from printing.workdays import set_extra_holidays
    from sync.catalog_update import installed_catalog, installed_path
    from sync.protocol import version_key

    folder = data_dir or sync_run.data_dir()
    update = installed_catalog(folder, public_key) if installed_path(folder).exists() else None
    if update is None or version_key(update.version) <= version_key(sync_run.shipped_catalog_version()):
        set_extra_holidays(None)
        return None
    set_extra_holidays(update.holidays, source=f"catalog {update.version}")
    loaded = parse_raw(update.catalog)
    return remember(CatalogIndex(loaded.catalog, loaded.checksum))


def remember(idx: CatalogIndex) -> CatalogIndex:
    """Keep ``idx`` so cases begun under its version can be reopened with it."""
    with _lock:
        _seen.setdefault(idx.version, idx)
    return idx


def for_version(version: str, fallback: CatalogIndex) -> CatalogIndex:
    """The index of ``version`` if it is at hand (remembered or shipped), else ``fallback``."""
    if version == fallback.version:
        return fallback
    with _lock:
        known = _seen.get(version)
    if known is not None:
        return known
    from desktop import paths, sync_run

    if version == sync_run.shipped_catalog_version():
        from desktop.catalog.export import load_index

        return remember(load_index(paths.catalog_dir()))
    return fallback


def for_case(store: Any, case_id: uuid.UUID, current: CatalogIndex) -> CatalogIndex:
    """Runs on the store pool: the index a stored case began under, when it is at hand, else ``current``."""
    return for_version(store.get(case_id).case.catalog_version, current)
