"""Warm receipt generation time, as a ratio to a one-line reportlab page with the same font.

The receipt's target is absolute (40 ms warm); its ratio to the one-line page, measured in the same run, has none.

Run: .venv/bin/python bench/bench_receipt.py [rounds] [--json]
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import Figure, emit, wants_json
from printing.documents import receipt_pdf
from printing.fonts import register_fonts
from printing.sample import sample_case

TARGET_MS = 40.0


def _median_ms(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm: font parsed, styles built
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _baseline() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont(register_fonts(), 12)
    canvas.drawString(72, 760, "受理回执 210102000-03-250926-0012-O")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def main() -> None:
    as_json = wants_json()
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    start = time.perf_counter()
    register_fonts()
    cold_font = (time.perf_counter() - start) * 1000
    doc = sample_case()
    baseline = _median_ms(_baseline, rounds)
    receipt = _median_ms(lambda: receipt_pdf(doc), rounds)
    print(f"font registration (cold, once): {cold_font:.1f} ms")
    print(f"baseline one-line page:  {baseline:.2f} ms (median of {rounds})")
    print(f"receipt (warm):          {receipt:.2f} ms (median of {rounds})  target < {TARGET_MS:.0f} ms")
    print(f"ratio receipt/baseline:  {receipt / baseline:.1f}x")
    if as_json:
        emit(
            "receipt",
            [
                Figure("font registration, cold", cold_font, "ms"),
                Figure("one-line page (baseline)", baseline, "ms"),
                Figure("receipt, warm", receipt, "ms", ratio=receipt / baseline),
                Figure("receipt, warm, absolute", receipt, "ms", target=TARGET_MS),
            ],
        )


if __name__ == "__main__":
    main()
