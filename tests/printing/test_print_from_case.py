"""Stored cases become the DocCase their documents print, and each decision gets its documents."""

from __future__ import annotations

import pytest
from print_helpers import pdf_text
from stored_cases import PROFILE, REASON, decided_case

from desktop.cases.clock import LOCAL_TZ
from desktop.cases.decisions import MaterialStatus
from desktop.cases.numbers import format_number
from desktop.cases.states import Decision
from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import MaterialForm
from desktop.forms.checklist import merge_checklist
from desktop.store.repo import Store
from printing.documents import DocKind, pdf_bytes
from printing.from_case import NotDecided, doc_case, document_file_name, documents_for, phone_of, window_label

BUNDLES = ["公民身后一件事", "企业开办", "新生儿出生", "二手房转移登记及水电气联动过户"]


EXPECTED = {
    Decision.ACCEPT: [DocKind.RECEIPT, DocKind.TRANSFER],
    Decision.DEFER: [DocKind.RECEIPT, DocKind.DEFERRED, DocKind.TRANSFER],
    Decision.NOTIFY: [DocKind.ONE_TIME],
    Decision.REJECT: [DocKind.REJECT],
}


@pytest.mark.parametrize("decision", list(Decision))
@pytest.mark.parametrize("bundle", BUNDLES)
def test_each_decision_gets_its_documents_and_each_prints_the_case_number(
    store: Store, idx: CatalogIndex, bundle: str, decision: Decision
) -> None:
    detail = decided_case(store, idx, bundle, decision)
    kinds = documents_for(detail.case, detail.items)
    assert kinds == EXPECTED[decision]
    doc = doc_case(detail, idx)
    for kind in kinds:
        text = pdf_text(pdf_bytes(kind, doc))
        assert doc.case_number in text.replace("\n", "")
        assert doc.applicant_name in text


def test_case_fields_come_from_the_stored_case_and_the_catalog(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "公民身后一件事", Decision.ACCEPT)
    case = detail.case
    doc = doc_case(detail, idx, consult_phone="024-12345678", supervise_phone="024-87654321")
    assert doc.case_number == format_number(case.number or "")
    assert doc.query_code == case.query_code and len(doc.query_code) == 6
    assert doc.bundle_name == "公民身后一件事" and doc.bundle_code == case.bundle_code
    assert doc.applicant_name == case.values["applicant.name"]
    id_number = case.values["applicant.id_number"]
    assert doc.applicant_id_masked == id_number[:6] + "*" * 8 + id_number[-4:]
    assert doc.phone == case.values["applicant.phone"]
    assert (doc.center_name, doc.division_code, doc.clerk) == (PROFILE.center_name, "210102004", PROFILE.clerk)
    assert doc.window == "3号窗口"
    assert doc.decided_at == (case.decided_at.astimezone(LOCAL_TZ).replace(tzinfo=None) if case.decided_at else None)
    assert doc.catalog_version == idx.version
    assert (doc.consult_phone, doc.supervise_phone) == ("024-12345678", "024-87654321")


def test_enterprise_is_the_applicant_of_a_company_bundle(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "企业开办", Decision.ACCEPT)
    doc = doc_case(detail, idx)
    assert detail.case.values.get("applicant.name") is None
    assert doc.applicant_name == detail.case.values["enterprise.name"]
    assert doc.applicant_name.endswith("有限公司")


def test_only_applying_items_are_printed_with_names_and_departments(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "公民身后一件事", Decision.ACCEPT)
    doc = doc_case(detail, idx)
    applying = [i for i in detail.items if i.applies]
    assert len(applying) < len(detail.items)  # the demo's situations leave some items out
    assert [i.code for i in doc.items] == [i.item_code for i in applying]
    for printed, stored in zip(doc.items, applying, strict=True):
        item = idx.items[stored.item_code]
        assert printed.name == item.name
        assert printed.department == idx.departments[item.department].name
        assert printed.promised_date == stored.promised_date
        assert printed.statutory_days == item.guide.statutory_days


