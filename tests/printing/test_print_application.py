"""《“一件事”联办申请表》: the merged form printed for signature, for every bundle, decided or still a draft."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from print_helpers import decode_texts, flat, head_band, pdf_pages, pdf_text, rasterize
from pypdf import PdfReader
from stored_cases import PROFILE, bundle_code

from desktop.cases.numbers import format_number
from desktop.cases.states import Decision
from desktop.catalog.schema import FieldKind
from desktop.services import demo
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.services.intake import open_intake, save_draft
from desktop.store.repo import CaseDetail
from printing.documents import application_form_pdf
from printing.from_case import application_form, application_form_of_case, form_groups, format_value
from printing.model import DocCase, FormGroup
from printing.sample import SAMPLE_HALL, sample_case

BUNDLE_CODES = [f"LNYJS{n:03d}" for n in range(1, 36)]


def _decided(hall: Hall, shipped: CatalogInUse, code: str, seed: int = 7) -> CaseDetail:
    session = demo.sample_session(shipped, code, hall.clock, seed)
    demo.mark_all(session, "accept", random.Random(seed))
    assert session.assessment().allowed(Decision.ACCEPT), session.assessment().why_not(Decision.ACCEPT)
    case = demo.decide_session(hall, shipped, session, Decision.ACCEPT, PROFILE)
    return hall.store.get(case.id)


def _demo_case(hall: Hall, shipped: CatalogInUse, code: str, seed: int = 7) -> CaseDetail:
    """The demo case of ``code``: accepted when the demo's values let it be, else kept as the draft it is."""
    session = demo.sample_session(shipped, code, hall.clock, seed)
    demo.mark_all(session, "accept", random.Random(seed))
    if session.assessment().allowed(Decision.ACCEPT):
        case = demo.decide_session(hall, shipped, session, Decision.ACCEPT, PROFILE)
        return hall.store.get(case.id)
    opened = open_intake(hall, shipped, code, PROFILE)
    save_draft(hall, opened.case_id, session)
    return hall.store.get(opened.case_id)


@pytest.mark.parametrize("code", BUNDLE_CODES)
def test_every_value_of_the_demo_case_of_each_bundle_is_printed(hall: Hall, shipped: CatalogInUse, code: str) -> None:
    idx = shipped.index
    assert code in idx.bundles
    detail = _demo_case(hall, shipped, code)
    pdf = application_form_of_case(detail, idx, hall=SAMPLE_HALL, clock=hall.clock)
    text = flat(pdf_text(pdf))
    values = detail.case.values
    assert values
    for key, value in values.items():
        element = idx.elements[key]
        assert flat(element.label) in text, element.label
        assert flat(format_value(element, value)) in text, (key, value)
        # Independently of the formatting: what the applicant typed stands on paper as typed.
        if element.kind in (FieldKind.TEXT, FieldKind.ID_NUMBER, FieldKind.USCC, FieldKind.PHONE, FieldKind.CHOICE):
            assert flat(str(value)) in text, (key, value)
        if element.kind is FieldKind.ADDRESS:
            assert flat(value["detail"]) in text, (key, value)
    doc, _ = application_form(detail, idx, clock=hall.clock)
    assert doc.items
    for item in doc.items:
        assert flat(item.name) in text
    assert idx.bundles[code].name in text
    assert "申请人承诺" in text and "真实、完整" in text
    assert f"受理人（签字）：{PROFILE.clerk}" in text
    assert "（签字）" in text.replace(f"受理人（签字）：{PROFILE.clerk}", "")  # a party signs, not only the clerk


def test_groups_follow_the_merged_form_and_parties_sign(hall: Hall, shipped: CatalogInUse) -> None:
    idx = shipped.index
    code = bundle_code(idx, "新生儿出生")
    session = demo.sample_session(shipped, code, hall.clock, 7)
    if "by_agent" in session.answers:
        session.set_answer("by_agent", "agent")
        demo.fill(session, random.Random(7))
    groups = form_groups(idx, session.form, session.effective_values())
    assert [g.title for g in groups] == [g.label for g in session.form.groups]
    assert [len(g.rows) for g in groups] == [len(g.fields) for g in session.form.groups]
    signers = {g.title: g.signer for g in groups}
    assert signers["申请人"] == "申请人"
    assert signers.get("新生儿", "") == ""  # the subject of the matter signs nothing
    assert signers.get("结果送达", "") == ""
    if "代办人" in signers:
        assert signers["代办人"] == "代办人"
    text = flat(pdf_text(application_form_pdf(_doc_of(hall, shipped, code), groups)))
    assert "申请人（签字）" in text
    assert "新生儿（签字）" not in text


