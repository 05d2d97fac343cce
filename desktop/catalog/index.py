"""Lookups over a validated catalog."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.catalog.schema import Bundle, Catalog, Department, Element, Item, Material, Question


class CatalogIndex:
    """A catalog with its records keyed by code (built once, read many times)."""

    def __init__(self, catalog: Catalog, checksum: str = "") -> None:
        self.catalog = catalog
        self.checksum = checksum
        self.version = catalog.version
        self.elements: dict[str, Element] = {e.code: e for e in catalog.elements}
        self.materials: dict[str, Material] = {m.code: m for m in catalog.materials}
        self.questions: dict[str, Question] = {q.code: q for q in catalog.questions}
        self.items: dict[str, Item] = {i.code: i for i in catalog.items}
        self.bundles: dict[str, Bundle] = {b.code: b for b in catalog.bundles}
        self.departments: dict[str, Department] = {d.code: d for d in catalog.departments}

    @cached_property
    def department_by_name(self) -> dict[str, Department]:
        """Canonical names and every alias map to their department."""
        table: dict[str, Department] = {}
        for dept in self.catalog.departments:
            for name in (dept.name, *dept.aliases):
                table[name] = dept
        return table

    @cached_property
    def element_order(self) -> dict[str, int]:
        return {e.code: n for n, e in enumerate(self.catalog.elements)}

    @cached_property
    def party_order(self) -> dict[str, int]:
        return {p.code: n for n, p in enumerate(self.catalog.parties)}

    @cached_property
    def party_labels(self) -> dict[str, str]:
        return {p.code: p.label for p in self.catalog.parties}

    def department_name(self, code: str) -> str:
        return self.departments[code].name

    def bundles_in_order(self) -> list[Bundle]:
        return sorted(self.catalog.bundles, key=lambda b: b.seq)
