"""The seal placeholder (印章处): a dashed circle with the issuer and date fitted inside it.

A long center name (沈阳市和平区南湖街道便民服务中心) is broken after its place names (市, 区, 街道 …) and set
smaller until every line lies within the circle, as a clerk's stamp will cover it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import combinations, pairwise

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from printing.layout import cn_date, styles

SEAL_RADIUS = 17 * mm
SEAL_LABEL = "（印章）"
LABEL_SIZE = 8.0
INSET = 1.5 * mm  # clear space between the text and the dashed line
SIZES = (12.0, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)
MAX_LINES = 4
PLACE_ENDS = "省市区县旗盟镇乡道府"  # a line may end after these (…市 / …区 / …街道 / …人民政府)
ASCENT, DESCENT = 0.88, 0.12  # of the font size, for CJK glyphs


@dataclass(frozen=True)
class SealLine:
    """One line inside the circle; ``y`` is its baseline relative to the circle's centre."""

    text: str
    size: float
    y: float


@lru_cache(maxsize=32)
def fit_seal_text(issuer: str, day: str, font: str, radius: float = SEAL_RADIUS) -> tuple[SealLine, ...]:
    """The label, issuer lines and date, as large as they fit within a circle of ``radius``."""
    issuer = issuer.strip() or " "
    fallback: tuple[SealLine, ...] = ()
    for size in SIZES:
        # Lines broken after place names read better than even ones, so they are tried first at each size.
        for parts in _splits(issuer, font, size):
            # The date, lowest where the circle narrows, may be set up to 1.5 pt smaller than the name.
            for day_size in (size, size - 0.5, size - 1, size - 1.5):
                lines = _stack([(SEAL_LABEL, LABEL_SIZE), *[(p, size) for p in parts], (day, day_size)])
                if all(line_fits(line, font, radius) for line in lines):
                    return lines
                fallback = lines
    return fallback


def line_fits(line: SealLine, font: str, radius: float = SEAL_RADIUS) -> bool:
    """Whether ``line``'s box (its width, ascent and descent) stays ``INSET`` inside the circle."""
    half = float(stringWidth(line.text, font, line.size)) / 2
    top, bottom = line.y + ASCENT * line.size, line.y - DESCENT * line.size
    reach = max(abs(top), abs(bottom)) if top * bottom > 0 else 0.0
    inner = radius - INSET
    return reach < inner and half <= math.sqrt(inner**2 - reach**2)


def _stack(lines: list[tuple[str, float]]) -> tuple[SealLine, ...]:
    # Lines 1.2 sizes apart, the whole block centred on the circle's centre.
    pitches = [size * 1.2 for _, size in lines]
    height = sum(pitches)
    out, top = [], height / 2
    for (text, size), pitch in zip(lines, pitches, strict=True):
        out.append(SealLine(text, size, top - (pitch + (ASCENT - DESCENT) * size) / 2))
        top -= pitch
    return tuple(out)


def _splits(text: str, font: str, size: float) -> list[list[str]]:
    """Ways to set ``text`` in 1 to ``MAX_LINES`` lines: cut after place names, then evenly."""
    natural_cuts = [i + 1 for i, ch in enumerate(text[:-1]) if ch in PLACE_ENDS]
    natural, even = [[text]], []
    for count in range(2, min(MAX_LINES, len(text)) + 1):
        if len(natural_cuts) >= count - 1:
            best = min(combinations(natural_cuts, count - 1), key=lambda c: _widest(_cut(text, c), font, size))
            natural.append(_cut(text, best))
        step = len(text) / count
        even.append(_cut(text, tuple(round(step * k) for k in range(1, count))))
    return natural + even


def _cut(text: str, cuts: tuple[int, ...]) -> list[str]:
    bounds = (0, *cuts, len(text))
    return [text[a:b] for a, b in pairwise(bounds) if a < b]


def _widest(parts: list[str], font: str, size: float) -> float:
    return max(float(stringWidth(p, font, size)) for p in parts)


class SealBlock(Flowable):  # type: ignore[misc]
    """Issuer and date at the right inside a dashed circle where the office stamps its seal (印章)."""

    def __init__(self, issuer: str, day: date, height: float = 36 * mm, width: float | None = None) -> None:
        super().__init__()
        self.issuer, self.day = issuer, day
        self.height = height
        self.fixed_width = width  # None: as wide as the space it is given

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = self.fixed_width or avail_width
        return self.width, self.height

    # reportlab's ImageAndFlowables (text flowing beside the seal) asks its picture these two.
    def _restrictSize(self, avail_width: float, avail_height: float) -> tuple[float, float]:  # noqa: N802
        return self.width, self.height

    def _unRestrictSize(self) -> None:  # noqa: N802
        pass

    def draw(self) -> None:
        c, font = self.canv, styles().font
        # The circle may reach past a short block, as a real seal overlaps the text around it.
        cx, cy = self.width - min(42 * mm, self.width / 2), self.height / 2
        grey = colors.Color(0.55, 0.55, 0.55)
        c.saveState()
        c.setStrokeColor(grey)
        c.setDash(3, 2)
        c.setLineWidth(0.8)
        c.circle(cx, cy, SEAL_RADIUS)
        for n, line in enumerate(fit_seal_text(self.issuer, cn_date(self.day), font)):
            c.setFillColor(grey if n == 0 else colors.black)
            c.setFont(font, line.size)
            c.drawCentredString(cx, cy + line.y, line.text)
        c.restoreState()
