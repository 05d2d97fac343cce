"""Which catalog the app works with: the shipped one, or a newer signed update installed by sync.

New intakes use the newest; a draft or a case reopened later keeps the version it began under when that version
is still at hand (the shipped catalog, or any version loaded by this :class:`Catalogs`). The working-day calendar
travels with the catalog in use (an update's signed holiday data), never as process-global state.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from desktop import paths
from desktop.cases.workdays import WorkCalendar
from desktop.catalog.export import load_index
from desktop.catalog.index import CatalogIndex
from desktop.catalog.loader import parse_raw
from desktop.catalog.version import version_key
from desktop.store.repo import Store
from sync.catalog_update import installed_catalog, installed_path
from sync.crypto import Ed25519PublicKey


@dataclass(frozen=True)
class CatalogInUse:
    """A catalog index and the working-day calendar its dates are counted with."""

    index: CatalogIndex
    calendar: WorkCalendar

    @property
    def version(self) -> str:
        return self.index.version


def shipped_catalog_version(catalog_dir: Path | None = None) -> str:
    """The version of the catalog shipped with the app (only ``catalog.yaml`` is read)."""
    head = yaml.safe_load(((catalog_dir or paths.catalog_dir()) / "catalog.yaml").read_text(encoding="utf-8"))
    return str(head["version"])


class Catalogs:
    """The catalogs one app (or one command) has at hand, by version; thread-safe."""

    def __init__(
        self, data_dir: Path, public_key: Ed25519PublicKey | None = None, shipped_dir: Path | None = None
    ) -> None:
        self.data_dir = data_dir
        self.public_key = public_key
        self.shipped_dir = shipped_dir or paths.catalog_dir()
        self._seen: dict[str, CatalogInUse] = {}
        self._lock = threading.Lock()

    @cached_property
    def shipped_version(self) -> str:
        """The shipped catalog's version, read once: the files do not change while the app runs."""
        return shipped_catalog_version(self.shipped_dir)

    def shipped(self) -> CatalogInUse:
        version = self.shipped_version
        with self._lock:
            known = self._seen.get(version)
        return known or self._remember(CatalogInUse(load_index(self.shipped_dir), WorkCalendar()))

    def installed(self) -> CatalogInUse | None:
        """The installed update when it verifies and is newer than the shipped catalog, else ``None``."""
        folder = self.data_dir
        update = installed_catalog(folder, self.public_key) if installed_path(folder).exists() else None
        if update is None or version_key(update.version) <= version_key(self.shipped_version):
            return None
        loaded = parse_raw(update.catalog)
        calendar = WorkCalendar.from_update(update.holidays, source=f"catalog {update.version}")
        return self._remember(CatalogInUse(CatalogIndex(loaded.catalog, loaded.checksum), calendar))

    def current(self) -> CatalogInUse:
        """What a new intake uses: the installed update if there is a good one, else the shipped catalog."""
        return self.installed() or self.shipped()

    def for_version(self, version: str, fallback: CatalogInUse) -> CatalogInUse:
        """The catalog of ``version`` if it is at hand (loaded before, or shipped), else ``fallback``."""
        if version == fallback.version:
            return fallback
        with self._lock:
            known = self._seen.get(version)
        if known is not None:
            return known
        if version == self.shipped_version:
            return self.shipped()
        return fallback

    def for_case(self, store: Store, case_id: uuid.UUID, current: CatalogInUse) -> CatalogInUse:
        """The catalog a stored case began under, when it is at hand, else ``current``."""
        return self.for_version(store.get(case_id).case.catalog_version, current)

    def _remember(self, catalog: CatalogInUse) -> CatalogInUse:
        with self._lock:
            return self._seen.setdefault(catalog.version, catalog)
