"""The printed documents of a case, one function each, returning PDF bytes (A4, Simplified Chinese).

Each item of a case has its own outcome (受理 / 容缺受理 / 一次性告知 / 不予受理): the receipt lists the accepted
items, the 一次性告知书 what each notified item lacks, the 不予受理通知书 the refused items with their grounds.
Notices follow 《中华人民共和国行政许可法》 第三十条至第三十二条 for 行政许可 items and the 一次性告知 rule of
政务服务 for the others; every date is the hall's local date (the caller's clock turned the instants into it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, ImageAndFlowables, KeepTogether, PageBreak, Spacer, Table

from desktop.cases.decisions import MaterialStatus
from desktop.cases.numbers import parse_number
from desktop.cases.states import Decision
from desktop.catalog.schema import MaterialForm
from printing.layout import (
    BODY_W,
    CELL_COMMANDS,
    SAMPLE_NOTE,
    CopyLabel,
    build_pdf,
    cell,
    cn_date,
    esc,
    fields,
    fits_line,
    grid,
    para,
    signature_line,
    styles,
    table_style,
)
from printing.model import (
    OUTCOME_LABELS,
    DocCase,
    DocItem,
    DocMaterial,
    FormGroup,
    fee_label,
)
from printing.payload import receipt_base_url_problem, receipt_qr_text
from printing.qr import QrFlowable, code128
from printing.seal import SealBlock

ADMIN_LICENSING_LAW = "《中华人民共和国行政许可法》"
RECONSIDERATION_LAW = "《中华人民共和国行政复议法》"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"
# The rule a 一次性告知 of a service that is not a 行政许可 rests on (公共服务, 行政给付, 行政确认 …).
GENERAL_ONE_TIME_RULE = "政务服务“首问负责、一次性告知、限时办结”制度"
NOT_ASSIGNED = "待受理"
LEFT_W = 124 * mm  # text and signatures beside a seal or a QR code


class DocKind(StrEnum):
    """The documents a window prints; values are the CLI names."""

    RECEIPT = "receipt"
    DEFERRED = "deferred"
    ONE_TIME = "one-time"
    REJECT = "reject"
    TRANSFER = "transfer"
    APPLICATION = "application"  # the 联办申请表, whatever the decision (its groups ride on DocCase.form)


TITLES: dict[DocKind, str] = {
    DocKind.RECEIPT: "受理回执",
    DocKind.DEFERRED: "容缺受理通知书",
    DocKind.ONE_TIME: "一次性告知书",
    DocKind.REJECT: "不予受理通知书",
    DocKind.TRANSFER: "部门流转单",
    DocKind.APPLICATION: "“一件事”联办申请表",
}
APPLICATION_TITLE = TITLES[DocKind.APPLICATION]
# The notice that tells an applicant about items not accepted.
NOTICE_OF: dict[DocKind, Decision] = {DocKind.ONE_TIME: Decision.NOTIFY, DocKind.REJECT: Decision.REJECT}


# ---- pieces ---------------------------------------------------------------------------------------


def _footer(doc: DocCase) -> str:
    return f"目录版本 {doc.catalog_version}  ·  {SAMPLE_NOTE}，事项内容以正式办事指南为准"


def _number_text(doc: DocCase) -> str:
    if doc.case_number:
        return doc.case_number
    return f"{NOT_ASSIGNED}（草稿 {doc.draft_ref}）" if doc.draft_ref else NOT_ASSIGNED


def _head(
    title: str, doc: DocCase, subtitle: str = "", barcode: bool = False, items: Sequence[DocItem] = ()
) -> list[Flowable]:
    """Issuer, title, number (and its barcode); issued for the competent organ of ``items`` where it has one."""
    s = styles()
    issuer = doc.issuer_for(items)
    out: list[Flowable] = [para(esc(issuer), s.number)]
    if issuer != doc.center_name:
        out.append(para(f"（{esc(doc.center_name)}受委托办理）", s.small))
    out.append(para(esc(title), s.title))
    if subtitle:
        out.append(para(esc(subtitle), s.subtitle))
    number = f"受理编号：{esc(_number_text(doc))}"
    if barcode and doc.case_number and doc.case_number.isascii():
        # Number at the left, its Code 128 at the right: one line instead of two. The bars carry the number without
        # hyphens (Code 128 packs digit pairs: ~65 mm instead of ~96 mm), which the window's scanner reads as well.
        bar = code128(_canonical(doc.case_number), height=9 * mm, bar_width=0.33 * mm)
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


def _canonical(number: str) -> str:
    try:
        return parse_number(number).canonical
    except ValueError:
        return number


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


def _heading(text: str) -> Flowable:
    return para(text, styles().heading)


def _body(text: str) -> Flowable:
    return para(text, styles().body)


def _plain(text: str) -> Flowable:
    return para(text, styles().body_plain)


def _salutation(doc: DocCase) -> Flowable:
    # A case told to come back (一次性告知) may have no name yet: address the applicant, not a bare colon.
    return para(f"{esc(doc.applicant_name.strip() or '申请人')}：", styles().salutation)


def _names(items: Sequence[DocItem]) -> str:
    return "、".join(f"“{esc(item.name)}”" for item in items)


def _phone_text(doc: DocCase) -> str:
    return f"咨询电话：{esc(doc.hall.consult_phone)}；监督电话：{esc(doc.hall.supervise_phone)}。"


def _place_text(doc: DocCase) -> str:
    """``办理地点：…；办公时间：…。`` with whatever the hall has set ('' when neither)."""
    parts = []
    if doc.hall.address.strip():
        parts.append(f"办理地点：{esc(doc.center_name)}（{esc(doc.hall.address.strip())}）")
    if doc.hall.hours.strip():
        parts.append(f"办公时间：{esc(doc.hall.hours.strip())}")
    return "；".join(parts) + "。" if parts else ""


def _day(doc: DocCase) -> str:
    return cn_date(doc.decided_at.date())


def _seal(doc: DocCase, items: Sequence[DocItem] = (), height: float = 34 * mm) -> SealBlock:
    return SealBlock(doc.issuer_for(items), doc.decided_at.date(), height=height)


def _applied(doc: DocCase) -> str:
    # The number stands in the heading above; inline, its colon could start a line when the text wraps.
    return f"您于{_day(doc)}申请办理的“{esc(doc.bundle_name)}”"


def _online(doc: DocCase) -> str:
    """The case page a citizen opens (the QR's link without the query code), '' when no base URL is set."""
    base = doc.hall.receipt_base_url.strip()
    if not base or receipt_base_url_problem(base):
        return ""
    return base.rstrip("/")


def _qr_block(doc: DocCase, size: float = 34 * mm) -> Table:
    """The case's QR: a link a phone opens (with a base URL set) that the window's scanner also reads."""
    s = styles()
    caption = "手机扫码查询办理进度" if _online(doc) else "窗口扫码调取办件"
    qr = QrFlowable(receipt_qr_text(doc.hall.receipt_base_url, doc.case_number, doc.query_code), size)
    block = Table([[qr], [para(caption, s.small)]], colWidths=[max(size + 4 * mm, 36 * mm)])
    block.setStyle(table_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return block


def _beside(left: Flowable | list[Flowable], right: Flowable, right_w: float) -> Table:
    row = Table([[left, right]], colWidths=[BODY_W - right_w, right_w])
    row.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return row


def _law_for(items: Sequence[DocItem], licensing_ground: str, general_ground: str) -> str:
    """The ground a notice cites: 行政许可法 for 行政许可 items, the general rule for the rest, both when mixed."""
    licensing = [item for item in items if item.licensing]
    others = [item for item in items if not item.licensing]
    if licensing and not others:
        return licensing_ground
    if others and not licensing:
        return general_ground
    return f"对行政许可事项（{_names(licensing)}），{licensing_ground}；对其他事项，{general_ground}"


# ---- 受理回执 ---------------------------------------------------------------------------------------


def _receipt_items(items: Sequence[DocItem]) -> Table:
    header = ["序号", "受理事项", "承办部门", "承诺办结日期", "收费"]
    widths = [9 * mm, 50 * mm, 42 * mm, 29 * mm, 36 * mm]
    rows = [
        [
            str(n),
            it.name + ("（容缺受理）" if it.outcome is Decision.DEFER else ""),
            it.department,
            "即办" if it.promised_days == 0 else _promised(it),
            fee_label(it.fee),
        ]
        for n, it in enumerate(items, start=1)
    ]
    return grid(header, rows, widths, center=(0, 3))


def _hotlines(doc: DocCase, items: Sequence[DocItem]) -> str:
    """``咨询电话：省公安厅 110；省医疗保障局 12393；其他事项 12345。监督电话：12345。`` — each item's hotline, told
    by its department (items of one department share a line), then the hall's for items without one."""
    by_phone: dict[str, list[str]] = {}
    for item in items:
        if item.hotline.strip():
            by_phone.setdefault(item.hotline.strip(), []).append(item.department)
    own = [f"{esc('、'.join(dict.fromkeys(depts)))} {esc(phone)}" for phone, depts in by_phone.items()]
    if not own:
        lines = esc(doc.hall.consult_phone)
    elif all(item.hotline.strip() for item in items):
        lines = "；".join(own)
    else:
        lines = "；".join([*own, f"其他事项 {esc(doc.hall.consult_phone)}"])
    return f"咨询电话：{lines}。监督电话：{esc(doc.hall.supervise_phone)}。"


def _taken_table(materials: tuple[DocMaterial, ...]) -> Table:
    rows = [
        [str(n), m.name, "—" if m.produced_by else str(m.form), "—" if m.produced_by else _copies(m), m.status_text]
        for n, m in enumerate(materials, start=1)
    ]
    widths = [10 * mm, 80 * mm, 20 * mm, 12 * mm, 44 * mm]
    return grid(["序号", "材料名称", "收取方式", "份数", "状态"], rows, widths, center=(0, 2, 3, 4))


def _delivery_text(doc: DocCase) -> str:
    method = doc.delivery_method.strip()
    if method.startswith("邮寄"):
        where = esc(doc.delivery_address.strip()) or "（申请人未填写邮寄地址，请与窗口联系）"
        return f"结果送达：{esc(method)}，邮寄地址：{where}。"
    if method.startswith("电子"):
        return f"结果送达：{esc(method)}，办结后推送至您的电子证照库及辽事通。"
    where = esc(doc.hall.address.strip()) or esc(doc.center_name)
    return f"结果送达：{esc(method or '窗口领取')}，办结后凭本回执到{where}领取。"


def _receipt_tips(doc: DocCase) -> list[Flowable]:
    """The closing tips of a receipt, small and numbered; the 预计 note only when a date is estimated."""
    keep = (
        "请妥善保管本回执，凭回执或受理编号和查询码查询、领取结果；"
        "承诺办结日期按工作日计算（不含法定节假日，调休上班日计入）。"
    )
    if any(item.estimated for item in doc.items):
        keep += "注明“预计”的日期，当年节假日安排尚未公布，按周一至周五推算，以实际为准。"
    if doc.deferred:
        keep += f"另有{len(doc.deferred)}项材料予以容缺受理，补齐要求及期限详见《容缺受理通知书》。"
    internal = "、".join(f"“{esc(m.name)}”" for m in doc.internal)
    if internal:
        keep += f"{internal}由承办部门之间内部流转，无需您提交。"
    tips = [
        _delivery_text(doc) + _place_text(doc),
        _hotlines(doc, doc.accepted_items),
        "欢迎评价本次服务（好差评）：窗口评价器、扫描上方二维码或拨打12345。",
        keep,
    ]
    s = styles()
    return [para(("温馨提示：" if n == 1 else "") + f"{n}. {text}", s.tip) for n, text in enumerate(tips, start=1)]


def receipt_pdf(doc: DocCase) -> bytes:
    """受理回执: number as Code 128 and QR link, accepted items with dates, fees and hotlines, materials taken,
    how the result is delivered, where and when the center is open, phones, 好差评 and the applicant's signature."""
    accepted = doc.accepted_items
    story = _head(TITLES[DocKind.RECEIPT], doc, barcode=True, items=accepted)
    info = fields(
        [
            ("申请人", doc.applicant_name),
            ("证件号码", doc.applicant_id_masked),
            ("联系电话", doc.phone),
            ("查询码", doc.query_code),
            ("一件事", doc.bundle_name),
            ("事项编码", doc.bundle_code),
            ("受理时间", doc.decided_at.strftime("%Y-%m-%d %H:%M")),
            ("受理窗口", f"{doc.window}　{doc.clerk}"),
        ],
        widths=(20 * mm, 40 * mm, 20 * mm, 46 * mm),
    )
    story += [Spacer(0, 1 * mm), _beside(info, _qr_block(doc, 29 * mm), BODY_W - 128 * mm)]
    name = esc(doc.applicant_name.strip() or "申请人")
    story.append(
        para(f"{name}：您申请办理的“{esc(doc.bundle_name)}”已于{_day(doc)}受理，受理情况如下。", styles().salutation)
    )
    story += [_heading("一、受理事项及承诺办结日期"), _receipt_items(accepted)]
    others = [item for item in doc.items if not item.accepted]
    if others:
        listed = "、".join(f"“{esc(i.name)}”（{OUTCOME_LABELS[i.outcome]}）" for i in others)
        notices = [TITLES[kind] for kind in NOTICE_OF if doc.items_with(NOTICE_OF[kind])]
        story.append(para(f"另有{listed}本次未予受理，详见《{'》《'.join(notices)}》。", styles().note))
    story += [_heading("二、已收取的申请材料"), _taken_table(doc.taken)]
    # Tips flow beside the seal and on below it, onto the next page if they must: never a blank gap.
    left = [*_receipt_tips(doc), signature_line("申请人", "签收", width=LEFT_W, space=3 * mm)]
    seal = SealBlock(doc.issuer_for(accepted), doc.decided_at.date(), height=32 * mm, width=BODY_W - LEFT_W - 2 * mm)
    story.append(ImageAndFlowables(seal, left, imageSide="right", imageLeftPadding=2 * mm, imageRightPadding=0))
    return _build(TITLES[DocKind.RECEIPT], doc, story)


# ---- 容缺受理通知书 ----------------------------------------------------------------------------------


def _outstanding_table(materials: tuple[DocMaterial, ...], items_of: Callable[[DocMaterial], str]) -> Table:
    rows = []
    for n, m in enumerate(materials, start=1):
        deadline = cn_date(m.deadline) if m.deadline else "—"
        rows.append([str(n), m.name, str(m.form), _copies(m), deadline, items_of(m), m.note])
    widths = [9 * mm, 40 * mm, 17 * mm, 11 * mm, 27 * mm, 32 * mm, 30 * mm]
    header = ["序号", "材料名称", "提交形式", "份数", "补齐期限", "涉及事项", "说明"]
    return grid(header, rows, widths, center=(0, 2, 3, 4))


def _every_item(m: DocMaterial) -> str:
    return "、".join(m.item_names) or "全部事项"


def _supply_ways(doc: DocCase) -> str:
    where = esc(doc.hall.address.strip())
    place = f"{esc(doc.center_name)}（{where}）" if where else esc(doc.center_name)
    hours = f"（办公时间：{esc(doc.hall.hours.strip())}）" if doc.hall.hours.strip() else ""
    ways = [
        f"现场提交：携本通知书到{place}{esc(doc.window)}提交{hours}",
        f"邮寄提交：寄至{place}{esc(doc.window)}，邮件中注明受理编号；须核验原件的，核验后退还",
    ]
    online = _online(doc)
    if online:
        ways.append(f"网上提交：扫描受理回执二维码或登录{esc(online)}，凭受理编号和查询码上传电子材料")
    numerals = "一二三"
    return "补齐方式：" + "；".join(f"（{numerals[n]}）{text}" for n, text in enumerate(ways)) + "。"


def _deferred_items(doc: DocCase) -> tuple[DocItem, ...]:
    """The items accepted on a deferral: marked so, else (older rows) the accepted items a deferred material serves."""
    marked = doc.items_with(Decision.DEFER)
    if marked:
        return marked
    return tuple(i for i in doc.accepted_items if any(m.serves(i.name) for m in doc.deferred)) or doc.accepted_items


def _deferred_copy(doc: DocCase, label: str) -> list[Flowable]:
    deadlines = [m.deadline for m in doc.deferred if m.deadline]
    by = f"于{cn_date(max(deadlines))}前" if deadlines else "在窗口告知的期限内"
    story: list[Flowable] = [
        CopyLabel(label),
        *_head(TITLES[DocKind.DEFERRED], doc, f"（{label}）", items=_deferred_items(doc)),
        _salutation(doc),
    ]
    story.append(
        _body(
            f"{_applied(doc)}，经审查，{_names(_deferred_items(doc))}主要申请材料齐全、符合法定形式，"
            f"部分非关键材料暂缺。根据容缺受理有关规定，予以容缺受理。请您{by}按下表要求补齐材料。"
        )
    )
    story += [Spacer(0, 2 * mm), _outstanding_table(doc.deferred, _every_item), Spacer(0, 1 * mm)]
    story.append(_body(_supply_ways(doc)))
    story.append(
        _body(
            "容缺受理后，承办部门先行审查办理；上述材料补齐并经核验无误后，方出具办理结果（证照、批文等）。"
            "逾期未补齐的，视为申请人放弃容缺受理，相关事项终止办理并作退件处理，已收取的材料退还申请人；"
            "再次申请的，须提交齐全的申请材料。"
        )
    )
    story.append(
        _body(
            "申请人承诺：本人已知晓上述缺少的材料、提交形式、补齐方式和期限，承诺在期限内补齐，"
            "并对所提交材料的真实性负责；逾期未补齐的，同意终止办理。"
        )
    )
    story.append(_plain(f"受理窗口：{esc(doc.window)}；{_phone_text(doc)}"))
    signatures = [
        signature_line("申请人", width=LEFT_W),
        signature_line("受理人", printed=doc.clerk, width=LEFT_W),
    ]
    story.append(_beside(signatures, _seal(doc, _deferred_items(doc)), BODY_W - LEFT_W))
    return story


def deferred_notice_pdf(doc: DocCase) -> bytes:
    """容缺受理通知书 in two copies on separate pages: 申请人留存联 and 窗口存档联."""
    story = [*_deferred_copy(doc, "申请人留存联"), PageBreak(), *_deferred_copy(doc, "窗口存档联")]
    return _build(TITLES[DocKind.DEFERRED], doc, story)


# ---- 一次性告知书 -----------------------------------------------------------------------------------


def _notified(doc: DocCase) -> tuple[DocItem, ...]:
    # Before per-item outcomes every item of a 一次性告知 case was told; a document asked for explicitly still
    # has something to tell.
    return doc.notified_items or tuple(item for item in doc.items if not item.accepted) or doc.items


def _lacks(doc: DocCase, item: DocItem) -> str:
    parts = []
    lacking = doc.lacking(item)
    if lacking:
        parts.append("缺少材料：" + "、".join(f"{m.name}（{m.form}）" for m in lacking))
    if item.outcome_reason.strip():
        parts.append("其他需补正：" + item.outcome_reason.strip())
    return "；".join(parts) or "本事项材料已齐，待本件其他材料补正后一并受理"


def _told_materials(doc: DocCase, items: Sequence[DocItem]) -> tuple[DocMaterial, ...]:
    names = {item.name for item in items}
    return tuple(m for m in doc.outstanding if not m.produced_by and (not m.item_names or names & set(m.item_names)))


def one_time_notice_pdf(doc: DocCase) -> bytes:
    """一次性告知书: every defect of every notified item at once — missing materials and the others (不符合法定形式)
    — with the barcode and QR that reopen the case when the applicant returns, and 签收 lines."""
    items = _notified(doc)
    story = [*_head(TITLES[DocKind.ONE_TIME], doc, barcode=True, items=items), _salutation(doc)]
    licensing = f"根据{ADMIN_LICENSING_LAW}第三十二条第一款第（四）项的规定"
    general = f"根据{GENERAL_ONE_TIME_RULE}"
    story.append(
        _body(
            f"{_applied(doc)}，经审查，{_names(items)}的申请材料不齐全或者不符合法定形式。"
            f"{_law_for(items, licensing, general)}，现将需要补正的全部内容一次性告知如下："
        )
    )
    rows = [[str(n), item.name, _lacks(doc, item)] for n, item in enumerate(items, start=1)]
    widths = [9 * mm, 50 * mm, 107 * mm]
    story += [_heading("一、各事项需要补正的内容"), grid(["序号", "事项", "需要补正的内容"], rows, widths, center=(0,))]
    materials = _told_materials(doc, items)
    if materials:
        names = {item.name for item in items}

        def told_items(m: DocMaterial) -> str:
            return "、".join(n for n in m.item_names if n in names) or "全部事项"

        story += [_heading("二、补正材料的要求"), _outstanding_table(materials, told_items)]
    if doc.reason.strip():
        story += [_heading("其他需要补正的内容"), _body(esc(doc.reason.strip()))]
    story.append(Spacer(0, 1 * mm))
    story.append(
        _body(
            "以上为需要补正的全部内容。请您按上述要求补正后，携本告知书到窗口提交，扫描本告知书上的条码或二维码即可"
            "调取原申请，无需重新填表；补正齐全、符合法定形式的，依法予以受理。窗口不再要求补正本告知书所列以外的内容。"
        )
    )
    story.append(_plain(f"告知窗口：{esc(doc.window)}。" + _place_text(doc) + _phone_text(doc)))
    signatures = [
        signature_line("告知人", printed=doc.clerk, width=LEFT_W),
        signature_line("申请人", "签收", width=LEFT_W),
    ]
    story.append(_beside(signatures, _qr_block(doc, 30 * mm), BODY_W - LEFT_W))
    story.append(KeepTogether([Spacer(0, 4 * mm), _seal(doc, items)]))
    return _build(TITLES[DocKind.ONE_TIME], doc, story)


# ---- 不予受理通知书 ---------------------------------------------------------------------------------


def _refused(doc: DocCase) -> tuple[DocItem, ...]:
    return doc.refused_items or tuple(item for item in doc.items if not item.accepted) or doc.items


def _grounds(item: DocItem) -> str:
    basis = "；".join(item.basis)
    if item.licensing:
        clause = "第一款第（二）项" if item.refer_to.strip() else "第一款"
        law = f"{ADMIN_LICENSING_LAW}第三十二条{clause}"
        return f"{law}；{basis}" if basis else law
    return basis or "—"


def _refusal(doc: DocCase, item: DocItem) -> str:
    reason = item.outcome_reason.strip() or doc.reason.strip() or "（未填写理由）"
    refer = item.refer_to.strip()
    if refer:
        reason += f"。该申请事项依法不属于本机关职权范围，请向{refer}申请"
    return reason


def _remedy(doc: DocCase, items: Sequence[DocItem]) -> list[str]:
    """The applicant's remedies: 行政复议 within 60 days, 行政诉讼 within 6 months, each organ named (the item's own,
    else the hall's); for a service no administrative organ renders (a utility), where to raise an objection."""

    def organ(item: DocItem) -> str:
        return item.review_organ.strip() or doc.hall.review_organ.strip()

    def court(item: DocItem) -> str:
        return item.court.strip() or doc.hall.court.strip()

    reviewable = [i for i in items if i.reviewable]
    pairs = list(dict.fromkeys((organ(i), court(i)) for i in reviewable))
    lines = []
    for review, suit in pairs:
        which = _names([i for i in reviewable if (organ(i), court(i)) == (review, suit)])
        to_review = f"向{esc(review)}" if review else "向依法有管辖权的行政复议机关"
        to_court = f"向{esc(suit)}" if suit else "向有管辖权的人民法院"
        lead = f"对{which}的决定不服的，" if len(pairs) > 1 or len(reviewable) < len(items) else "如对本决定不服，"
        lines.append(
            f"{lead}可以自收到本通知书之日起六十日内，依照{RECONSIDERATION_LAW}的规定{to_review}申请行政复议；"
            f"也可以自收到本通知书之日起六个月内，依照{LITIGATION_LAW}的规定{to_court}提起行政诉讼。"
        )
    for item in items:
        if not item.reviewable:
            phone = esc(item.hotline.strip() or doc.hall.supervise_phone)
            lines.append(
                f"“{esc(item.name)}”由{esc(item.department)}提供服务，不属于行政行为；如有异议，可拨打{phone}反映，"
                f"或拨打监督电话{esc(doc.hall.supervise_phone)}。"
            )
    return lines


def rejection_notice_pdf(doc: DocCase) -> bytes:
    """不予受理通知书: the refused items with reason and legal basis, where to apply when the matter is not this
    organ's, the 复议机关 and court with 60 days and 6 months, a 签收 line; no promised dates."""
    items = _refused(doc)
    story = [*_head(TITLES[DocKind.REJECT], doc, items=items), _salutation(doc)]
    story.append(_body(f"{_applied(doc)}中的{_names(items)}，经审查，决定不予受理。"))
    own = any(it.outcome_reason.strip() or it.refer_to.strip() for it in items)
    if own:
        rows = [[str(n), it.name, it.department, _refusal(doc, it), _grounds(it)] for n, it in enumerate(items, 1)]
        widths = [9 * mm, 36 * mm, 28 * mm, 47 * mm, 46 * mm]
        header = ["序号", "不予受理事项", "承办部门", "理由", "依据"]
    else:
        # One reason for the whole case: said once, each item with its own grounds.
        story.append(_body("不予受理的理由：" + esc(doc.reason.strip() or "（未填写理由）")))
        rows = [[str(n), it.name, it.department, _grounds(it)] for n, it in enumerate(items, 1)]
        widths = [9 * mm, 46 * mm, 38 * mm, 73 * mm]
        header = ["序号", "不予受理事项", "承办部门", "依据"]
    story += [Spacer(0, 2 * mm), grid(header, rows, widths, center=(0,)), Spacer(0, 2 * mm)]
    story += [_body(line) for line in _remedy(doc, items)]
    others = [it for it in doc.accepted_items if it not in items]
    if others:
        story.append(_body(f"本件其他事项（{_names(others)}）已受理，详见《受理回执》。"))
    story.append(_plain(f"受理窗口：{esc(doc.window)}；{_phone_text(doc)}"))
    signatures = [
        signature_line("经办人", printed=doc.clerk, width=LEFT_W),
        signature_line("申请人", "签收", width=LEFT_W),
    ]
    story.append(_beside(signatures, _seal(doc, items), BODY_W - LEFT_W))
    return _build(TITLES[DocKind.REJECT], doc, story)


# ---- 部门流转单 ------------------------------------------------------------------------------------


def _handover() -> Table:
    s = styles()
    rows = [[para(h, s.head) for h in ("环节", "经办人（签字）", "时间", "备注")]]
    steps = ("窗口移交", "部门接收", "结果送回窗口")
    rows += [[para(step, s.cell_center), "", "", ""] for step in steps]
    table = Table(rows, colWidths=[30 * mm, 46 * mm, 40 * mm, 50 * mm], rowHeights=[None] + [10 * mm] * len(steps))
    table.setStyle(table_style([("GRID", (0, 0), (-1, -1), 0.6, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _slip_items(items: Sequence[DocItem]) -> Table:
    header = ["序号", "事项名称", "受理结果", "承诺办结日期", "办理结果", "退回原因", "经办人/日期"]
    widths = [9 * mm, 38 * mm, 18 * mm, 28 * mm, 24 * mm, 29 * mm, 20 * mm]
    rows = [
        [str(n), it.name, OUTCOME_LABELS[it.outcome], _promised(it), "□办结　□退回", "", ""]
        for n, it in enumerate(items, start=1)
    ]
    return grid(header, rows, widths, center=(0, 2, 3))


def _slip_materials(materials: tuple[DocMaterial, ...]) -> Table:
    rows = [
        [
            str(n),
            m.name,
            "—" if m.produced_by else str(m.form),
            "—" if m.produced_by else _copies(m),
            m.status_text,
            cn_date(m.deadline) if m.status is MaterialStatus.DEFERRED and m.deadline else "—",
        ]
        for n, m in enumerate(materials, start=1)
    ]
    widths = [9 * mm, 58 * mm, 19 * mm, 12 * mm, 40 * mm, 28 * mm]
    return grid(["序号", "材料名称", "收取方式", "份数", "状态", "补齐期限"], rows, widths, center=(0, 2, 3, 4, 5))


def _flow_lines(doc: DocCase, department: str) -> list[str]:
    """Which result this department passes to whom, and which it receives from whom (结果互认)."""
    lines = []
    for f in doc.flows:
        if f.from_department == department:
            to = "、".join(f"“{name}”" for name in f.to_items)
            lines.append(
                f"本部门“{f.from_item}”办结后，将「{f.result}」推送至{'、'.join(f.to_departments)}，"
                f"用于办理{to}，不再由申请人提交。"
            )
        elif department in f.to_departments:
            lines.append(f"本部门所需「{f.result}」由{f.from_department}“{f.from_item}”办结后推送，无需申请人提交。")
    return lines


def _slip(doc: DocCase, department: str) -> list[Flowable]:
    items = doc.items_of(department)
    story = [*_head(TITLES[DocKind.TRANSFER], doc, f"（接收部门：{department}）", barcode=True), Spacer(0, 3 * mm)]
    story.append(
        fields(
            [
                ("一件事", doc.bundle_name),
                ("事项编码", doc.bundle_code),
                ("申请人", doc.applicant_name),
                ("证件号码", doc.applicant_id or doc.applicant_id_masked),
                ("联系电话", doc.phone),
                ("受理时间", doc.decided_at.strftime("%Y-%m-%d %H:%M")),
                ("受理中心", doc.center_name),
                ("受理窗口", f"{doc.window}　{doc.clerk}"),
                ("送达方式", doc.delivery_method or "窗口领取"),
                ("邮寄地址", doc.delivery_address if doc.delivery_method.startswith("邮寄") else "—"),
                *[(label, value) for label, value in doc.identifiers if value and value != doc.applicant_id],
            ]
        )
    )
    story += [_heading("一、本部门办理事项（办理结果由承办部门填写）"), _slip_items(items)]
    story += [_heading("二、随附材料"), _slip_materials(doc.materials_for(items))]
    flows = _flow_lines(doc, department)
    if flows:
        story.append(_heading("三、内部流转（结果互认）"))
        story += [_body(esc(line)) for line in flows]
    story += [KeepTogether([_heading(f"{'四' if flows else '三'}、交接签字"), _handover()])]
    return story


def transfer_slip_pdf(doc: DocCase, department: str | None = None) -> bytes:
    """部门流转单: one slip per back-office department of the accepted items (or only ``department``), each from a
    new page, with identifiers in full, 补齐期限, result / 退回 columns and the results to pass on."""
    departments = [department] if department else list(doc.departments)
    story: list[Flowable] = []
    for n, dept in enumerate(departments):
        story += ([PageBreak()] if n else []) + _slip(doc, dept)
    return _build(TITLES[DocKind.TRANSFER], doc, story)


# ---- 联办申请表 -------------------------------------------------------------------------------------

LABEL_W, VALUE_W = 30 * mm, 53 * mm


def _group_table(group: FormGroup) -> Table:
    """A group of the form: its title across, then label/value pairs two to a row; a long value takes a row."""
    s = styles()
    rows: list[list[object]] = [[para(esc(group.title), s.head), "", "", ""]]
    spans: list[tuple[int, int]] = []
    pending: list[object] = []
    for label, value in group.rows:
        label_cell = cell(label, LABEL_W, s.head)
        if not fits_line(value, VALUE_W):
            if pending:
                rows.append([*pending, "", ""])
                pending = []
            rows.append([label_cell, cell(value, LABEL_W + 2 * VALUE_W, s.cell), "", ""])
            spans.append((len(rows) - 1, 1))
            continue
        pending += [label_cell, value]
        if len(pending) == 4:
            rows.append(pending)
            pending = []
    if pending:
        rows.append([*pending, "", ""])
    table = Table(rows, colWidths=[LABEL_W, VALUE_W, LABEL_W, VALUE_W], repeatRows=1)
    shade = colors.Color(0.94, 0.94, 0.94)
    table.setStyle(
        table_style(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)),
                ("BACKGROUND", (0, 1), (0, -1), shade),
                ("BACKGROUND", (2, 1), (2, -1), shade),
                *[("SPAN", (col, row), (-1, row)) for row, col in spans],
                *[("BACKGROUND", (2, row), (2, row), colors.white) for row, _ in spans],
                *CELL_COMMANDS,
            ]
        )
    )
    return table


def _application_items(items: Sequence[DocItem]) -> Table:
    rows = [
        [str(n), it.name, it.department, it.kind or "—", "告知承诺" if it.notify_commit else "一般程序"]
        for n, it in enumerate(items, start=1)
    ]
    widths = [9 * mm, 62 * mm, 47 * mm, 24 * mm, 24 * mm]
    return grid(["序号", "申请事项", "承办部门", "事项类型", "办理方式"], rows, widths, center=(0, 3, 4))


def _commitment(items: Sequence[DocItem]) -> list[Flowable]:
    text = (
        "本人（本单位）承诺：本表所填写的信息及提交的申请材料真实、完整、有效，复印件与原件一致，"
        "并对申请材料实质内容的真实性负责；如有虚假，愿意承担相应的法律责任。"
    )
    if any(item.licensing for item in items):
        text += f"（{ADMIN_LICENSING_LAW}第三十一条）"
    out = [_body(text)]
    committed = [item for item in items if item.notify_commit]
    if committed:
        out.append(
            _body(
                f"对实行告知承诺制的{_names(committed)}，本人（本单位）已知晓行政机关告知的全部条件、标准和要求，"
                "承诺符合上述条件并将按要求履行；经核查承诺不实的，愿意承担不实承诺的法律责任，"
                "并同意行政机关依法撤销据此作出的决定、将失信情况记入信用记录。"
            )
        )
    out.append(
        _body(
            "本人（本单位）同意本表信息及申请材料在上述事项的承办部门之间共享使用、结果互认，仅用于办理本次申请事项。"
        )
    )
    return out


def application_form_pdf(doc: DocCase, groups: Sequence[FormGroup] | None = None) -> bytes:
    """《“一件事”联办申请表》 for signature: the bundle and the items applied for, every value of the merged form by
    party (``groups``, else ``doc.form``), the applicant's 承诺 (告知承诺 where an item uses it), a signature line for
    each party, any agent and the clerk, and the case number as a barcode (a draft: 待受理, no barcode). Pages after
    the first repeat a header."""
    groups = doc.form if groups is None else groups
    story = _head(APPLICATION_TITLE, doc, doc.bundle_name, barcode=True)
    dated = "申请日期" if doc.case_number else "填表日期"
    story.append(
        fields(
            [
                ("一件事", doc.bundle_name),
                ("事项编码", doc.bundle_code),
                (dated, _day(doc)),
                ("受理中心", doc.center_name),
                ("受理窗口", doc.window),
                ("受理人", doc.clerk),
            ]
        )
    )
    items = doc.items
    story += [_heading("一、申请办理的事项"), _application_items(items)]
    story.append(_heading("二、申请信息"))
    for group in groups:
        story += [_group_table(group), Spacer(0, 2 * mm)]
    story.append(_heading("三、申请人承诺"))
    story += _commitment(items)
    signers = [g.signer for g in groups if g.signer] or ["申请人"]
    lines: list[Flowable] = [_heading("四、签字确认")]
    for signer in dict.fromkeys(signers):
        action = "盖章" if signer.endswith("（盖章）") else "签字"
        lines.append(signature_line(signer.removesuffix("（盖章）"), action))
    lines.append(signature_line("受理人", printed=doc.clerk))
    story += [KeepTogether(lines)]
    header = f"{APPLICATION_TITLE} · {doc.bundle_name} · 受理编号：{_number_text(doc)}"
    return build_pdf(story, title=f"{APPLICATION_TITLE} {_number_text(doc)}", footer=_footer(doc), header=header)


# ---- rendering -------------------------------------------------------------------------------------


def _build(title: str, doc: DocCase, story: list[Flowable]) -> bytes:
    return build_pdf(story, title=f"{title} {doc.case_number}", footer=_footer(doc))


RENDERERS: dict[DocKind, Callable[[DocCase], bytes]] = {
    DocKind.RECEIPT: receipt_pdf,
    DocKind.DEFERRED: deferred_notice_pdf,
    DocKind.ONE_TIME: one_time_notice_pdf,
    DocKind.REJECT: rejection_notice_pdf,
    DocKind.TRANSFER: transfer_slip_pdf,
    DocKind.APPLICATION: application_form_pdf,
}


def pdf_bytes(kind: DocKind | str, doc: DocCase) -> bytes:
    """The PDF of ``kind`` (a :class:`DocKind` or its value, e.g. ``"receipt"``)."""
    return RENDERERS[DocKind(kind)](doc)


def render(kind: DocKind | str, doc: DocCase, path: Path) -> Path:
    """Write the PDF of ``kind`` to ``path`` and return the path."""
    path.write_bytes(pdf_bytes(kind, doc))
    return path
