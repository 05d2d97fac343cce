"""Stored cases become the DocCase their documents print, and each item's outcome gets its documents."""

from __future__ import annotations

import pytest
from print_helpers import flat, pdf_text
from sqlmodel import Session, select
from stored_cases import PROFILE, REASON, bundle_code, decided_case, decided_per_item

from desktop.cases.decisions import MaterialStatus
from desktop.cases.numbers import format_number
from desktop.cases.states import Decision
from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import MaterialForm
from desktop.forms.checklist import merge_checklist
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.settings import Settings
from desktop.store.models import CaseItem
from desktop.store.repo import Store
from printing.documents import DocKind, pdf_bytes
from printing.from_case import (
    NotDecided,
    case_documents,
    doc_case,
    document_file_name,
    documents_for,
    hall_info,
    phone_of,
    window_label,
)
from printing.model import HallInfo

BUNDLES = ["公民身后一件事", "企业开办", "失业再就业", "二手房转移登记及水电气联动过户"]


EXPECTED = {
    Decision.ACCEPT: [DocKind.APPLICATION, DocKind.RECEIPT, DocKind.TRANSFER],
    Decision.DEFER: [DocKind.APPLICATION, DocKind.RECEIPT, DocKind.DEFERRED, DocKind.TRANSFER],
    Decision.NOTIFY: [DocKind.APPLICATION, DocKind.ONE_TIME],
    Decision.REJECT: [DocKind.APPLICATION, DocKind.REJECT],
}


@pytest.mark.parametrize("decision", list(Decision))
@pytest.mark.parametrize("bundle", BUNDLES)
def test_each_decision_gets_its_documents_and_each_prints_the_case_number(
    hall: Hall, shipped: CatalogInUse, bundle: str, decision: Decision
) -> None:
    detail = decided_case(hall, shipped, bundle, decision)
    kinds = documents_for(detail.case, detail.items)
    assert kinds == EXPECTED[decision]
    doc = case_documents(detail, shipped.index).doc  # with the form's groups, for the 联办申请表
    for kind in kinds:
        text = flat(pdf_text(pdf_bytes(kind, doc)))
        assert doc.case_number in text
        assert flat(doc.applicant_name) in text


def test_case_fields_come_from_the_stored_case_the_catalog_and_the_hall(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "公民身后一件事", Decision.ACCEPT)
    case = detail.case
    info = HallInfo(
        "024-12345678", "024-87654321", "和平区南京南街1号", "周一至周五", "和平区人民政府", "和平区人民法院"
    )
    doc = doc_case(detail, shipped.index, hall=info, clock=hall.clock)
    assert doc.case_number == format_number(case.number or "")
    assert doc.query_code == case.query_code and len(doc.query_code) == 6
    assert doc.bundle_name == "公民身后一件事" and doc.bundle_code == case.bundle_code
    assert doc.applicant_name == case.values["applicant.name"]
    id_number = case.values["applicant.id_number"]
    assert doc.applicant_id_masked == id_number[:6] + "*" * 8 + id_number[-4:]
    assert doc.applicant_id == id_number  # in full, for the slip and the form only
    assert doc.phone == case.values["applicant.phone"]
    assert (doc.center_name, doc.division_code, doc.clerk) == (PROFILE.center_name, "210102004", PROFILE.clerk)
    assert doc.window == "3号窗口"
    assert case.decided_at is not None and doc.decided_at == hall.clock.local(case.decided_at)
    assert doc.catalog_version == shipped.version
    assert doc.hall == info


def test_hall_info_comes_from_the_profile_settings() -> None:
    settings = Settings(
        consult_phone="024-1",
        supervise_phone="024-2",
        center_address="中山路1号",
        center_hours="8:30—17:00",
        review_organ="和平区人民政府",
        court="和平区人民法院",
        receipt_base_url="https://zwfw.example.cn",
    )
    assert hall_info(settings) == HallInfo(
        "024-1", "024-2", "中山路1号", "8:30—17:00", "和平区人民政府", "和平区人民法院", "https://zwfw.example.cn"
    )
    assert hall_info(Settings(consult_phone="", supervise_phone="")).consult_phone == "12345"


def test_phones_alone_still_reach_the_documents(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "企业开办", Decision.ACCEPT)
    docs = case_documents(detail, shipped.index, consult_phone="024-12345678", supervise_phone="024-87654321")
    assert (docs.doc.hall.consult_phone, docs.doc.hall.supervise_phone) == ("024-12345678", "024-87654321")


def test_enterprise_is_the_applicant_of_a_company_bundle(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "企业开办", Decision.ACCEPT)
    doc = doc_case(detail, shipped.index)
    assert detail.case.values.get("applicant.name") is None
    assert doc.applicant_name == detail.case.values["enterprise.name"]
    assert doc.applicant_name.endswith("有限公司")


