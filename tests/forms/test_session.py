"""An intake session: answers change the form without losing typed values; drafts round-trip; dates are the hall's."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.cases.clock import Clock, stepping_clock
from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import Decision
from desktop.cases.workdays import WorkCalendar
from desktop.catalog.index import CatalogIndex
from desktop.forms.decision import Mark
from desktop.forms.session import IntakeSession
from desktop.services.demo import fill


def _bundle(idx: CatalogIndex, name: str) -> str:
    return next(b.code for b in idx.catalog.bundles if b.name == name)


def _conditional_question(idx: CatalogIndex, code: str, clock: Clock) -> tuple[str, str, str]:
    """A question of the bundle whose answers change the applicable items."""
    for q in idx.bundles[code].questions:
        values = [o.value for o in idx.questions[q].options]
        for v in values[1:]:
            a, b = IntakeSession(idx, code, clock=clock), IntakeSession(idx, code, clock=clock)
            b.set_answer(q, v)
            if a.items != b.items:
                return q, a.answers[q], v
    raise AssertionError(f"{code} has no question that changes its items")


def test_changing_an_answer_keeps_what_was_typed(idx: CatalogIndex, clock: Clock) -> None:
    code = _bundle(idx, "公民身后一件事")
    s = IntakeSession(idx, code, clock=clock)
    s.set_value("deceased.name", "王某")
    q, first, other = _conditional_question(idx, code, clock)
    s.set_answer(q, other)
    s.set_answer(q, first)
    assert s.values["deceased.name"] == "王某"
    assert s.form.field("deceased.name") is not None


def test_id_number_fills_birth_date_and_sex(idx: CatalogIndex, clock: Clock) -> None:
    s = IntakeSession(idx, _bundle(idx, "居住证"), clock=clock)
    assert s.form.field("applicant.birth_date") is not None and s.form.field("applicant.sex") is not None
    s.set_value("applicant.id_number", "11010519491231002X")
    values = s.effective_values()
    assert (values["applicant.birth_date"], values["applicant.sex"]) == ("1949-12-31", "女")


def test_a_full_width_id_number_is_stored_as_the_ascii_number(idx: CatalogIndex, clock: Clock) -> None:
    s = IntakeSession(idx, _bundle(idx, "公民身后一件事"), clock=clock)
    s.set_value("deceased.id_number", "１１０１０５１９４９１２３１００２Ｘ")
    assert s.values["deceased.id_number"] == "11010519491231002X"
    assert "deceased.id_number" not in s.errors()
    assert s.submitted_values()["deceased.id_number"] == "11010519491231002X"


def test_errors_are_chinese_and_in_form_order(idx: CatalogIndex, clock: Clock) -> None:
    s = IntakeSession(idx, _bundle(idx, "新生儿出生"), clock=clock)
    errors = s.errors()
    assert errors
    order = [f.code for f in s.form.fields]
    assert list(errors) == sorted(errors, key=order.index)
    s.set_value(next(iter(errors)), "x")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in s.errors().values())


def test_draft_round_trip_restores_everything(idx: CatalogIndex, clock: Clock) -> None:
    s = IntakeSession(idx, _bundle(idx, "企业开办"), clock=clock)
    s.set_value("enterprise.name", "沈阳某某科技有限公司")
    first = s.checklist[0].code
    s.set_mark(first, Mark(MaterialStatus.RECEIVED, 2))
    restored = IntakeSession.from_draft(idx, s.bundle.code, s.to_draft(), clock=clock)
    assert restored.values == s.values and restored.answers == s.answers
    assert restored.marks[first] == Mark(MaterialStatus.RECEIVED, 2)


def _filled(idx: CatalogIndex, name: str, clock: Clock) -> IntakeSession:
    s = IntakeSession(idx, _bundle(idx, name), clock=clock)
    assert fill(s) == {}
    return s


def test_all_present_allows_accept_and_a_missing_key_material_forces_notice(idx: CatalogIndex, clock: Clock) -> None:
    s = _filled(idx, "企业开办", clock)
    for entry in s.checklist:
        s.set_mark(entry.code, Mark(MaterialStatus.CHECKED, 1))
    assert s.assessment().allowed(Decision.ACCEPT)
    key = next(e for e in s.checklist if not e.deferrable)
    s.set_mark(key.code, Mark(MaterialStatus.MISSING))
    a = s.assessment()
    assert not a.allowed(Decision.ACCEPT) and not a.allowed(Decision.DEFER) and a.allowed(Decision.NOTIFY)
    assert not a.allowed(Decision.REJECT)  # a rejection needs a reason, which the assessment is not given


def test_deferral_deadline_never_exceeds_the_promised_time_limit(idx: CatalogIndex, clock: Clock) -> None:
    calendar = WorkCalendar()
    checked = 0
    for code in idx.bundles:
        s = IntakeSession(idx, code, clock=clock, calendar=calendar)
        for entry in (e for e in s.checklist if e.deferrable):
            s.set_mark(entry.code, Mark(MaterialStatus.DEFERRED, 0, s.deferral_limit(entry.code) + 30))
            [stored] = [m for m in s.material_entries(clock.today()) if m.material_code == entry.code]
            promised = min(idx.items[c].guide.promised_days for c in entry.item_codes)
            assert stored.deadline is not None
            assert stored.deadline <= calendar.add_working_days(clock.today(), promised).date
            checked += 1
    assert checked > 0


@pytest.mark.clock
@pytest.mark.parametrize(
    ("utc", "hall_day"),
    [
        (dt.datetime(2026, 11, 30, 15, 59, tzinfo=dt.UTC), dt.date(2026, 11, 30)),  # 23:59 Beijing
        (dt.datetime(2026, 11, 30, 16, 1, tzinfo=dt.UTC), dt.date(2026, 12, 1)),  # 00:01 Beijing, still Nov 30 in UTC
    ],
)
def test_a_birth_date_is_judged_by_the_halls_date_not_the_machines(
    idx: CatalogIndex, utc: dt.datetime, hall_day: dt.date
) -> None:
    clock = stepping_clock(utc)
    assert clock.today() == hall_day
    s = IntakeSession(idx, _bundle(idx, "新生儿出生"), clock=clock)
    [date_field] = [f for f in s.form.fields if f.element.kind.value == "date" and f.element.not_future][:1]
    s.set_value(date_field.code, "2026-12-01")
    future = date_field.code in s.errors()
    assert future is (hall_day < dt.date(2026, 12, 1))
