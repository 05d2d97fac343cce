"""Layout of the printed documents: a typical receipt on one page, seal text inside its circle, status words."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest
from print_helpers import pdf_pages, pdf_text
from reportlab.pdfbase.pdfmetrics import stringWidth
from stored_cases import decided_case

from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import Decision
from desktop.catalog.schema import MaterialForm
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from printing.documents import one_time_notice_pdf, receipt_pdf
from printing.from_case import doc_case
from printing.layout import styles
from printing.model import DocCase, DocItem, DocMaterial, status_label
from printing.sample import SAMPLE_HALL
from printing.seal import INSET, SEAL_LABEL, SEAL_RADIUS, fit_seal_text

LONG_CENTER = "沈阳市和平区南湖街道便民服务中心"


def _flat(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("decision", [Decision.ACCEPT, Decision.DEFER])
def test_receipt_of_a_typical_stored_case_is_one_page(hall: Hall, shipped: CatalogInUse, decision: Decision) -> None:
    detail = decided_case(hall, shipped, "公民身后一件事", decision)
    doc = replace(doc_case(detail, shipped.index, hall=SAMPLE_HALL), center_name=LONG_CENTER)
    assert len(doc.items) == 5 and 7 <= len(doc.taken) + len(doc.outstanding) <= 8 and doc.internal
    assert pdf_pages(receipt_pdf(doc)) == 1


def test_receipt_of_a_long_case_still_flows_onto_a_second_page(doc: DocCase) -> None:
    materials = tuple(DocMaterial(f"第{n}号申请材料", MaterialForm.COPY) for n in range(30))
    assert pdf_pages(receipt_pdf(replace(doc, materials=materials))) >= 2


def _fits_circle(text: str, size: float, y: float) -> bool:
    # Measured here, independently of the layout code: the line's box against the circle's chord.
    font = styles().font
    inner = SEAL_RADIUS - INSET
    reach = max(abs(y + 0.88 * size), abs(y - 0.12 * size))
    return reach < inner and stringWidth(text, font, size) / 2 <= math.sqrt(inner**2 - reach**2)


@pytest.mark.parametrize(
    "center",
    [
        LONG_CENTER,
        "和平区政务服务中心",
        "大连市甘井子区人民政府政务服务中心",
        "沈阳市和平区南湖街道便民服务中心浑河站东路分中心",
    ],
)
def test_seal_text_lies_inside_the_seal_circle(center: str) -> None:
    lines = fit_seal_text(center, "2026年11月28日", styles().font)
    assert lines[0].text == SEAL_LABEL and lines[-1].text == "2026年11月28日"
    assert "".join(line.text for line in lines[1:-1]) == center
    for line in lines:
        assert _fits_circle(line.text, line.size, line.y), line
    assert min(line.size for line in lines[1:]) >= 8


def test_long_center_name_breaks_after_its_place_names() -> None:
    lines = fit_seal_text(LONG_CENTER, "2026年11月28日", styles().font)
    assert [line.text for line in lines[1:-1]] == ["沈阳市和平区", "南湖街道", "便民服务中心"]


def test_a_short_center_name_keeps_one_line() -> None:
    lines = fit_seal_text("政务服务中心", "2026年11月28日", styles().font)
    assert [line.text for line in lines[1:-1]] == ["政务服务中心"]


def test_seal_lines_are_printed_on_the_receipt(doc: DocCase) -> None:
    text = pdf_text(receipt_pdf(replace(doc, center_name=LONG_CENTER)))
    assert "南湖街道" in [line.strip() for line in text.splitlines()]


def test_kept_original_marked_checked_prints_as_received() -> None:
    assert status_label(MaterialForm.ORIGINAL_KEPT, MaterialStatus.CHECKED) == "已收取原件"
    assert status_label(MaterialForm.ORIGINAL_KEPT, MaterialStatus.RECEIVED) == "已收取原件"
    assert status_label(MaterialForm.ORIGINAL_CHECKED, MaterialStatus.CHECKED) == "已核验"
    assert status_label(MaterialForm.COPY, MaterialStatus.CHECKED) == "已收取"
    assert status_label(MaterialForm.ELICENCE, MaterialStatus.ELICENCE) == "电子证照免提交"


def test_receipt_prints_the_kept_original_as_received(doc: DocCase) -> None:
    kept = DocMaterial("居民死亡医学证明（推断）书", MaterialForm.ORIGINAL_KEPT, 1, MaterialStatus.CHECKED)
    shown = DocMaterial("居民户口簿", MaterialForm.ORIGINAL_CHECKED, 1, MaterialStatus.CHECKED)
    text = _flat(pdf_text(receipt_pdf(replace(doc, materials=(kept, shown)))))
    assert "原件收1份已收取原件" in text
    assert "原件验1份已核验" in text


def test_the_estimate_tip_appears_only_when_a_date_is_estimated(doc: DocCase) -> None:
    known = DocItem("测试事项", "测试部门", 3, date(2025, 10, 13), estimated=False, statutory_days=20)
    guessed = replace(known, promised_date=date(2099, 1, 6), estimated=True)
    assert "预计" not in pdf_text(receipt_pdf(replace(doc, items=(known,))))
    assert "按周一至周五推算" in _flat(pdf_text(receipt_pdf(replace(doc, items=(known, guessed)))))


def test_a_notice_without_a_name_addresses_the_applicant(doc: DocCase) -> None:
    text = pdf_text(one_time_notice_pdf(replace(doc, applicant_name="")))
    assert "申请人：" in [line.strip() for line in text.splitlines()]
