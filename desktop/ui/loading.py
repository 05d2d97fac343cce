"""Work the main window does off the UI thread at start: the hall (store, clock, catalogs), the catalog in use with
its search keys, the case rows.

Plain functions (no Qt): they run on pool threads and return data for the UI thread. Services are imported inside
them so that the window's first paint does not wait for the ORM, the schema libraries or the catalog.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cases.states import CaseState, Decision

if TYPE_CHECKING:
    from desktop.cases.clock import Clock
    from desktop.catalog.search import SearchKeys
    from desktop.forms.reduction import Reduction
    from desktop.services.catalogs import CatalogInUse
    from desktop.services.hall import Hall
    from desktop.settings import Settings


# Two pool threads importing the same packages at once can meet inside a package's own import cycle (pydantic's):
# Python then hands one of them a half-made module and the import fails. The pool threads take turns.
_IMPORTS = threading.Lock()


@dataclass(frozen=True)
class LoadedCatalog:
    catalog: CatalogInUse
    reductions: dict[str, Reduction]
    keys: dict[str, SearchKeys]


def warm_imports() -> None:
    """Import what loading the catalog needs while the store opens (its migrations overlap these imports)."""
    with _IMPORTS:
        import desktop.catalog.export  # noqa: PLC0415 - imported on a pool thread, off the first paint
        import desktop.catalog.search  # noqa: PLC0415 - imported on a pool thread, off the first paint
        import desktop.forms.reduction  # noqa: F401, PLC0415 - imported on a pool thread, off the first paint


def store_needs_login(db_path: Path | str) -> bool:
    """Store pool thread: the store is encrypted and no key for it is at hand, so the clerk's login unlocks it
    before the hall opens (desktop.ui.store_unlock)."""
    with _IMPORTS:
        from desktop.services.encryption import store_needs_login as needs  # noqa: PLC0415 - imported on a pool thread, off the first paint

    return needs(db_path)


def open_hall(db_path: Path | str, settings: Settings, clock: Clock, data_dir: Path | None = None) -> Hall:
    """Store pool thread: open (and migrate) the store with the window's clock and catalogs."""
    with _IMPORTS:
        from desktop.services.hall import Hall  # noqa: PLC0415 - imported on a pool thread, off the first paint
        from desktop.services.sync import data_dir as default_data_dir  # noqa: PLC0415 - imported on a pool thread, off the first paint

    return Hall.open(db_path, settings, data_dir or default_data_dir(), clock=clock)


def load_catalog(hall: Hall) -> LoadedCatalog:
    """The catalog new intakes use (an installed signed update, else the shipped one), and its picker data."""
    with _IMPORTS:
        from desktop.catalog.search import search_keys  # noqa: PLC0415 - imported on a pool thread, off the first paint
        from desktop.forms.reduction import reduction  # noqa: PLC0415 - imported on a pool thread, off the first paint

    current = hall.catalogs.current()
    idx = current.index
    reductions = {code: reduction(idx, code) for code in idx.bundles}
    return LoadedCatalog(current, reductions, search_keys(idx.catalog.bundles))


@dataclass(frozen=True)
class CaseRow:
    id: str
    number: str | None
    bundle_name: str
    applicant_name: str | None
    decision: Decision | None
    state: CaseState
    created_at: datetime
    decided_at: datetime | None
    clerk: str | None
    page_key: Any = None  # where the page after this row starts (the store's keyset)