def _doc_of(hall: Hall, shipped: CatalogInUse, code: str) -> DocCase:
    doc, _ = application_form(_decided(hall, shipped, code), shipped.index, clock=hall.clock)
    return doc


def test_an_enterprise_seals_and_its_legal_representative_signs(hall: Hall, shipped: CatalogInUse) -> None:
    detail = _decided(hall, shipped, bundle_code(shipped.index, "企业开办"))
    text = flat(pdf_text(application_form_of_case(detail, shipped.index, clock=hall.clock)))
    assert "企业（盖章）" in text
    assert "法定代表人（签字）" in text


def test_a_decided_form_carries_the_case_number_as_a_barcode(hall: Hall, shipped: CatalogInUse, tmp_path: Path) -> None:
    detail = _decided(hall, shipped, bundle_code(shipped.index, "公民身后一件事"))
    pdf = application_form_of_case(detail, shipped.index, clock=hall.clock)
    assert detail.case.number is not None
    first = rasterize(pdf, tmp_path, dpi=200)[0]
    assert decode_texts(head_band(Image.open(first)), "CODE128") == [detail.case.number]
    assert format_number(detail.case.number) in flat(pdf_text(pdf))  # grouped for the eye beside it


def test_a_draft_prints_pending_with_its_reference_and_no_barcode(
    hall: Hall, shipped: CatalogInUse, tmp_path: Path
) -> None:
    code = bundle_code(shipped.index, "公民身后一件事")
    opened = open_intake(hall, shipped, code, PROFILE)
    demo.fill(opened.session, random.Random(5))
    save_draft(hall, opened.case_id, opened.session)
    detail = hall.store.get(opened.case_id)
    assert detail.case.number is None and not detail.items
    doc, groups = application_form(detail, shipped.index, clock=hall.clock)
    pdf = application_form_pdf(doc, groups)
    text = flat(pdf_text(pdf))
    ref = str(opened.case_id).split("-")[0].upper()
    assert f"受理编号：待受理（草稿{ref}）" in text
    assert "填表日期" in text and "申请日期" not in text
    assert [i.code for i in doc.items] == opened.session.items  # the items its answers make apply
    assert all(flat(format_value(shipped.index.elements[k], v)) in text for k, v in detail.case.values.items())
    pages = rasterize(pdf, tmp_path, dpi=150)
    assert decode_texts(head_band(Image.open(pages[0])), "CODE128") == []


def test_notify_and_commit_items_add_their_commitment(hall: Hall, shipped: CatalogInUse) -> None:
    idx = shipped.index
    code = bundle_code(idx, "人力资源服务")
    detail = _decided(hall, shipped, code)
    doc, groups = application_form(detail, idx, clock=hall.clock)
    committed = [i for i in doc.items if i.notify_commit]
    assert committed, "人力资源服务许可审批 is done on the applicant's commitment"
    text = flat(pdf_text(application_form_pdf(doc, groups)))
    assert "告知承诺制" in text and flat(committed[0].name) in text and "不实承诺的法律责任" in text
    assert "告知承诺" in text  # the item's 办理方式 column
    assert "《中华人民共和国行政许可法》第三十一条" in text  # a 行政许可 among the items
    plain = replace(doc, items=tuple(replace(i, notify_commit=False) for i in doc.items))
    assert "告知承诺制" not in flat(pdf_text(application_form_pdf(plain, groups)))


def test_long_values_wrap_whole_and_pages_after_the_first_repeat_the_header(hall: Hall, shipped: CatalogInUse) -> None:
    detail = _decided(hall, shipped, bundle_code(shipped.index, "军人退役"))
    doc, groups = application_form(detail, shipped.index, clock=hall.clock)
    long_value = "辽宁省沈阳市和平区南京南街" + "一二三四五六七八九十" * 30 + "号（终）"
    extra = tuple(FormGroup(f"补充信息{n}", tuple((f"说明{n}-{k}", long_value) for k in range(3))) for n in range(4))
    pdf = application_form_pdf(doc, (*groups, *extra))
    assert pdf_pages(pdf) >= 3
    pages = [flat(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]
    header = flat(f"“一件事”联办申请表 · 军人退役 · 受理编号：{doc.case_number}")
    assert header not in pages[0]  # the first page has the title itself
    for page in pages[1:]:
        assert header in page
    text = "".join(pages)
    assert text.count(flat(long_value)) == 12  # every one whole: nothing clipped


def test_markup_in_values_prints_as_typed() -> None:
    groups = (FormGroup("申请人", (("姓名", "张<b>&三"), ("备注", "a < b & c > d")), "申请人"),)
    text = flat(pdf_text(application_form_pdf(sample_case(), groups)))
    assert "张<b>&三" in text and flat("a < b & c > d") in text
