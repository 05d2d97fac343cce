"""Page furniture shared by every printed document: styles, tables, seal box, footer with page numbers."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus import paragraph as _paragraph

from printing.fonts import register_fonts

# 禁则: Chinese full-width punctuation never starts a line (it hangs at the line's end instead); reportlab's own
# list covers the Japanese set and the ASCII marks only. Both of its line breakers read the list.
NO_LINE_START = "，：；？！”’》〉）"
for _module in (_textsplit, _paragraph):
    if NO_LINE_START not in _module.ALL_CANNOT_START:
        _module.ALL_CANNOT_START += NO_LINE_START

PAGE_W, PAGE_H = A4
MARGIN_X = 22 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 24 * mm
BODY_W = PAGE_W - 2 * MARGIN_X
SAMPLE_NOTE = "本件依据样例办事指南生成"
CELL_SIZE = 9.5
CELL_PAD = 4
CELL_LEADING = 12.5
CELL_TOP, CELL_BOTTOM = 1, 2.5
# Ruled cells of every bordered table (grids and field blocks).
CELL_COMMANDS: list[tuple[Any, ...]] = [
    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
    ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
    ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), CELL_TOP),
    ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_BOTTOM),
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
]
DATE_BLANK = "&nbsp;" * 12 + "年" + "&nbsp;" * 8 + "月" + "&nbsp;" * 8 + "日"


class Styles:
    """Paragraph styles of the official-notice look, built once per process."""

    def __init__(self, font: str) -> None:
        def style(name: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)

        self.font = font
        self.title = style("title", 22, 28, alignment=TA_CENTER, spaceBefore=1 * mm, spaceAfter=3 * mm)
        self.subtitle = style("subtitle", 12, 16, alignment=TA_CENTER, spaceBefore=-2 * mm, spaceAfter=2 * mm)
        self.number = style("number", 11, 16, alignment=TA_CENTER)
        self.cell_left12 = style("cell_left12", 11, 16)
        self.salutation = style("salutation", 12, 19, spaceBefore=2 * mm)
        self.body = style("body", 12, 20, firstLineIndent=24, alignment=TA_LEFT)
        self.heading = style("heading", 12, 17, spaceBefore=2 * mm, spaceAfter=1 * mm)
        self.body_plain = style("body_plain", 12, 20)
        self.cell = style("cell", CELL_SIZE, CELL_LEADING)
        self.cell_center = style("cell_center", CELL_SIZE, CELL_LEADING, alignment=TA_CENTER)
        self.head = style("head", CELL_SIZE, CELL_LEADING, alignment=TA_CENTER)
        self.tip = style("tip", 9, 12)
        self.note = style("note", 10.5, 15)
        self.small = style("small", 8.5, 11, alignment=TA_CENTER)
        self.right = style("right", 12, 21, alignment=TA_RIGHT)


@lru_cache(maxsize=1)
def styles() -> Styles:
    return Styles(register_fonts())


def table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """Table commands plus our font, so that even empty string cells never pull in Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), styles().font), *commands])


def esc(text: object) -> str:
    return escape(str(text))


def cn_date(day: date | None) -> str:
    """``2025年10月9日``: Arabic numerals, as GB/T 9704-2012 asks for dates in official documents."""
    return "—" if day is None else f"{day.year}年{day.month}月{day.day}日"


def para(text: str, style: Any) -> Paragraph:
    return Paragraph(text, style)


def grid(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], center: Sequence[int] = ()
) -> Table:
    """A bordered table whose header repeats on every page; long cells wrap."""
    s = styles()
    body = [[cell(h, w, s.head) for h, w in zip(header, widths, strict=True)]]
    if not rows:
        rows = [["无", *[""] * (len(header) - 1)]]
    for row in rows:
        body.append(
            [
                cell(v, w, s.cell_center if i in center else s.cell)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            ]
        )
    table = Table(body, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                *[("ALIGN", (i, 1), (i, -1), "CENTER") for i in center],
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                *CELL_COMMANDS,
            ]
        )
    )
    return table


def fits_line(text: str, width: float) -> bool:
    """Whether ``text`` fits one line of a table cell ``width`` wide."""
    return "\n" not in text and stringWidth(text, styles().font, CELL_SIZE) <= width - 2 * CELL_PAD


