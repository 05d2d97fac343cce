"""The region search over GB/T 2260 and the copies a merged form offers (同申请人, 同户籍地址)."""

from __future__ import annotations

from desktop.cases.clock import Clock
from desktop.catalog.index import CatalogIndex
from desktop.forms import regions
from desktop.forms.copying import copied_values, copy_options, option_at
from desktop.forms.session import IntakeSession


def test_pinyin_initials_find_the_county_near_the_hall_first() -> None:
    found = regions.search("hp", near="210102004")
    assert found[0].code == "210102" and found[0].path == "辽宁省沈阳市和平区"
    assert "120101" in [d.code for d in found]  # 天津市和平区 too, after the hall's own city
    assert regions.search("hp", near="120101")[0].code == "120101"


def test_characters_full_initials_and_codes_find_divisions() -> None:
    assert regions.search("浑南", near="210102")[0].code == "210112"
    assert regions.search("lnsyhp")[0].code == "210102"
    assert regions.search("2101")[0].code == "210100"  # the city before its counties
    assert regions.search("sy", near="210102")[0].path == "辽宁省沈阳市"


def test_abolished_divisions_are_left_out_and_renamed_ones_carry_their_current_name() -> None:
    divisions = regions.divisions()
    assert "110103" not in divisions  # 崇文区, merged in 2010
    assert divisions["210112"].name == "浑南区"  # 东陵区 until 2013
    assert regions.name_of("210102004") == "辽宁省沈阳市和平区"
    assert regions.search("东陵") == []


def test_a_newborn_form_offers_the_mothers_and_the_household_address_copy(idx: CatalogIndex, clock: Clock) -> None:
    session = IntakeSession(idx, "LNYJS001", clock=clock)
    options = copy_options(session)
    mother = option_at(options, "mother.id_number")
    assert mother is not None and mother.label == "同申请人"
    assert dict(mother.pairs) == {"mother.name": "applicant.name", "mother.id_number": "applicant.id_number"}
    address = option_at(options, "newborn.hukou_address")
    assert address is not None and address.label == "同户籍地址" and address.element == "newborn.hukou_address"
    assert option_at(options, "newborn.name") is None


def test_a_copy_takes_only_what_the_source_has(idx: CatalogIndex, clock: Clock) -> None:
    session = IntakeSession(idx, "LNYJS001", clock=clock)
    mother = option_at(copy_options(session), "mother.name")
    assert mother is not None
    assert copied_values(session, mother) == {}
    session.set_value("applicant.name", "刘芳")
    assert copied_values(session, mother) == {"mother.name": "刘芳"}


def test_a_party_copy_maps_differently_named_fields(idx: CatalogIndex, clock: Clock) -> None:
    session = IntakeSession(idx, "LNYJS003", clock=clock)
    bank = option_at(copy_options(session), "bank.account_name")
    assert bank is not None and bank.label == "同申请人" and bank.pairs == (("bank.account_name", "applicant.name"),)
    derived = {f.code for f in session.form.fields if f.element.derive}
    assert not any(t in derived for o in copy_options(session) for t in o.targets)


def test_a_field_map_copies_only_the_fields_it_names(idx: CatalogIndex, clock: Clock) -> None:
    session = IntakeSession(idx, "LNYJS033", clock=clock)
    finance = option_at(copy_options(session), "enterprise.finance_manager_phone")
    assert finance is not None and finance.label == "同法定代表人"
    assert finance.targets == (
        "enterprise.finance_manager_name",
        "enterprise.finance_manager_id_number",
        "enterprise.finance_manager_phone",
    )
    assert option_at(copy_options(session), "enterprise.name") is None  # the company is not its legal representative