def test_material_forms_and_copies_follow_the_merged_checklist(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "新生儿出生", Decision.ACCEPT, seed=11)
    doc = doc_case(detail, idx)
    codes = [i.item_code for i in detail.items if i.applies]
    checklist = {e.material.name: e for e in merge_checklist(idx, codes, detail.case.answers)}
    assert [m.name for m in doc.materials] == [r.name for r in detail.materials]
    for m in doc.materials:
        entry = checklist[m.name]
        if m.status is MaterialStatus.ELICENCE:
            assert m.form is MaterialForm.ELICENCE
        else:
            assert m.form.value == entry.form.value
            assert m.copies == max(1, entry.copies)


def test_a_material_for_some_items_names_them_and_a_shared_one_serves_all(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "公民身后一件事", Decision.ACCEPT)
    doc = doc_case(detail, idx)
    names = {i.name for i in doc.items}
    partial = [m for m in doc.materials if m.item_names]
    assert partial and all(set(m.item_names) < names for m in partial)
    shared = [m for m in doc.materials if not m.item_names]
    assert shared and all(m.serves(n) for m in shared for n in names)


def test_deferred_material_keeps_its_deadline_for_the_notice(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "企业开办", Decision.DEFER)
    doc = doc_case(detail, idx)
    [deferred] = doc.deferred
    [record] = [r for r in detail.materials if r.status == "deferred"]
    assert deferred.deadline == record.deadline and deferred.deadline is not None
    text = pdf_text(pdf_bytes(DocKind.DEFERRED, doc))
    assert deferred.name in text.replace("\n", "")


def test_one_time_notice_lists_the_missing_material(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "公民身后一件事", Decision.NOTIFY)
    doc = doc_case(detail, idx)
    [missing] = doc.outstanding
    assert missing.status is MaterialStatus.MISSING
    assert missing.name[:6] in pdf_text(pdf_bytes(DocKind.ONE_TIME, doc))


def test_rejection_carries_the_reason(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "企业开办", Decision.REJECT)
    doc = doc_case(detail, idx)
    assert doc.reject_reason == REASON
    assert REASON in pdf_text(pdf_bytes(DocKind.REJECT, doc))


def test_transfer_slip_has_one_page_per_department(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "企业开办", Decision.ACCEPT)
    doc = doc_case(detail, idx)
    text = pdf_text(pdf_bytes(DocKind.TRANSFER, doc))
    for department in doc.departments:
        assert f"接收部门：{department}" in text


def test_a_draft_has_nothing_to_print(store: Store, idx: CatalogIndex) -> None:
    case = store.new_draft("LNYJS003", idx.version, PROFILE)
    assert documents_for(case) == []
    with pytest.raises(NotDecided):
        doc_case(store.get(case.id), idx)


def test_items_left_out_of_a_newer_catalog_still_print_with_their_codes(store: Store, idx: CatalogIndex) -> None:
    detail = decided_case(store, idx, "公民身后一件事", Decision.ACCEPT)
    gone = next(i.item_code for i in detail.items if i.applies)
    older = idx.catalog.model_copy(update={"items": [i for i in idx.catalog.items if i.code != gone]})
    doc = doc_case(detail, CatalogIndex(older))
    assert gone in [i.name for i in doc.items]
    assert doc.case_number in pdf_text(pdf_bytes(DocKind.RECEIPT, doc)).replace("\n", "")


def test_phone_prefers_the_applicant_then_the_enterprise() -> None:
    assert phone_of({"enterprise.phone": "024-1", "applicant.phone": "138"}) == "138"
    assert phone_of({"enterprise.phone": "024-1", "agent.phone": "139"}) == "024-1"
    assert phone_of({"father.phone": "137"}) == "137"
    assert phone_of({}) == ""


def test_window_labels_and_file_names(store: Store, idx: CatalogIndex) -> None:
    assert window_label("03") == "3号窗口" and window_label("91") == "外勤设备91"
    doc = doc_case(decided_case(store, idx, "企业开办", Decision.ACCEPT), idx)
    assert document_file_name(DocKind.RECEIPT, doc) == f"受理回执_{doc.case_number}.pdf"
