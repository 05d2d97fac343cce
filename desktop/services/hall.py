"""What every use case works with at one window: the store, the hall's clock and the catalogs at hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.cases.clock import Clock
from desktop.services.catalogs import Catalogs
from desktop.settings import Settings
from desktop.store.fallback import open_store
from desktop.store.repo import Store
from sync.crypto import Ed25519PublicKey


@dataclass
class Hall:
    """One window's context, made once by the app or a command and passed to every service."""

    store: Store
    clock: Clock
    catalogs: Catalogs

    @classmethod
    def open(
        cls,
        db_path: Path | str,  # a SQLite file or a center's postgresql:// URL
        settings: Settings,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        public_key: Ed25519PublicKey | None = None,
    ) -> Hall:
        """Open the store at ``db_path`` (migrating it) with the hall's clock from ``settings``."""
        hall_clock = clock or Clock.for_zone(settings.time_zone)
        # a center's server that does not answer: the window works on its offline store (desktop.store.fallback)
        return cls(open_store(db_path, hall_clock), hall_clock, Catalogs(data_dir, public_key))

    def close(self) -> None:
        self.store.close()
