"""Over random situation answers for every bundle, the merge asks each data element once and keeps
every field an applicable item needs; what an applicable item issues is never asked of the applicant, and the
items come in an order where each follows the items whose results it receives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.catalog.export import load_index
from desktop.catalog.index import CatalogIndex
from desktop.forms.checklist import full_checklist, item_flow, merge_checklist
from desktop.forms.expr import holds
from desktop.forms.merge import merge_form
from desktop.forms.reduction import reduction
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
                assert merged is not None and (merged.required or merged.produced_by is not None)
    for field in form.fields:
        if field.produced_by is not None:
            assert not field.required and field.produced_by in items
            assert field.code in IDX.items[field.produced_by].produces and field.produced_by not in field.items


@settings(max_examples=200, deadline=None)
@given(bundle_and_answers())
def test_checklist_lists_each_material_once_with_every_item_that_needs_it(case: tuple[str, dict[str, str]]) -> None:
    code, answers = case
    items = applicable_items(IDX, code, answers)
    checklist = full_checklist(IDX, items, answers)
    assert len({e.code for e in checklist}) == len(checklist)
    full = full_answers(IDX, answers)
    for c in items:
        for m in IDX.items[c].materials:
            if holds(m.when, full):
                entry = next(e for e in checklist if e.code == m.material)
                assert c in entry.item_codes
    issued = {r: c for c in reversed(items) for r in IDX.items[c].produces}
    for entry in checklist:
        assert entry.produced_by == issued.get(entry.code)
        assert entry.produced_by not in entry.item_codes
    assert merge_checklist(IDX, items, answers) == [e for e in checklist if not e.internal]


@settings(max_examples=200, deadline=None)
@given(bundle_and_answers())
def test_items_follow_the_items_whose_results_they_receive(case: tuple[str, dict[str, str]]) -> None:
    code, answers = case
    items = applicable_items(IDX, code, answers)
    flow = item_flow(IDX, items, answers)
    order = [f.item_code for f in flow]
    assert sorted(order) == sorted(items)
    internal = {e.code for e in full_checklist(IDX, items, answers) if e.internal}
    for step in flow:
        for handoff in step.receives:
            assert handoff.to_item == step.item_code
            assert order.index(handoff.from_item) < order.index(step.item_code)
            assert handoff.result in IDX.items[handoff.from_item].produces
    passed = {h.result for step in flow for h in step.passes}
    assert internal <= passed


@pytest.mark.parametrize("code", BUNDLES)
def test_every_bundle_applies_at_least_one_item_in_its_common_situation(code: str) -> None:
    assert applicable_items(IDX, code, {})


def test_merging_saves_fields_where_items_share_them() -> None:
    figures = [reduction(IDX, code) for code in BUNDLES]
    assert all(r.fields_merged <= r.fields_separate and r.materials_merged <= r.materials_separate for r in figures)
    assert sum(r.fields_merged for r in figures) < sum(r.fields_separate for r in figures)
