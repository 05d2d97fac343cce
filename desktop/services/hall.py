"""What every use case works with at one window: the store, the hall's clock and the catalogs at hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.cases.clock import Clock
from desktop.services.catalogs import Catalogs
from desktop.services.encryption import check_required
from desktop.settings import Settings
from desktop.store.db import is_postgres
from desktop.store.fallback import open_store
from desktop.store.repo import Store
from sync.crypto import Ed25519PublicKey


@dataclass
class Hall:
    """One window's context, made once by the app or a command and passed to every service."""

    store: Store
    clock: Clock
    catalogs: Catalogs
    # the center's server did not answer at opening: cases go to this window's offline store until it does
    offline: bool = False

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
        if not is_postgres(db_path):
            check_required(Path(db_path), settings.require_encryption)
        # a center's server that does not answer: the window works on its offline store (desktop.store.fallback)
        store = open_store(db_path, hall_clock)
        offline = is_postgres(db_path) and store.url is None
        return cls(store, hall_clock, Catalogs(data_dir, public_key), offline)

    def close(self) -> None:
        self.store.close()