def test_applying_items_carry_the_guide_kind_fee_hotline_and_grounds(hall: Hall, shipped: CatalogInUse) -> None:
    idx = shipped.index
    detail = decided_case(hall, shipped, "公民身后一件事", Decision.ACCEPT)
    doc = doc_case(detail, idx)
    applying = [i for i in detail.items if i.applies]
    assert len(applying) < len(detail.items)  # the demo's situations leave some items out
    assert [i.code for i in doc.items] == [i.item_code for i in applying]
    for printed, stored in zip(doc.items, applying, strict=True):
        item = idx.items[stored.item_code]
        dept = idx.departments[item.department]
        assert printed.name == item.name
        assert printed.department == dept.name
        assert printed.promised_date == stored.promised_date
        assert printed.statutory_days == item.guide.statutory_days
        assert printed.kind == str(item.guide.kind) and printed.fee == item.guide.fee
        assert printed.hotline == (item.guide.phone or dept.hotline or "")
        assert printed.basis == tuple(item.guide.basis)
        assert printed.outcome is Decision.ACCEPT


def test_material_forms_and_copies_follow_the_merged_checklist(hall: Hall, shipped: CatalogInUse) -> None:
    idx = shipped.index
    detail = decided_case(hall, shipped, "新生儿出生", Decision.ACCEPT, seed=11)
    doc = doc_case(detail, idx)
    codes = [i.item_code for i in detail.items if i.applies]
    checklist = {e.material.name: e for e in merge_checklist(idx, codes, detail.case.answers)}
    marked = [m for m in doc.materials if not m.produced_by]
    assert [m.name for m in marked] == [r.name for r in detail.materials]
    for m in marked:
        entry = checklist[m.name]
        if m.status is MaterialStatus.ELICENCE:
            assert m.form is MaterialForm.ELICENCE
        else:
            assert m.form.value == entry.form.value
            assert m.copies == max(1, entry.copies)


def test_a_result_another_item_issues_prints_as_internal_flow(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "新生儿出生", Decision.ACCEPT, seed=11)
    doc = doc_case(detail, shipped.index)
    [internal] = doc.internal
    assert internal.name == "出生医学证明" and internal.produced_by == "出生医学证明办理"
    assert internal not in doc.outstanding and internal not in doc.taken
    [flow] = doc.flows
    assert (flow.result, flow.from_item) == ("出生医学证明", "出生医学证明办理")
    assert "新生婴儿出生落户" in flow.to_items
    slips = flat(pdf_text(pdf_bytes(DocKind.TRANSFER, doc)))
    assert "内部流转（由「出生医学证明办理」产生）" in slips
    assert "将「出生医学证明」推送至" in slips


def test_a_material_for_some_items_names_them_and_a_shared_one_serves_all(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "公民身后一件事", Decision.ACCEPT)
    doc = doc_case(detail, shipped.index)
    names = {i.name for i in doc.items}
    partial = [m for m in doc.materials if m.item_names]
    assert partial and all(set(m.item_names) < names for m in partial)
    shared = [m for m in doc.materials if not m.item_names]
    assert shared and all(m.serves(n) for m in shared for n in names)


def test_deferred_material_keeps_its_deadline_for_the_notice(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "企业开办", Decision.DEFER)
    doc = doc_case(detail, shipped.index)
    [deferred] = doc.deferred
    [record] = [r for r in detail.materials if r.status == "deferred"]
    assert deferred.deadline == record.deadline and deferred.deadline is not None
    assert deferred.name in flat(pdf_text(pdf_bytes(DocKind.DEFERRED, doc)))


def test_one_time_notice_lists_the_missing_material(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "公民身后一件事", Decision.NOTIFY)
    doc = doc_case(detail, shipped.index)
    [missing] = doc.outstanding
    assert missing.status is MaterialStatus.MISSING
    assert flat(missing.name) in flat(pdf_text(pdf_bytes(DocKind.ONE_TIME, doc)))


def test_rejection_carries_the_reason(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "企业开办", Decision.REJECT)
    doc = doc_case(detail, shipped.index)
    assert doc.reason == REASON
    assert REASON in flat(pdf_text(pdf_bytes(DocKind.REJECT, doc)))


def test_transfer_slip_has_one_page_per_department(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "企业开办", Decision.ACCEPT)
    doc = doc_case(detail, shipped.index)
    text = flat(pdf_text(pdf_bytes(DocKind.TRANSFER, doc)))
    for department in doc.departments:
        assert f"接收部门：{department}" in text


# --- per-item outcomes ------------------------------------------------------------------------------------------


