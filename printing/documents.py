"""The printed documents of a case, one function each, returning PDF bytes (A4, Simplified Chinese)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table

from desktop.cases.decisions import MaterialStatus
from desktop.catalog.schema import MaterialForm
from printing.layout import (
    BODY_W,
    SAMPLE_NOTE,
    CopyLabel,
    build_pdf,
    cn_date,
    esc,
    fields,
    grid,
    para,
    signature_line,
    styles,
    table_style,
)
from printing.model import DocCase, DocItem, DocMaterial, status_label
from printing.payload import format_receipt_payload
from printing.qr import QrFlowable, code128
from printing.seal import SealBlock

ADMIN_LICENSING_LAW = "《中华人民共和国行政许可法》"
RECONSIDERATION_LAW = "《中华人民共和国行政复议法》"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"


class DocKind(StrEnum):
    """The documents a window prints; values are the CLI names."""

    RECEIPT = "receipt"
    DEFERRED = "deferred"
    ONE_TIME = "one-time"
    REJECT = "reject"
    TRANSFER = "transfer"


TITLES: dict[DocKind, str] = {
    DocKind.RECEIPT: "受理回执",
    DocKind.DEFERRED: "容缺受理通知书",
    DocKind.ONE_TIME: "一次性告知书",
    DocKind.REJECT: "不予受理通知书",
    DocKind.TRANSFER: "部门流转单",
}


# ---- pieces ---------------------------------------------------------------------------------------


def _footer(doc: DocCase) -> str:
    return f"目录版本 {doc.catalog_version}  ·  {SAMPLE_NOTE}，事项内容以正式办事指南为准"


def _head(kind: DocKind, doc: DocCase, subtitle: str = "", barcode: bool = False) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [para(esc(doc.center_name), s.number), para(TITLES[kind], s.title)]
    if subtitle:
        out.append(para(esc(subtitle), s.subtitle))
    number = f"受理编号：{esc(doc.case_number)}"
    if barcode and doc.case_number.isascii():
        # Number at the left, its Code 128 at the right: one line instead of two.
        bar = code128(doc.case_number, height=9 * mm, bar_width=0.3 * mm)
        row = Table([[para(number, s.cell_left12), bar]], colWidths=[BODY_W / 2, BODY_W / 2])
        row.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        out.append(row)
    else:
        out.append(para(number, s.number))
    out.append(_rule())
    return out


def _rule() -> Table:
    line = Table([[""]], colWidths=[BODY_W], rowHeights=[2 * mm])
    line.setStyle(table_style([("LINEBELOW", (0, 0), (-1, -1), 1.2, "black")]))
    return line


def _days(days: int | None) -> str:
    if days is None:
        return "—"
    return "即办" if days == 0 else f"{days}个工作日"


def _promised(item: DocItem) -> str:
    if item.promised_date is None:
        return "—"
    return cn_date(item.promised_date) + ("\n（预计）" if item.estimated else "")


def _copies(m: DocMaterial) -> str:
    return "—" if m.form == MaterialForm.ELICENCE else f"{m.copies}份"


def _item_rows(items: tuple[DocItem, ...]) -> list[list[str]]:
    return [
        [str(n), it.name, it.department, _days(it.statutory_days), _days(it.promised_days), _promised(it)]
        for n, it in enumerate(items, start=1)
    ]


def _items_table(items: tuple[DocItem, ...]) -> Table:
    header = ["序号", "事项名称", "承办部门", "法定时限", "承诺时限", "承诺办结日期"]
    widths = [10 * mm, 51 * mm, 37 * mm, 20 * mm, 20 * mm, 28 * mm]
    return grid(header, _item_rows(items), widths, center=(0, 3, 4, 5))


def _taken_table(materials: tuple[DocMaterial, ...]) -> Table:
    rows = [
        [str(n), m.name, str(m.form), _copies(m), status_label(m.form, m.status)]
        for n, m in enumerate(materials, start=1)
    ]
    widths = [10 * mm, 86 * mm, 22 * mm, 14 * mm, 34 * mm]
    return grid(["序号", "材料名称", "收取方式", "份数", "状态"], rows, widths, center=(0, 2, 3, 4))


def _outstanding_table(materials: tuple[DocMaterial, ...], with_status: bool) -> Table:
    rows = []
    for n, m in enumerate(materials, start=1):
        note = m.note or ("容缺后补" if m.status == MaterialStatus.DEFERRED else "")
        row = [str(n), m.name, str(m.form), _copies(m), cn_date(m.deadline) if m.deadline else "—"]
        rows.append([*row, "、".join(m.item_names) or "全部事项", *([note] if with_status else [])])
    if with_status:
        widths = [11 * mm, 41 * mm, 20 * mm, 12 * mm, 30 * mm, 30 * mm, 22 * mm]
        header = ["序号", "材料名称", "提交形式", "份数", "补齐期限", "涉及事项", "说明"]
    else:
        widths = [11 * mm, 49 * mm, 20 * mm, 14 * mm, 32 * mm, 40 * mm]
        header = ["序号", "缺少材料", "提交形式", "份数", "补齐期限", "涉及事项"]
    return grid(header, rows, widths, center=(0, 2, 3, 4))


def _heading(text: str) -> Flowable:
    return para(text, styles().heading)


def _body(text: str) -> Flowable:
    return para(text, styles().body)


def _salutation(doc: DocCase) -> Flowable:
    # A case told to come back (一次性告知) may have no name yet: address the applicant, not a bare colon.
    return para(f"{esc(doc.applicant_name.strip() or '申请人')}：", styles().salutation)


def _receipt_tips(doc: DocCase) -> list[Flowable]:
    """The closing tips of a receipt, small and numbered; the 预计 note only when a date is estimated."""
    counting = "2. 承诺办结日期按工作日计算，不含周末和法定节假日，调休上班日计入。"
    if any(item.estimated for item in doc.items):
        counting += "注明“预计”的日期，当年节假日安排尚未公布，按周一至周五推算，以实际为准。"
    tips = [
        "温馨提示：",
        "1. 请妥善保管本回执，查询、领取结果时出示本回执或提供受理编号和查询码。",
        counting,
        "3. " + _phone_text(doc),
    ]
    return [para(text, styles().tip) for text in tips]


def _phone_text(doc: DocCase) -> str:
    return f"咨询电话：{esc(doc.consult_phone)}；监督电话：{esc(doc.supervise_phone)}。"


def _phones(doc: DocCase) -> Flowable:
    return _body(_phone_text(doc))


def _ending(doc: DocCase) -> Flowable:
    closing = Spacer(0, 4 * mm)
    return KeepTogether([closing, SealBlock(doc.center_name, doc.decided_at.date())])


def _applied(doc: DocCase) -> str:
    # The number stands in the heading above; inline, its colon could start a line when the text wraps.
    return f"您于{cn_date(doc.decided_at.date())}申请办理的“{esc(doc.bundle_name)}”"


# ---- documents ------------------------------------------------------------------------------------


def receipt_pdf(doc: DocCase) -> bytes:
    """受理回执: case number as Code 128 and QR, items with promised dates, materials taken, who and where."""
    s = styles()
    story = _head(DocKind.RECEIPT, doc, barcode=True)
    info = fields(
        [
            ("申请人", doc.applicant_name),
            ("证件号码", doc.applicant_id_masked),
            ("联系电话", doc.phone),
            ("查询码", doc.query_code),
            ("一件事", doc.bundle_name),
            ("事项编码", doc.bundle_code),
            ("受理时间", doc.decided_at.strftime("%Y-%m-%d %H:%M")),
            ("区划代码", doc.division_code),
            ("受理窗口", doc.window),
            ("受理人", doc.clerk),
        ],
        widths=(20 * mm, 40 * mm, 20 * mm, 46 * mm),
    )
    qr = Table(
        [
            [QrFlowable(format_receipt_payload(doc.case_number, doc.query_code), 34 * mm)],
            [para("扫码调取办件", s.small)],
        ],
        colWidths=[38 * mm],
    )
    qr.setStyle(table_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    top = Table([[info, qr]], colWidths=[128 * mm, BODY_W - 128 * mm])
    top.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    story += [Spacer(0, 1 * mm), top, _salutation(doc)]
    when = cn_date(doc.decided_at.date())
    story.append(_body(f"您申请办理的“{esc(doc.bundle_name)}”已于{when}受理，受理情况如下："))
    story += [_heading("一、办理事项及承诺办结日期"), _items_table(doc.items)]
    story += [_heading("二、已收取的申请材料"), _taken_table(doc.taken)]
    if doc.deferred:
        story.append(Spacer(0, 1 * mm))
        story.append(_body(f"另有{len(doc.deferred)}项材料予以容缺受理，补齐要求及期限详见《容缺受理通知书》。"))
    # Tips beside the seal keep an ordinary receipt on one page.
    closing = Table(
        [[_receipt_tips(doc), SealBlock(doc.center_name, doc.decided_at.date(), height=30 * mm)]],
        colWidths=[120 * mm, BODY_W - 120 * mm],
    )
    closing.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(closing)
    return _build(DocKind.RECEIPT, doc, story)


def _deferred_copy(doc: DocCase, label: str) -> list[Flowable]:
    deadlines = [m.deadline for m in doc.deferred if m.deadline]
    by = f"于{cn_date(max(deadlines))}前" if deadlines else "在窗口告知的期限内"
    story: list[Flowable] = [CopyLabel(label), *_head(DocKind.DEFERRED, doc, f"（{label}）"), _salutation(doc)]
    story.append(
        _body(
            f"{_applied(doc)}，经审查，主要申请材料齐全、符合法定形式，部分非关键材料暂缺。"
            f"根据容缺受理有关规定，本中心予以容缺受理。请您{by}按下表要求补齐材料："
        )
    )
    story += [Spacer(0, 2 * mm), _outstanding_table(doc.deferred, with_status=False)]
    story.append(_heading("逾期未补齐的处理"))
    story.append(
        _body(
            "逾期未补齐上述材料的，视为申请人放弃容缺受理，已受理的事项终止办理并作退件处理，"
            "已收取的材料退还申请人；再次申请的，须提交齐全的申请材料。"
        )
    )
    story.append(_heading("申请人承诺"))
    story.append(
        _body(
            "本人已知晓上述缺少的材料、提交形式和补齐期限，承诺在期限内补齐，并对所提交材料的真实性负责；"
            "逾期未补齐的，同意按上述规定处理。"
        )
    )
    story += [Spacer(0, 3 * mm), signature_line("申请人"), Spacer(0, 3 * mm), _phones(doc), _ending(doc)]
    return story


def deferred_notice_pdf(doc: DocCase) -> bytes:
    """容缺受理通知书 in two copies on separate pages: 申请人留存联 and 窗口存档联."""
    story = [*_deferred_copy(doc, "申请人留存联"), PageBreak(), *_deferred_copy(doc, "窗口存档联")]
    return _build(DocKind.DEFERRED, doc, story)


def one_time_notice_pdf(doc: DocCase) -> bytes:
    """一次性告知书: every missing or deferred material, told once (行政许可法 第三十二条)."""
    story = [*_head(DocKind.ONE_TIME, doc), _salutation(doc)]
    story.append(
        _body(
            f"{_applied(doc)}，经审查，申请材料不齐全或者不符合法定形式。"
            f"根据{ADMIN_LICENSING_LAW}第三十二条的规定，现将需要补正的全部内容一次性告知如下："
        )
    )
    story += [Spacer(0, 2 * mm), _outstanding_table(doc.outstanding, with_status=True), Spacer(0, 2 * mm)]
    story.append(
        _body(
            "以上为需要补正的全部材料。请您按上述要求补正后提交，补正材料齐全、符合法定形式的，本中心将依法予以受理；"
            "窗口不再要求补正本告知书所列以外的材料。"
        )
    )
    story += [_phones(doc), _ending(doc)]
    return _build(DocKind.ONE_TIME, doc, story)


def rejection_notice_pdf(doc: DocCase) -> bytes:
    """不予受理通知书: the reason and the applicant's rights to reconsideration (60 days) or suit (6 months)."""
    story = [*_head(DocKind.REJECT, doc), _salutation(doc)]
    story.append(_body(f"{_applied(doc)}，经审查，决定不予受理。"))
    story.append(_body("不予受理的理由：" + esc(doc.reject_reason or "（未填写理由）")))
    if doc.items:
        story += [_heading("涉及事项"), _items_table(doc.items), Spacer(0, 2 * mm)]
    story.append(
        _body(
            f"如对本决定不服，可以自收到本通知书之日起六十日内，依照{RECONSIDERATION_LAW}的规定申请行政复议；"
            f"也可以自收到本通知书之日起六个月内，依照{LITIGATION_LAW}的规定向人民法院提起行政诉讼。"
        )
    )
    story += [_phones(doc), _ending(doc)]
    return _build(DocKind.REJECT, doc, story)


