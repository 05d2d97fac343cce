"""One merged form (一表申请): the union of the applicable items' fields, each data element once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import Check, Element
from desktop.forms.expr import holds, rules_of
from desktop.forms.situations import Answers, full_answers, producers


@dataclass(frozen=True)
class MergedField:
    element: Element
    required: bool
    items: tuple[str, ...]
    # The item of this case that issues the value (企业设立登记 issues the credit code the other items of
    # 企业开办 ask for): the field is then not required, and shows where its value will come from.
    produced_by: str | None = None

    @property
    def code(self) -> str:
        return self.element.code


@dataclass(frozen=True)
class PartyGroup:
    party: str
    label: str
    fields: tuple[MergedField, ...]


@dataclass(frozen=True)
class ItemCheck:
    item_code: str
    check: Check


@dataclass(frozen=True)
class MergedForm:
    groups: tuple[PartyGroup, ...]
    checks: tuple[ItemCheck, ...]

    @property
    def fields(self) -> tuple[MergedField, ...]:
        return tuple(f for g in self.groups for f in g.fields)

    def field(self, code: str) -> MergedField | None:
        return next((f for f in self.fields if f.code == code), None)


def merge_form(
    idx: CatalogIndex, item_codes: Sequence[str], answers: Answers, values: Mapping[str, Any] | None = None
) -> MergedForm:
    """Merge the fields of ``item_codes`` under ``answers`` (and current ``values`` for value rules)."""
    full = full_answers(idx, answers)
    vals = values or {}
    required: dict[str, bool] = {}
    needed_by: dict[str, list[str]] = {}
    checks: list[ItemCheck] = []
    with rules_of(idx):
        for code in item_codes:
            item = idx.items[code]
            for f in item.fields:
                if not holds(f.when, full, vals):
                    continue
                req = f.required and holds(f.required_if, full, vals)
                required[f.element] = required.get(f.element, False) or req
                needed_by.setdefault(f.element, []).append(code)
            checks.extend(ItemCheck(code, c) for c in item.checks if holds(c.when, full, vals))
    issued = producers(idx, item_codes)
    order = idx.element_order
    by_party: dict[str, list[MergedField]] = {}
    for el_code in sorted(needed_by, key=order.__getitem__):
        element = idx.elements[el_code]
        source = issued.get(el_code)
        by_party.setdefault(element.party, []).append(
            MergedField(element, required[el_code] and source is None, tuple(needed_by[el_code]), source)
        )
    parties = _party_order(idx, item_codes, by_party)
    groups = tuple(PartyGroup(p, idx.party_labels[p], tuple(by_party[p])) for p in parties)
    return MergedForm(groups, tuple(_unique_checks(checks)))


_PLACE = {"first": 0, "auto": 1, "last": 2}


def _party_order(idx: CatalogIndex, item_codes: Sequence[str], parties: Mapping[str, object]) -> list[str]:
    """Pinned parties first or last (申请人, 结果送达); the others as the bundle's items first ask about them
    (企业 leads 企业开办, 逝者 leads 公民身后一件事), the catalog's party order breaking ties."""
    first_seen: dict[str, int] = {}
    for code in item_codes:
        for f in idx.items[code].fields:
            first_seen.setdefault(idx.elements[f.element].party, len(first_seen))
    place = {p.code: _PLACE[p.place] for p in idx.catalog.parties}
    return sorted(parties, key=lambda p: (place[p], first_seen.get(p, 999), idx.party_order[p]))


def _unique_checks(checks: list[ItemCheck]) -> list[ItemCheck]:
    """Two items stating the same rule show its message once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in checks:
        key = (c.check.expr, c.check.message)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