def cell(text: str, width: float, style: ParagraphStyle) -> str | Paragraph:
    """A table cell: a one-line text as a plain string (draws several times faster), else a wrapping Paragraph."""
    if fits_line(text, width):
        return text
    return para(esc(text).replace("\n", "<br/>"), style)


def fields(pairs: Sequence[tuple[str, str]], widths: Sequence[float] = (21 * mm, 62 * mm, 21 * mm, 62 * mm)) -> Table:
    """Label/value pairs two to a row in a bordered grid (the header block of a notice)."""
    s = styles()
    label_w, value_w = widths[0], widths[1]
    cells = [[cell(label, label_w, s.head), cell(value, value_w, s.cell)] for label, value in pairs]
    if len(cells) % 2:
        cells.append(["", ""])
    rows = [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=list(widths))
    table.setStyle(
        table_style(
            [
                ("ALIGN", (0, 0), (0, -1), "CENTER"),
                ("ALIGN", (2, 0), (2, -1), "CENTER"),
                ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.94, 0.94, 0.94)),
                ("BACKGROUND", (2, 0), (2, -1), colors.Color(0.94, 0.94, 0.94)),
                *CELL_COMMANDS,
            ]
        )
    )
    return table


def signature_line(
    role: str, action: str = "签字", printed: str = "", width: float = 148 * mm, space: float = 5 * mm
) -> Table:
    """``申请人（签字）：＿＿＿＿  日期：＿＿年＿＿月＿＿日`` with ruled blanks, ``width`` wide in all.

    ``action`` is what the line asks (签字, 签收, 盖章); ``printed`` is text set on the blank (the clerk's name),
    the signature still going beside it; ``space`` above leaves room for the hand."""
    s = styles()
    label = f"{esc(role)}（{esc(action)}）："
    blank: str | Paragraph = para(esc(printed), s.body_plain) if printed else ""
    cells = [para(label, s.body_plain), blank, para("日期：", s.body_plain), para(DATE_BLANK, s.body_plain)]
    label_w = stringWidth(f"{role}（{action}）：", s.font, 12) + 1 * mm
    date_w = 13 * mm + 46 * mm
    table = Table([cells], colWidths=[label_w, width - label_w - date_w, 13 * mm, 46 * mm], hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), space),
            ]
        )
    )
    return table


class CopyLabel(Flowable):  # type: ignore[misc]
    """Invisible marker: pages from here on carry ``label`` (e.g. 申请人留存联) in their header."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.yishi_copy = self.label


def _numbered_canvas(footer: str, header: str) -> Callable[..., Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]
        # Pages are kept until save() so each footer can say 共 N 页.
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.yishi_copy = ""
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                _furniture(self, footer, number, total, header)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _furniture(c: Canvas, footer: str, number: int, total: int, header: str = "") -> None:
    font = styles().font
    c.saveState()
    if header and number > 1:
        # A running header: a page taken out of a stapled document still says what it belongs to.
        c.setFont(font, 9)
        c.drawString(MARGIN_X, PAGE_H - 14 * mm, header)
        c.setStrokeColor(colors.Color(0.4, 0.4, 0.4))
        c.setLineWidth(0.5)
        c.line(MARGIN_X, PAGE_H - 16 * mm, PAGE_W - MARGIN_X, PAGE_H - 16 * mm)
    c.setFont(font, 8.5)
    c.setStrokeColor(colors.Color(0.4, 0.4, 0.4))
    c.setLineWidth(0.5)
    c.line(MARGIN_X, 16 * mm, PAGE_W - MARGIN_X, 16 * mm)
    c.drawString(MARGIN_X, 11.5 * mm, footer)
    c.drawRightString(PAGE_W - MARGIN_X, 11.5 * mm, f"第 {number} 页 / 共 {total} 页")
    label = getattr(c, "yishi_copy", "")
    if label:
        c.setFont(font, 10)
        c.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 13 * mm, f"【{label}】")
    c.restoreState()


def build_pdf(story: list[Flowable], *, title: str, footer: str, header: str = "") -> bytes:
    """Lay ``story`` out on A4 pages and return the PDF; the font is embedded as a TrueType subset.

    ``header`` is repeated at the top of every page after the first."""
    register_fonts()
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author="yishi",
        creator="yishi",
        subject=title,
        invariant=1,
        initialFontName=styles().font,  # keeps Helvetica, a non-embedded base font, out of the PDF
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        BODY_W,
        PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_numbered_canvas(footer, header))
    return out.getvalue()
