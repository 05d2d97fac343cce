"""Work the main window does off the UI thread at start: catalog, search keys, store, case rows.

Plain functions (no Qt): they run on pool threads and return data for the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.catalog.index import CatalogIndex
    from desktop.catalog.search import SearchKeys
    from desktop.forms.reduction import Reduction


@dataclass(frozen=True)
class LoadedCatalog:
    index: CatalogIndex
    reductions: dict[str, Reduction]
    keys: dict[str, SearchKeys]


def load_catalog() -> LoadedCatalog:
    from desktop.catalog.export import load_index
    from desktop.catalog.search import search_keys
    from desktop.forms.reduction import reduction

    idx = load_index()
    reductions = {code: reduction(idx, code) for code in idx.bundles}
    return LoadedCatalog(idx, reductions, search_keys(idx.catalog.bundles))


def open_store(path: Path) -> Any:
    from desktop.store.repo import Store

    return Store(path)


@dataclass(frozen=True)
class CaseRow:
    id: str
    number: str | None
    bundle_name: str
    applicant_name: str | None
    decision: str | None
    state: str
    created_at: Any
    decided_at: Any
    clerk: str | None


def case_rows(store: Any, bundle_names: dict[str, str], text: str | None) -> list[CaseRow]:
    return [
        CaseRow(
            str(c.id),
            c.number,
            bundle_names.get(c.bundle_code, c.bundle_code),
            c.applicant_name,
            c.decision,
            c.state,
            c.created_at,
            c.decided_at,
            c.clerk,
        )
        for c in store.list_cases(text=text)
    ]
