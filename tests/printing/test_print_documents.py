import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from print_helpers import pdf_pages, pdf_text
from pypdf import PdfReader

from desktop.cases.decisions import MaterialStatus
from desktop.catalog.schema import MaterialForm
from printing.documents import (
    DocKind,
    deferred_notice_pdf,
    one_time_notice_pdf,
    pdf_bytes,
    receipt_pdf,
    rejection_notice_pdf,
    render,
    transfer_slip_pdf,
)
from printing.model import DocCase, DocItem, DocMaterial, mask_id_number


def _flat(text: str) -> str:
    # pypdf breaks lines where the layout wraps; compare without whitespace.
    return "".join(text.split())


def test_receipt_shows_number_items_departments_deadlines_materials_and_phones(doc: DocCase) -> None:
    text = _flat(pdf_text(receipt_pdf(doc)))
    for expected in (
        "受理回执",
        "210102000-03-250926-0012-O",
        "583920",
        "新生儿出生一件事",
        "出生医学证明办理",
        "沈阳市公安局和平分局",
        "2025年10月10日",  # 户口登记: 5 working days across 国庆 2025
        "2025年9月28日",  # the adjusted Sunday counts
        "父母双方居民身份证",
        "原件验",
        "2份",
        "电子证照免提交",
        "3号综合窗口",
        "李娜",
        "监督电话：024-22863100",
        "（印章）",
        "样例办事指南",
        "2025.09-sample",
    ):
        assert expected in text, expected


def test_receipt_never_prints_the_full_id_number(doc: DocCase) -> None:
    text = _flat(pdf_text(receipt_pdf(doc)))
    assert "110105********002X" in text
    assert "11010519491231002X" not in text


def test_id_masking_keeps_first_six_and_last_four() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number(mask_id_number("11010519491231002X")) == "110105********002X"
    assert mask_id_number("12345") == "*****"


def test_ordinary_receipt_fits_one_page(doc: DocCase) -> None:
    assert pdf_pages(receipt_pdf(doc)) == 1


def test_estimated_deadline_is_marked_yuji(doc: DocCase) -> None:
    item = DocItem("测试事项", "测试部门", 3, date(2027, 1, 6), estimated=True, statutory_days=20)
    text = _flat(pdf_text(receipt_pdf(replace(doc, items=(item,)))))
    assert "2027年1月6日（预计）" in text


