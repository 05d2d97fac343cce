"""QR codes (byte mode, UTF-8 with ECI) and Code 128 barcodes drawn as vectors in reportlab."""

from __future__ import annotations

from typing import Any

import segno
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules; ISO/IEC 18004 asks for 4


def make_qr(data: str) -> segno.QRCode:
    """A QR code for ``data``; ECI tells readers the bytes are UTF-8 so Chinese survives."""
    return segno.make(data, mode="byte", encoding="utf-8", eci=True, error="m", micro=False)


def dark_runs(qr: segno.QRCode) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as ``(row, first column, length)``, without the quiet zone.

    One rectangle per run instead of per module keeps the PDF small and seamless at any zoom.
    """
    runs = []
    for r, row in enumerate(qr.matrix):
        c, width = 0, len(row)
        while c < width:
            if row[c] & 1:
                start = c
                while c < width and row[c] & 1:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs


class QrFlowable(Flowable):  # type: ignore[misc]
    """A square QR code of ``size`` points including its quiet zone."""

    def __init__(self, data: str, size: float = 32 * mm) -> None:
        super().__init__()
        self.qr = make_qr(data)
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.qr, 0, 0, self.size)


def draw_qr(canvas: Any, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    """Paint ``qr`` with its lower-left corner at (x, y) on a reportlab canvas."""
    modules = qr.symbol_size(border=0)[0]
    unit = size / (modules + 2 * QUIET_ZONE)
    top = y + size - QUIET_ZONE * unit
    left = x + QUIET_ZONE * unit
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row, col, length in dark_runs(qr):
        path.rect(left + col * unit, top - (row + 1) * unit, length * unit, unit)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def code128(value: str, height: float = 10 * mm, bar_width: float = 0.33 * mm) -> Flowable:
    """A Code 128 barcode of an ASCII value (case numbers are ASCII), without human-readable text."""
    if not value.isascii():
        raise ValueError(f"Code 128 needs ASCII, got {value!r}")
    return Code128(value, barHeight=height, barWidth=bar_width, humanReadable=False, quiet=True)
