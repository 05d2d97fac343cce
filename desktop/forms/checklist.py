"""One material checklist (一套材料): each shared material listed once, with what each item needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import Material, MaterialForm
from desktop.forms.expr import holds
from desktop.forms.situations import Answers, full_answers

_STRENGTH = {form: n for n, form in enumerate(MaterialForm)}


@dataclass(frozen=True)
class Need:
    """What one item asks of a material."""

    item_code: str
    form: MaterialForm
    copies: int
    deferrable: bool


@dataclass(frozen=True)
class ChecklistEntry:
    material: Material
    needs: tuple[Need, ...]

    @property
    def code(self) -> str:
        return self.material.code

    @property
    def form(self) -> MaterialForm:
        """The strongest form any item asks for: a kept original also serves a check or a copy."""
        return min((n.form for n in self.needs), key=_STRENGTH.__getitem__)

    @property
    def copies(self) -> int:
        # One set of materials: the window scans and shares, so the largest count serves all items.
        return max(n.copies for n in self.needs)

    @property
    def deferrable(self) -> bool:
        """容缺 only when every item needing it allows it."""
        return all(n.deferrable for n in self.needs)

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(n.item_code for n in self.needs)


def merge_checklist(idx: CatalogIndex, item_codes: Sequence[str], answers: Answers) -> list[ChecklistEntry]:
    full = full_answers(idx, answers)
    needs: dict[str, list[Need]] = {}
    for code in item_codes:
        for m in idx.items[code].materials:
            if holds(m.when, full):
                needs.setdefault(m.material, []).append(Need(code, m.form, m.copies, m.deferrable))
    return [ChecklistEntry(idx.materials[code], tuple(n)) for code, n in needs.items()]


def deferral_limit(idx: CatalogIndex, entry: ChecklistEntry) -> int:
    """The longest 容缺 deadline in working days: never past the shortest promised time limit."""
    days = [idx.items[code].guide.promised_days for code in entry.item_codes]
    return max(1, min(days))
