"""Catalog entry points for the command line: check, JSON export, reduction stats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop import paths
from desktop.catalog.check import problems
from desktop.catalog.index import CatalogIndex
from desktop.catalog.loader import CatalogError, load


def check_path(path: Path) -> list[str]:
    """Every error in the catalog at ``path`` (schema first, then references)."""
    if not path.exists():
        return [f"{path}: no such file or directory"]
    try:
        loaded = load(path)
    except CatalogError as exc:
        return exc.errors
    return problems(loaded.catalog)


def load_index(path: Path | None = None) -> CatalogIndex:
    """Load and check the catalog at ``path`` (default: the shipped one); raises :class:`CatalogError` listing every
    problem. Which catalog the app uses (an installed signed update?) is :mod:`desktop.services.catalogs`' call."""
    loaded = load(path or paths.catalog_dir())
    errors = problems(loaded.catalog)
    if errors:
        raise CatalogError(errors)
    return CatalogIndex(loaded.catalog, loaded.checksum)


def bundles_json(idx: CatalogIndex) -> list[dict[str, Any]]:
    """The bundles as the seed lists them, with codes for cross-reference."""
    out = []
    for bundle in idx.bundles_in_order():
        leads = bundle.listed_lead_departments or [idx.department_name(c) for c in bundle.lead_departments]
        items = []
        for entry in bundle.items:
            item = idx.items[entry.item]
            items.append(
                {
                    "code": item.code,
                    "name": entry.listed_name or item.name,
                    "department": entry.listed_department or idx.department_name(item.department),
                    "department_code": item.department,
                    "canonical_name": item.name,
                    "canonical_department": idx.department_name(item.department),
                    "conditional": entry.when is not None,
                }
            )
        out.append(
            {
                "code": bundle.code,
                "seq": bundle.seq,
                "name": bundle.name,
                "category": bundle.category.value,
                "lead_departments": leads,
                "lead_department_codes": list(bundle.lead_departments),
                "items": items,
            }
        )
    return out