def test_items_decided_one_by_one_get_the_documents_of_their_outcomes(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_per_item(
        hall,
        shipped,
        "企业开办",
        {"ZJ013": Decision.NOTIFY, "SW006": Decision.REJECT},
        {"ZJ013": "单位缴存登记表未加盖公章", "SW006": "申请人已有在用的发票领用资格"},
    )
    assert documents_for(detail.case, detail.items) == [
        DocKind.APPLICATION,
        DocKind.RECEIPT,
        DocKind.ONE_TIME,
        DocKind.REJECT,
        DocKind.TRANSFER,
    ]
    doc = doc_case(detail, shipped.index)
    outcomes = {i.code: i.outcome for i in doc.items}
    assert outcomes["ZJ013"] is Decision.NOTIFY and outcomes["SW006"] is Decision.REJECT
    assert outcomes["SJ002"] is Decision.ACCEPT
    receipt = flat(pdf_text(pdf_bytes(DocKind.RECEIPT, doc)))
    assert "企业设立登记" in receipt
    assert "“单位住房公积金缴存登记”（一次性告知补正）" in receipt  # named once, as not accepted
    assert "“发票领用”（不予受理）" in receipt
    notice = flat(pdf_text(pdf_bytes(DocKind.ONE_TIME, doc)))
    assert "单位缴存登记表未加盖公章" in notice and "发票领用" not in notice
    refusal = flat(pdf_text(pdf_bytes(DocKind.REJECT, doc)))
    assert "申请人已有在用的发票领用资格" in refusal and "企业设立登记”，经审查" not in refusal
    slips = flat(pdf_text(pdf_bytes(DocKind.TRANSFER, doc)))
    assert "单位住房公积金缴存登记" not in slips and "发票领用" not in slips


def test_rows_stored_before_item_outcomes_take_the_case_decision(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "公民身后一件事", Decision.NOTIFY)
    with Session(hall.store.engine) as session:
        for row in session.exec(select(CaseItem).where(CaseItem.case_id == detail.case.id)):
            row.outcome = None
            session.add(row)
        session.commit()
    old = hall.store.get(detail.case.id)
    assert all(i.outcome is None for i in old.items)
    assert documents_for(old.case, old.items) == [DocKind.APPLICATION, DocKind.ONE_TIME]
    assert all(i.outcome is Decision.NOTIFY for i in doc_case(old, shipped.index).items)


def test_a_draft_has_nothing_to_print(store: Store, idx: CatalogIndex) -> None:
    case = store.new_draft("LNYJS003", idx.version, PROFILE)
    assert documents_for(case) == []
    with pytest.raises(NotDecided):
        doc_case(store.get(case.id), idx)


def test_items_left_out_of_a_newer_catalog_still_print_with_their_codes(hall: Hall, shipped: CatalogInUse) -> None:
    idx = shipped.index
    detail = decided_case(hall, shipped, "公民身后一件事", Decision.ACCEPT)
    gone = next(i.item_code for i in detail.items if i.applies and not idx.items[i.item_code].produces)
    older = idx.catalog.model_copy(update={"items": [i for i in idx.catalog.items if i.code != gone]})
    doc = doc_case(detail, CatalogIndex(older))
    assert gone in [i.name for i in doc.items]
    assert doc.case_number in flat(pdf_text(pdf_bytes(DocKind.RECEIPT, doc)))


def test_bundle_31_items_are_issued_for_their_competent_organ(hall: Hall, shipped: CatalogInUse) -> None:
    idx = shipped.index
    code = bundle_code(idx, "非挖掘类临时占用道路审批")
    competent = {i.item: idx.items[i.item].competent_department for i in idx.bundles[code].items}
    if not any(competent.values()):
        pytest.skip("the catalog names no competent organ for bundle 31")
    item, organ = next((c, o) for c, o in competent.items() if o)
    detail = decided_per_item(hall, shipped, "非挖掘类临时占用道路审批", {item: Decision.REJECT}, {item: "不符合条件"})
    doc = doc_case(detail, idx)
    refused = next(i for i in doc.items if i.code == item)
    assert refused.competent_organ == refused.department == idx.departments[organ].name
    text = flat(pdf_text(pdf_bytes(DocKind.REJECT, doc)))
    assert text.startswith(refused.competent_organ)
    assert f"（{PROFILE.center_name}受委托办理）" in text


def test_phone_prefers_the_applicant_then_the_enterprise() -> None:
    assert phone_of({"enterprise.phone": "024-1", "applicant.phone": "138"}) == "138"
    assert phone_of({"enterprise.phone": "024-1", "agent.phone": "139"}) == "024-1"
    assert phone_of({"father.phone": "137"}) == "137"
    assert phone_of({}) == ""


def test_window_labels_and_file_names(hall: Hall, shipped: CatalogInUse) -> None:
    assert window_label("03") == "3号窗口" and window_label("91") == "外勤设备91"
    doc = doc_case(decided_case(hall, shipped, "企业开办", Decision.ACCEPT), shipped.index)
    assert document_file_name(DocKind.RECEIPT, doc) == f"受理回执_{doc.case_number}.pdf"
    assert document_file_name(DocKind.APPLICATION, doc) == f"一件事联办申请表_{doc.case_number}.pdf"


def test_the_documents_of_a_case_carry_its_form_for_the_application(hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(hall, shipped, "企业开办", Decision.ACCEPT)
    docs = case_documents(detail, shipped.index)
    assert docs.kinds[0] is DocKind.APPLICATION  # signed whatever was decided, handed out first
    assert [g.title for g in docs.doc.form][:1] == ["企业"]
    text = flat(pdf_text(pdf_bytes(DocKind.APPLICATION, docs.doc)))
    assert "“一件事”联办申请表" in text and flat(detail.case.values["enterprise.name"]) in text