def test_deferred_notice_has_two_copies_with_deadline_consequence_and_commitment(doc: DocCase) -> None:
    pdf = deferred_notice_pdf(doc)
    pages = [_flat(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 2
    assert "申请人留存联" in pages[0] and "窗口存档联" in pages[1]
    for page in pages:
        assert "容缺受理通知书" in page
        assert "分娩医院出具的住院病历首页" in page
        assert "复印件" in page
        assert "2025年10月10日" in page
        assert "逾期未补齐" in page and "终止办理" in page
        assert "申请人（签字）" in page and "受理人（签字）：李娜" in page


def test_deferred_notice_says_how_to_supply_and_that_the_result_waits_for_the_material(doc: DocCase) -> None:
    text = _flat(pdf_text(deferred_notice_pdf(doc)))
    assert "现场提交：携本通知书到沈阳市和平区政务服务中心（沈阳市和平区南京南街1号）3号综合窗口提交" in text
    assert "邮寄提交：寄至" in text and "注明受理编号" in text
    assert "网上提交：扫描受理回执二维码或登录https://zwfw.example.cn/yjs" in text
    assert "补齐并经核验无误后，方出具办理结果" in text
    # It names the item accepted on a deferral, not every item of the case.
    assert "“出生医学证明办理”主要申请材料齐全" in text
    assert "“社会保障卡申领”主要申请材料齐全" not in text


def test_deferred_notice_without_a_base_url_offers_no_online_way(doc: DocCase) -> None:
    text = _flat(pdf_text(deferred_notice_pdf(replace(doc, hall=replace(doc.hall, receipt_base_url="")))))
    assert "现场提交" in text and "邮寄提交" in text and "网上提交" not in text


def test_one_time_notice_lists_everything_missing(doc: DocCase) -> None:
    text = _flat(pdf_text(one_time_notice_pdf(doc)))
    assert "一次性告知书" in text
    assert "分娩医院出具的住院病历首页" in text
    assert "参保人银行账户信息" in text
    assert "需本人签字" in text
    assert "父母双方居民身份证" not in text
    assert "告知人（签字）：李娜" in text and "申请人（签收）" in text


def test_rejection_notice_gives_reason_and_appeal_rights(doc: DocCase) -> None:
    text = _flat(pdf_text(rejection_notice_pdf(doc)))
    assert "不予受理通知书" in text
    assert "出生医学证明与医院登记信息不一致" in text
    assert (
        "六十日内" in text and "《中华人民共和国行政复议法》" in text and "向沈阳市和平区人民政府申请行政复议" in text
    )
    assert (
        "六个月内" in text and "《中华人民共和国行政诉讼法》" in text and "向沈阳市和平区人民法院提起行政诉讼" in text
    )
    assert "申请人（签收）" in text


def test_transfer_slips_one_per_department_with_its_items_and_materials(doc: DocCase) -> None:
    pdf = transfer_slip_pdf(doc)
    pages = [_flat(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == len(doc.departments) == 4
    police = next(p for p in pages if "接收部门：沈阳市公安局和平分局" in p)
    assert "户口登记（出生登记）" in police
    assert "结婚证" in police  # tied to 户口登记
    assert "出生医学证明申请表" not in police  # tied to another department's item
    assert "社会保障卡申领" not in police
    assert "移交" in police and "接收" in police and "经办人（签字）" in police


def test_transfer_slip_gives_full_identifiers_deadlines_result_columns_and_internal_results(doc: DocCase) -> None:
    pages = [_flat(p.extract_text()) for p in PdfReader(io.BytesIO(transfer_slip_pdf(doc))).pages]
    health = next(p for p in pages if "接收部门：沈阳市和平区卫生健康局" in p)
    assert "11010519491231002X" in health  # in full for the receiving department
    assert "440524188001010014" in health  # the mother's, too
    assert "容缺后补2025年10月10日" in health  # the deferred material with its 补齐期限
    assert "办理结果" in health and "退回原因" in health and "□办结□退回" in health
    assert "将「出生医学证明」推送至沈阳市公安局和平分局、沈阳市和平区医疗保障局" in health
    police = next(p for p in pages if "接收部门：沈阳市公安局和平分局" in p)
    assert "所需「出生医学证明」由沈阳市和平区卫生健康局“出生医学证明办理”办结后推送" in police
    assert "内部流转（由「出生医学证明办理」产生）" in police
    # Only the slip carries the full number: the applicant's receipt masks it.
    assert "11010519491231002X" not in _flat(pdf_text(receipt_pdf(doc)))


def test_single_department_slip(doc: DocCase) -> None:
    text = _flat(pdf_text(transfer_slip_pdf(doc, "沈阳市和平区医疗保障局")))
    assert "城乡居民基本医疗保险参保登记" in text
    assert "社会保障卡申领" not in text and "预防接种证办理" not in text


def _long_case(doc: DocCase, n: int) -> DocCase:
    items = tuple(DocItem(f"第{i}号事项", "沈阳市公安局和平分局", 5, date(2025, 10, 10)) for i in range(1, n + 1))
    materials = tuple(
        DocMaterial(f"第{i}号{label}材料", MaterialForm.COPY, 1, status, date(2025, 10, 10))
        for label, status in (("收取", MaterialStatus.RECEIVED), ("容缺", MaterialStatus.DEFERRED))
        for i in range(1, n + 1)
    )
    return replace(doc, items=doc.items + items, materials=doc.materials + materials)


LAST_ROWS = {
    DocKind.RECEIPT: ("第60号事项", "第60号收取材料"),
    DocKind.DEFERRED: ("第60号容缺材料",),
    DocKind.ONE_TIME: ("第60号容缺材料",),
    DocKind.REJECT: ("第60号事项",),
    DocKind.TRANSFER: ("第60号事项", "第60号收取材料", "第60号容缺材料"),
    DocKind.APPLICATION: ("第60号事项",),
}


@pytest.mark.parametrize("kind", list(DocKind))
def test_long_lists_flow_onto_further_pages(doc: DocCase, kind: DocKind) -> None:
    short, long = pdf_bytes(kind, doc), pdf_bytes(kind, _long_case(doc, 60))
    assert pdf_pages(long) > pdf_pages(short)
    text = _flat(pdf_text(long))
    for row in LAST_ROWS[kind]:
        assert row in text


@pytest.mark.parametrize("kind", list(DocKind))
def test_every_document_embeds_only_a_truetype_subset_of_wqy_microhei(doc: DocCase, kind: DocKind) -> None:
    pdf = pdf_bytes(kind, doc)
    assert b"STSong" not in pdf
    fonts = [f.get_object() for page in PdfReader(io.BytesIO(pdf)).pages for f in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        prefix, _, name = str(font["/BaseFont"]).lstrip("/").partition("+")
        assert len(prefix) == 6 and prefix.isupper(), font["/BaseFont"]
        assert "MicroHei" in name
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_markup_characters_in_data_are_printed_not_interpreted(doc: DocCase) -> None:
    odd = replace(doc, applicant_name="张<b>&三", reason="理由 <font>&amp;")
    text = _flat(pdf_text(rejection_notice_pdf(odd)))
    assert "张<b>&三" in text and "理由<font>&amp;" in text


def test_empty_case_still_renders_every_document(doc: DocCase) -> None:
    empty = replace(doc, items=(), materials=(), reason="")
    for kind in DocKind:
        assert pdf_bytes(kind, empty).startswith(b"%PDF")


def test_non_ascii_case_number_prints_without_barcode(doc: DocCase) -> None:
    text = _flat(pdf_text(receipt_pdf(replace(doc, case_number="辽2025受字第12号"))))
    assert "辽2025受字第12号" in text


def test_render_writes_the_file_and_accepts_kind_names(doc: DocCase, tmp_path: Path) -> None:
    path = render("one-time", doc, tmp_path / "notice.pdf")
    assert path.read_bytes() == one_time_notice_pdf(doc)
    with pytest.raises(ValueError):
        pdf_bytes("nonsense", doc)


def test_documents_are_reproducible(doc: DocCase) -> None:
    assert receipt_pdf(doc) == receipt_pdf(doc)
