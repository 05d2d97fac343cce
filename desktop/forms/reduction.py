"""How much merging saves: merged versus separate fields and materials, per bundle."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from desktop.catalog.index import CatalogIndex
from desktop.forms.checklist import merge_checklist
from desktop.forms.expr import holds, rules_of
from desktop.forms.merge import merge_form
from desktop.forms.situations import applicable_items, full_answers


@dataclass(frozen=True)
class Reduction:
    code: str
    fields_merged: int
    fields_separate: int
    materials_merged: int
    materials_separate: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def reduction(idx: CatalogIndex, bundle_code: str) -> Reduction:
    """Figures for the bundle's most common situation: every question at its default. Merged materials are what
    the applicant brings: shared ones once, results of the case's own items not at all (内部流转)."""
    answers = full_answers(idx, {})
    items = applicable_items(idx, bundle_code, answers)
    form = merge_form(idx, items, answers)
    checklist = merge_checklist(idx, items, answers)
    with rules_of(idx):
        fields_separate = sum(sum(1 for f in idx.items[c].fields if holds(f.when, answers)) for c in items)
        materials_separate = sum(sum(1 for m in idx.items[c].materials if holds(m.when, answers)) for c in items)
    return Reduction(bundle_code, len(form.fields), fields_separate, len(checklist), materials_separate)