def _handover() -> Table:
    s = styles()
    rows = [[para(h, s.head) for h in ("环节", "经办人（签字）", "时间", "备注")]]
    for step in ("窗口移交", "部门接收", "部门办结", "结果送回窗口"):
        rows.append([para(step, s.cell_center), "", "", ""])
    table = Table(rows, colWidths=[30 * mm, 46 * mm, 40 * mm, 50 * mm], rowHeights=[None] + [11 * mm] * 4)
    table.setStyle(table_style([("GRID", (0, 0), (-1, -1), 0.6, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _slip(doc: DocCase, department: str) -> list[Flowable]:
    items = doc.items_of(department)
    story = [*_head(DocKind.TRANSFER, doc, f"（接收部门：{department}）", barcode=True), Spacer(0, 3 * mm)]
    story.append(
        fields(
            [
                ("一件事", doc.bundle_name),
                ("事项编码", doc.bundle_code),
                ("申请人", doc.applicant_name),
                ("证件号码", doc.applicant_id_masked),
                ("联系电话", doc.phone),
                ("受理时间", doc.decided_at.strftime("%Y-%m-%d %H:%M")),
                ("受理中心", doc.center_name),
                ("受理窗口", f"{doc.window}　{doc.clerk}"),
            ]
        )
    )
    story += [_heading("一、本部门办理事项"), _items_table(items)]
    story += [_heading("二、随附材料"), _taken_table(doc.materials_for(items))]
    story += [KeepTogether([_heading("三、交接签字"), _handover()])]
    return story


def transfer_slip_pdf(doc: DocCase, department: str | None = None) -> bytes:
    """部门流转单: one slip per back-office department (or only ``department``), each from a new page."""
    departments = [department] if department else list(doc.departments)
    story: list[Flowable] = []
    for n, dept in enumerate(departments):
        story += ([PageBreak()] if n else []) + _slip(doc, dept)
    return _build(DocKind.TRANSFER, doc, story)


def _build(kind: DocKind, doc: DocCase, story: list[Flowable]) -> bytes:
    return build_pdf(story, title=f"{TITLES[kind]} {doc.case_number}", footer=_footer(doc))


RENDERERS: dict[DocKind, Callable[[DocCase], bytes]] = {
    DocKind.RECEIPT: receipt_pdf,
    DocKind.DEFERRED: deferred_notice_pdf,
    DocKind.ONE_TIME: one_time_notice_pdf,
    DocKind.REJECT: rejection_notice_pdf,
    DocKind.TRANSFER: transfer_slip_pdf,
}


def pdf_bytes(kind: DocKind | str, doc: DocCase) -> bytes:
    """The PDF of ``kind`` (a :class:`DocKind` or its value, e.g. ``"receipt"``)."""
    return RENDERERS[DocKind(kind)](doc)


def render(kind: DocKind | str, doc: DocCase, path: Path) -> Path:
    """Write the PDF of ``kind`` to ``path`` and return the path."""
    path.write_bytes(pdf_bytes(kind, doc))
    return path
