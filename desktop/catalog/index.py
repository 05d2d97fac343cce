"""Lookups over a validated catalog."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.catalog.schema import Bundle, Catalog, Department, Element, Item, Material, Question


@dataclass(frozen=True)
class Remedy:
    """Where an applicant turns against a refusal: the 复议机关 (review within 60 days) and the court (suit within
    six months). ``None`` in a field: the hall's own (its 本级人民政府 and local court, from the settings)."""

    review_organ: str | None
    court: str | None


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

    def hotline(self, item_code: str) -> str | None:
        """The consultation hotline printed for an item: its guide's phone, else its competent department's."""
        return self.items[item_code].guide.phone or self.departments[self.competent_department(item_code)].hotline

    def competent_department(self, item_code: str) -> str:
        """The department competent in law for an item: ``competent_department`` where the seed lists another."""
        item = self.items[item_code]
        return item.competent_department or item.department

    def remedy(self, item_code: str) -> Remedy | None:
        """The item's 复议机关 and court (its own, else its competent department's); None when no review lies
        (a service a utility or company renders)."""
        item = self.items[item_code]
        dept = self.departments[self.competent_department(item_code)]
        if not (item.administrative and dept.administrative):
            return None
        return Remedy(item.review_organ or dept.review_organ, item.court or dept.court)
