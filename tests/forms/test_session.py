"""An intake session: answers change the form without losing typed values; drafts round-trip."""

from __future__ import annotations

import datetime as dt

from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import Decision
from desktop.catalog.export import load_index
from desktop.forms.decision import Mark
from desktop.forms.session import IntakeSession

IDX = load_index()


def _bundle(name: str) -> str:
    return next(b.code for b in IDX.catalog.bundles if b.name == name)


def _conditional_question(code: str) -> tuple[str, str, str] | None:
    """A question of the bundle whose answers change the applicable items."""
    bundle = IDX.bundles[code]
    for q in bundle.questions:
        values = [o.value for o in IDX.questions[q].options]
        for v in values[1:]:
            a, b = IntakeSession(IDX, code), IntakeSession(IDX, code)
            b.set_answer(q, v)
            if a.items != b.items:
                return q, values[0] if a.answers[q] != values[0] else a.answers[q], v
    return None


def test_changing_an_answer_keeps_what_was_typed() -> None:
    code = _bundle("公民身后一件事")
    s = IntakeSession(IDX, code)
    s.set_value("deceased.name", "王某")
    found = _conditional_question(code)
    assert found is not None
    q, first, other = found
    s.set_answer(q, other)
    s.set_answer(q, first)
    assert s.values["deceased.name"] == "王某"
    assert s.form.field("deceased.name") is not None


def test_id_number_fills_birth_date_and_sex() -> None:
    s = IntakeSession(IDX, _bundle("公民身后一件事"))
    s.set_value("deceased.id_number", "11010519491231002X")
    values = s.effective_values()
    if s.form.field("deceased.birth_date"):
        assert values["deceased.birth_date"] == "1949-12-31"
    if s.form.field("deceased.sex"):
        assert values["deceased.sex"] == "女"


def test_errors_are_chinese_and_in_form_order() -> None:
    s = IntakeSession(IDX, _bundle("新生儿出生"))
    errors = s.errors()
    assert errors
    order = [f.code for f in s.form.fields]
    assert list(errors) == sorted(errors, key=order.index)
    s.set_value(next(iter(errors)), "x")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in s.errors().values())


def test_draft_round_trip_restores_everything() -> None:
    s = IntakeSession(IDX, _bundle("企业开办"))
    s.set_value("enterprise.name", "沈阳某某科技有限公司")
    first = s.checklist[0].code
    s.set_mark(first, Mark(MaterialStatus.RECEIVED, 2))
    restored = IntakeSession.from_draft(IDX, s.bundle.code, s.to_draft())
    assert restored.values == s.values and restored.answers == s.answers
    assert restored.marks[first] == Mark(MaterialStatus.RECEIVED, 2)


def test_all_present_allows_accept_and_a_missing_key_material_forces_notice() -> None:
    s = IntakeSession(IDX, _bundle("企业开办"))
    for entry in s.checklist:
        s.set_mark(entry.code, Mark(MaterialStatus.CHECKED, 1))
    assert s.assessment().allowed(Decision.ACCEPT)
    key = next(e for e in s.checklist if not e.deferrable)
    s.set_mark(key.code, Mark(MaterialStatus.MISSING))
    a = s.assessment()
    assert not a.allowed(Decision.ACCEPT) and not a.allowed(Decision.DEFER) and a.allowed(Decision.NOTIFY)
    assert a.allowed(Decision.REJECT)


def test_deferral_deadline_never_exceeds_the_promised_time_limit() -> None:
    for code in IDX.bundles:
        s = IntakeSession(IDX, code)
        for entry in s.checklist:
            if entry.deferrable:
                limit = s.deferral_limit(entry.code)
                s.set_mark(entry.code, Mark(MaterialStatus.DEFERRED, 0, limit + 30))
                today = dt.date(2026, 11, 30)
                stored = next(m for m in s.material_entries(today) if m.material_code == entry.code)
                assert stored.deadline is not None
                promised = min(IDX.items[c].guide.promised_days for c in entry.item_codes)
                from printing.workdays import add_working_days

                assert stored.deadline <= add_working_days(today, max(1, promised)).date
