"""Over random situation answers for every bundle, the merge asks each data element once and keeps
every field an applicable item needs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.catalog.export import load_index
from desktop.catalog.index import CatalogIndex
from desktop.forms.checklist import merge_checklist
from desktop.forms.expr import holds
from desktop.forms.merge import merge_form
from desktop.forms.situations import applicable_items, full_answers

IDX: CatalogIndex = load_index()
BUNDLES = sorted(IDX.bundles)


@st.composite
def bundle_and_answers(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    code = draw(st.sampled_from(BUNDLES))
    questions = IDX.bundles[code].questions
    answers = {q: draw(st.sampled_from([o.value for o in IDX.questions[q].options])) for q in questions}
    return code, answers


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundle_and_answers())
def test_merge_never_asks_twice_and_never_drops_a_needed_field(case: tuple[str, dict[str, str]]) -> None:
    code, answers = case
    items = applicable_items(IDX, code, answers)
    form = merge_form(IDX, items, answers)
    codes = [f.code for f in form.fields]
    assert len(codes) == len(set(codes))
    full = full_answers(IDX, answers)
    needed = {f.element for c in items for f in IDX.items[c].fields if holds(f.when, full, {})}
    assert needed == set(codes)
    for c in items:
        for f in IDX.items[c].fields:
            if f.required and f.when is None and f.required_if is None:
                merged = form.field(f.element)
                assert merged is not None and merged.required


@settings(max_examples=200, deadline=None)
@given(bundle_and_answers())
def test_checklist_lists_each_material_once_with_every_item_that_needs_it(case: tuple[str, dict[str, str]]) -> None:
    code, answers = case
    items = applicable_items(IDX, code, answers)
    checklist = merge_checklist(IDX, items, answers)
    assert len({e.code for e in checklist}) == len(checklist)
    full = full_answers(IDX, answers)
    for c in items:
        for m in IDX.items[c].materials:
            if holds(m.when, full):
                entry = next(e for e in checklist if e.code == m.material)
                assert c in entry.item_codes


@pytest.mark.parametrize("code", BUNDLES)
def test_every_bundle_applies_at_least_one_item_in_its_common_situation(code: str) -> None:
    assert applicable_items(IDX, code, {})


def test_merging_saves_fields_where_items_share_them() -> None:
    from desktop.forms.reduction import reduction

    figures = [reduction(IDX, code) for code in BUNDLES]
    assert all(r.fields_merged <= r.fields_separate and r.materials_merged <= r.materials_separate for r in figures)
    assert sum(r.fields_merged for r in figures) < sum(r.fields_separate for r in figures)
