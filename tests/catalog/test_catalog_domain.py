"""The shipped catalog's domain: results that flow inside a case, the 2024 retirement table and the rules that
read it, and the data the notices and the bundle search need."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from stdnum.cn import ric

from desktop.cases.clock import Clock, stepping_clock
from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import Decision
from desktop.catalog import retirement
from desktop.catalog.export import bundles_json, load_index
from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import ItemKind
from desktop.catalog.search import search_keys
from desktop.forms.checklist import full_checklist, internal_label, item_flow, merge_checklist
from desktop.forms.decision import Mark
from desktop.forms.merge import merge_form
from desktop.forms.session import IntakeSession
from desktop.forms.situations import applicable_items, uses_notify_commit
from desktop.services import demo


@pytest.fixture(scope="module")
def idx() -> CatalogIndex:
    return load_index()


@pytest.fixture
def clock() -> Clock:
    """10:00 on 2026-11-30 in Beijing."""
    return stepping_clock(dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC))


def _id(born: str, *, male: bool) -> str:
    body = f"210102{born.replace('-', '')}{'013' if male else '024'}"
    return body + ric.calc_check_digit(body + "0")


def _case(idx: CatalogIndex, bundle: str, answers: dict[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    answers = answers or {}
    return applicable_items(idx, bundle, answers), answers


# -- results that feed the next item (issue 9 part 3) -------------------------------------------------------------


def test_retirement_can_be_accepted_without_asking_for_the_retirement_certificate_it_issues(
    idx: CatalogIndex, clock: Clock
) -> None:
    items, answers = _case(idx, "LNYJS018", {"retiree_housing_fund": "yes"})
    assert {"RS015", "YB005", "ZJ003"} <= set(items)
    assert "retirement_cert" not in {e.code for e in merge_checklist(idx, items, answers)}
    [row] = [e for e in full_checklist(idx, items, answers) if e.code == "retirement_cert"]
    assert row.produced_by == "RS015" and set(row.item_codes) == {"YB005", "ZJ003"}
    assert internal_label(idx, row) == "内部流转（由「职工正常退休(职)申请」产生）"

    # The whole case, as the window decides it: a complete form and every row the clerk marks present.
    session = IntakeSession(idx, "LNYJS018", {"retiree_housing_fund": "yes"}, clock=clock)
    session.set_value("employment.pension_contribution_months", "300")
    assert demo.fill(session, random.Random(5)) == {}
    for entry in session.checklist:
        session.set_mark(entry.code, Mark(MaterialStatus.CHECKED, max(1, entry.copies)))
    assert "retirement_cert" not in {e.code for e in session.checklist}
    assert session.assessment().allowed(Decision.ACCEPT), session.assessment().why_not(Decision.ACCEPT)


def test_a_retirement_certificate_is_still_asked_where_no_item_of_the_case_issues_it(idx: CatalogIndex) -> None:
    items, answers = _case(idx, "LNYJS004", {"fund_withdraw_reason": "retire"})
    assert "retirement_cert" in {e.code for e in merge_checklist(idx, items, answers)}


def test_newborn_birth_certificate_flows_inside_unless_the_parents_already_hold_it(idx: CatalogIndex) -> None:
    items, answers = _case(idx, "LNYJS001")
    assert "WJW001" in items
    assert "birth_medical_cert" not in {e.code for e in merge_checklist(idx, items, answers)}
    form = merge_form(idx, items, answers)
    cert_no = form.field("newborn.birth_cert_no")
    assert cert_no is not None and cert_no.produced_by == "WJW001" and not cert_no.required

    held, held_answers = _case(idx, "LNYJS001", {"has_birth_medical_cert": "yes"})
    assert "WJW001" not in held
    assert "birth_medical_cert" in {e.code for e in merge_checklist(idx, held, held_answers)}
    assert merge_form(idx, held, held_answers).field("newborn.birth_cert_no").required  # type: ignore[union-attr]


def test_business_licence_and_credit_code_of_a_company_being_set_up_are_never_asked(idx: CatalogIndex) -> None:
    items, answers = _case(idx, "LNYJS033")
    assert "business_licence" not in {e.code for e in merge_checklist(idx, items, answers)}
    uscc = merge_form(idx, items, answers).field("enterprise.uscc")
    assert uscc is not None and not uscc.required and uscc.produced_by == "SJ002"


def test_transfer_order_follows_the_results(idx: CatalogIndex) -> None:
    items, answers = _case(idx, "LNYJS033")
    flow = item_flow(idx, items, answers)
    order = [f.item_code for f in flow]
    assert order[0] == "SJ002" and order.index("GA022") < order.index("SW006")
    first = flow[0]
    passed = {(h.result, h.to_item) for h in first.passes}
    assert passed >= {("business_licence", "RS031"), ("enterprise.uscc", "SW006")}
    sw006 = next(f for f in flow if f.item_code == "SW006")
    assert {(h.result, h.from_item) for h in sw006.receives} >= {("invoice_seal_impression", "GA022")}

    death = item_flow(idx, *_case(idx, "LNYJS003", {"has_pension_account": "yes"}))
    codes = [f.item_code for f in death]
    assert codes.index("MZ002") < codes.index("RS002")  # the 火化证明 comes before the pension settles


def test_items_waiting_for_nothing_keep_the_bundle_order(idx: CatalogIndex) -> None:
    items, answers = _case(idx, "LNYJS028")
    assert [f.item_code for f in item_flow(idx, items, answers)] == items


# -- 2024 NPC decision: retirement ages and minimum contribution (issue 9 part 7) ---------------------------------


@pytest.mark.parametrize(
    ("scheme", "born", "age"),
    [
        ("male", "1964-12-31", "60岁"),
        ("male", "1965-01-01", "60岁1个月"),  # the decision's first row: 1965年1月-4月 → 60岁1个月
        ("male", "1965-05-20", "60岁2个月"),
        ("male", "1976-08-31", "62岁11个月"),
        ("male", "1976-09-01", "63岁"),
        ("male", "1990-06-15", "63岁"),
        ("female_cadre", "1969-12-31", "55岁"),
        ("female_cadre", "1970-01-01", "55岁1个月"),
        ("female_cadre", "1981-09-10", "58岁"),
        ("female_worker", "1975-01-15", "50岁1个月"),
        ("female_worker", "1975-03-01", "50岁2个月"),  # one month for every two months of birth
        ("female_worker", "1984-10-31", "54岁11个月"),
        ("female_worker", "1984-11-01", "55岁"),
    ],
)
def test_statutory_ages_follow_the_decision_month_by_month(idx: CatalogIndex, scheme: str, born: str, age: str) -> None:
    table = idx.catalog.retirement
    assert table is not None
    assert retirement.statutory_age(table, scheme, dt.date.fromisoformat(born)).label() == age


def test_retirement_dates_and_flexible_bounds(idx: CatalogIndex) -> None:
    table = idx.catalog.retirement
    assert table is not None
    assert retirement.statutory_age(table, "male", dt.date(1965, 1, 15)).date == dt.date(2025, 2, 15)
    # 弹性提前: at most three years, never below the original age.
    assert retirement.earliest_age(table, "male", dt.date(1970, 1, 15)).label() == "60岁"
    assert retirement.earliest_age(table, "female_worker", dt.date(1985, 3, 10)).date == dt.date(2037, 3, 10)
    assert retirement.latest_age(table, "female_cadre", dt.date(1990, 2, 28)).label() == "61岁"
    assert retirement.add_months(dt.date(1964, 2, 29), 12 * 60) == dt.date(2024, 2, 29)
    assert retirement.add_months(dt.date(1965, 2, 28), 12 * 60 + 1) == dt.date(2025, 3, 28)


@pytest.mark.parametrize(("year", "months"), [(2029, 180), (2030, 186), (2034, 210), (2039, 240), (2045, 240)])
def test_minimum_contribution_rises_six_months_a_year_from_2030(idx: CatalogIndex, year: int, months: int) -> None:
    table = idx.catalog.retirement
    assert table is not None
    assert retirement.min_contribution_months(table, dt.date(year, 6, 1)) == months


def _retire(idx: CatalogIndex, clock: Clock, born: str, retire: str, months: str, **extra: str) -> dict[str, str]:
    s = IntakeSession(idx, "LNYJS018", clock=clock)
    s.set_value("applicant.id_number", _id(born, male=extra.pop("male", "yes") == "yes"))
    s.set_value("employment.retire_date", retire)
    s.set_value("employment.pension_contribution_months", months)
    for code, value in extra.items():
        s.set_value(code.replace("__", "."), value)
    return s.errors()


def test_normal_retirement_reads_the_table_not_fixed_ages(idx: CatalogIndex, clock: Clock) -> None:
    # A man born 1970-01-15: statutory age 61岁4个月 (2031-05-15); flexibly from 60 (2030-01-15) to 2034-05-15.
    assert "employment.retire_date" in _retire(idx, clock, "1970-01-15", "2030-01-14", "300")
    assert "employment.retire_date" not in _retire(idx, clock, "1970-01-15", "2030-01-15", "300")
    assert "employment.retire_date" not in _retire(idx, clock, "1970-01-15", "2034-05-15", "300")
    assert "employment.retire_date" in _retire(idx, clock, "1970-01-15", "2034-05-16", "300")
    # 2030 needs 15.5 years: 180 months no longer do.
    assert "employment.pension_contribution_months" in _retire(idx, clock, "1970-01-15", "2030-02-01", "180")
    assert "employment.pension_contribution_months" not in _retire(idx, clock, "1970-01-15", "2030-02-01", "186")
    # A woman worker born 1976-03-10 retires at 50岁8个月 at the earliest… but never below 50.
    worker = {"male": "no", "employment__post_type": "工人岗位"}
    assert "employment.retire_date" in _retire(idx, clock, "1976-03-10", "2026-03-09", "200", **worker)
    assert "employment.retire_date" not in _retire(idx, clock, "1976-03-10", "2026-03-10", "200", **worker)
    cadre = {"male": "no", "employment__post_type": "管理或专业技术岗位"}
    assert "employment.retire_date" in _retire(idx, clock, "1976-03-10", "2026-03-10", "200", **cadre)


@pytest.mark.parametrize(
    ("bundle", "person", "refused"),
    [
        ("LNYJS016", ("1966-01-20", True), True),  # 60岁4个月 reached on 2026-05-20
        ("LNYJS016", ("1966-09-01", True), False),  # 60岁6个月 only on 2027-03-01 (a fixed 60 would refuse him)
        ("LNYJS019", ("1971-06-01", False), True),  # a woman in flexible work: 55岁5个月 on 2026-11-01 (not 58)
        ("LNYJS019", ("1972-06-01", False), False),
    ],
)
def test_unemployment_and_flexible_insurance_stop_at_the_tables_retirement_age(
    idx: CatalogIndex, clock: Clock, bundle: str, person: tuple[str, bool], refused: bool
) -> None:
    born, male = person
    s = IntakeSession(idx, bundle, clock=clock)
    s.set_value("applicant.id_number", _id(born, male=male))
    message = s.errors().get("applicant.id_number", "")
    assert ("已达到法定退休年龄" in message) is refused


def test_leaving_under_article_38_counts_as_involuntary(idx: CatalogIndex, clock: Clock) -> None:
    s = IntakeSession(idx, "LNYJS016", {"ui_eligible": "yes"}, clock=clock)
    reasons = idx.elements["employment.contract_end_reason"].options
    article_38 = next(r for r in reasons if "第三十八条" in r)
    s.set_value("employment.contract_end_reason", article_38)
    assert "employment.contract_end_reason" not in s.errors()
    s.set_value("employment.contract_end_reason", "本人提出解除劳动合同")
    assert "因本人意愿" in s.errors()["employment.contract_end_reason"]


# -- other domain fixes ---------------------------------------------------------------------------------------------


def test_newborns_social_security_card_takes_the_newborns_data_and_no_photo(idx: CatalogIndex) -> None:
    items, answers = _case(idx, "LNYJS001", {"newborn_ssc": "yes"})
    assert "RS001" in items
    form = merge_form(idx, ["RS001"], answers)
    assert form.field("newborn.name") and form.field("newborn.birth_date") and not form.field("applicant.sex")
    assert "photo" not in {e.code for e in full_checklist(idx, ["RS001"], answers)}
    adult = merge_form(idx, ["RS001"], {})
    assert adult.field("applicant.sex") and not adult.field("newborn.name")


def test_a_declared_death_takes_the_judgment_and_no_cremation(idx: CatalogIndex) -> None:
    answers = {"death_kind": "declared", "has_pension_account": "yes", "has_medical_account": "yes"}
    items = applicable_items(idx, "LNYJS003", answers)
    codes = {e.code for e in full_checklist(idx, items, answers)}
    assert "death_declaration_judgment" in codes
    assert not codes & {"cremation_cert", "death_medical_cert", "police_death_cert"}


def test_after_a_death_the_cremation_certificate_and_the_deceaseds_card_are_common_materials(
    idx: CatalogIndex,
) -> None:
    answers = {"has_pension_account": "yes", "has_medical_account": "yes", "has_cremation_cert": "yes"}
    items = applicable_items(idx, "LNYJS003", answers)
    rows = {e.code: e for e in merge_checklist(idx, items, answers)}
    assert set(rows["cremation_cert"].item_codes) >= {"RS002", "YB002"}
    assert set(rows["deceased_ssc"].item_codes) == {"RS002", "YB002"}
    assert "heir_commitment" in rows and "commitment_letter" not in rows
    assert "WJW003" in items and "death_medical_cert" in rows  # brought: the hospital issued it, not the window


def test_company_set_up_asks_a_liaison_and_a_five_year_capital_term(idx: CatalogIndex, clock: Clock) -> None:
    s = IntakeSession(idx, "LNYJS033", clock=clock)
    assert s.form.field("liaison.name") and s.form.field("enterprise.capital_due_years")
    s.set_value("enterprise.type", "有限责任公司")
    s.set_value("enterprise.capital_due_years", "6")
    assert "五年内缴足" in s.errors()["enterprise.capital_due_years"]
    s.set_value("enterprise.capital_due_years", "5")
    assert "enterprise.capital_due_years" not in s.errors()


def test_notice_data_kind_hotline_remedy_and_commitment(idx: CatalogIndex) -> None:
    assert idx.items["SJ002"].guide.kind is ItemKind.LICENCE and idx.items["SJ002"].guide.kind.is_licence
    assert idx.items["RS007"].guide.kind is ItemKind.BENEFIT
    assert idx.hotline("RS015") == "12333" and idx.hotline("YB005") == "12393" and idx.hotline("ZJ003") == "12329"
    assert idx.remedy("DL001") is None and idx.remedy("ZJ008") is None  # utilities: no review lies
    tax = idx.remedy("SW006")
    assert tax is not None and tax.review_organ is not None and "上一级税务机关" in tax.review_organ
    assert idx.remedy("RS015") == idx.remedy("GA001") and idx.remedy("RS015") is not None
    assert uses_notify_commit(idx, "XF001", {"fire_commitment": "commitment"})
    assert not uses_notify_commit(idx, "XF001", {"fire_commitment": "inspection"})
    assert uses_notify_commit(idx, "RS027", {}) and not uses_notify_commit(idx, "RS002", {})


def test_bundle_31_keeps_the_seed_listing_and_names_the_competent_organs(idx: CatalogIndex) -> None:
    [bundle] = [b for b in bundles_json(idx) if b["code"] == "LNYJS031"]
    assert [(i["name"], i["department"]) for i in bundle["items"]] == [
        ("影响交通安全的工程建设审批(非挖掘类)", "省住房城乡建设厅"),
        ("占用城市道路审批", "省公安厅"),
    ]
    assert idx.competent_department("ZJ012") == "GA" and idx.competent_department("GA021") == "ZJ"
    assert idx.items["ZJ012"].note and "第三十二条" in idx.items["ZJ012"].note


def test_ga009_is_listed_as_the_seed_words_it_and_printed_as_a_university(idx: CatalogIndex) -> None:
    [bundle] = [b for b in bundles_json(idx) if b["code"] == "LNYJS008"]
    assert bundle["items"][0]["name"] == "普通高中等院校学生毕业落户"
    assert idx.items["GA009"].name == "普通高等院校学生毕业落户"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("死亡", {"LNYJS003"}),
        ("开公司", {"LNYJS033"}),
        ("kgs", {"LNYJS033"}),
        ("户口", {"LNYJS001", "LNYJS002", "LNYJS003", "LNYJS006", "LNYJS008"}),
        ("xse", {"LNYJS001"}),
    ],
)
def test_keywords_find_their_bundles(idx: CatalogIndex, query: str, expected: set[str]) -> None:
    keys = search_keys(idx.catalog.bundles)
    assert {code for code, k in keys.items() if k.matches(query)} == expected
