"""The one CJK font every printed document embeds (a TrueType subset, never a CID font)."""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.paths import font_path

FONT_NAME = "WQYMicroHei"

_lock = threading.Lock()


def register_fonts() -> str:
    """Register the shipped WenQuanYi Micro Hei once and return its reportlab name.

    Parsing the TTC takes most of a cold document's time, so later calls only look it up.
    """
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=0))
    return FONT_NAME
