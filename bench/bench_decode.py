"""Decode 12 MP frames with our decoder and with zxing-cpp on the same frames in the same run.

    .venv/bin/python bench/bench_decode.py [--frames 8] [--repeat 3]

Frames are synthetic (seeded): textured paper with printed-form clutter and a small QR, a Code 128,
a small Code 128 (1.4-2.2 px per module) near a corner, or no code at all (the miss case: right
means nothing found). Prints per-frame median times, then per kind the median time of ours and of
zxing-cpp, their ratio and both decode rates.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import zxingcpp
from PIL import Image

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "scan"))

from scan_synth import barcode_image, frame_12mp, qr_image

from desktop.scan.decode import decode_image

CORNERS = ("br", "tl", "tr", "bl")
KINDS = ("qr", "code128", "small code128", "miss")
SMALL_PPM = (1.4, 1.8, 2.0, 2.2)  # pixels per module of the small Code 128 frames, in turn
BLANK = Image.new("L", (8, 8), 255)


def _frame(kind: str, i: int) -> tuple[Image.Image, str, str]:
    """One seeded 12 MP frame of ``kind``: (frame, expected text or "" for none, label)."""
    corner = CORNERS[i % 4]
    if kind == "qr":
        text = f"YISHI:1;N=21010200103261128{i:04d}X;Q={i:06d}" if i % 2 else f"办件{i:04d}：一件事一次办"
        return frame_12mp(qr_image(text), seed=i, code_px=320 + 40 * (i % 3), corner=corner), text, "QR"
    if kind == "code128":
        text = f"CASE{i:06d}"
        px = 320 + 40 * (i % 3)
        return frame_12mp(barcode_image("Code128", text), seed=i, code_px=px, corner=corner), text, f"{px} px"
    if kind == "small code128":
        text = f"21010200103261128{i:05d}"
        code = barcode_image("Code128", text)
        ppm = SMALL_PPM[i % len(SMALL_PPM)]
        px = round(code.width / 3 * ppm)  # barcode_image draws 3 px per module, quiet zone included
        return frame_12mp(code, seed=100 + i, code_px=px, corner=corner), text, f"{ppm} px/module"
    return frame_12mp(BLANK, seed=200 + i, code_px=8, corner=corner), "", "no code"


def _ours(image: Image.Image) -> list[str]:
    return [d.text for d in decode_image(image)]


def _zxing(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def _median_time(fn: Callable[[Image.Image], list[str]], image: Image.Image, repeat: int) -> tuple[float, list[str]]:
    times = []
    texts: list[str] = []
    for _ in range(repeat):
        start = time.perf_counter()
        texts = fn(image)
        times.append(time.perf_counter() - start)
    return statistics.median(times), texts


def _right(texts: list[str], expected: str) -> bool:
    return texts == [] if not expected else expected in texts


def _run_kind(kind: str, count: int, repeat: int) -> tuple[list[float], list[float], int, int]:
    ours_t: list[float] = []
    zx_t: list[float] = []
    ours_ok = zx_ok = 0
    for i in range(count):
        image, expected, label = _frame(kind, i)
        t_ours, ours = _median_time(_ours, image, repeat)
        t_zx, zx = _median_time(_zxing, image, repeat)
        ours_t.append(t_ours)
        zx_t.append(t_zx)
        ours_ok += _right(ours, expected)
        zx_ok += _right(zx, expected)
        marks = f"{'ok' if _right(ours, expected) else 'MISS':>4}  {'ok' if _right(zx, expected) else 'MISS':>5}"
        print(f"{kind:>13} {i:>3} {t_ours * 1000:>9.1f} {t_zx * 1000:>9.1f} {t_ours / t_zx:>6.2f}  {marks}  {label}",
              flush=True)
    return ours_t, zx_t, ours_ok, zx_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=4, help="frames per kind")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.frames < 1 or args.repeat < 1:
        parser.error("--frames and --repeat must be positive")
    print(f"{args.frames} frames of 4000x3000 per kind: {', '.join(KINDS)}", flush=True)
    print(f"{'kind':>13} {'#':>3} {'ours ms':>9} {'zxing ms':>9} {'ratio':>6}  ours  zxing")
    summary = []
    for kind in KINDS:
        ours_t, zx_t, ours_ok, zx_ok = _run_kind(kind, args.frames, args.repeat)
        summary.append((kind, statistics.median(ours_t), statistics.median(zx_t), ours_ok, zx_ok))
    print(f"\n{'kind':>13} {'ours ms':>9} {'zxing ms':>9} {'ratio':>6}  {'ours':>5}  {'zxing':>5}   (medians)")
    for kind, t_ours, t_zx, ours_ok, zx_ok in summary:
        n = args.frames
        print(f"{kind:>13} {t_ours * 1000:>9.1f} {t_zx * 1000:>9.1f} {t_ours / t_zx:>6.2f}  "
              f"{ours_ok:>2}/{n:<2}  {zx_ok:>2}/{n:<2}")


if __name__ == "__main__":
    main()
