"""Decode 12 MP frames with our decoder and with zxing-cpp on the same frames in the same run.

    .venv/bin/python bench/bench_decode.py [--frames 8] [--repeat 3]

Frames are synthetic (seeded): textured paper with a small QR / Code 128 near a corner or in the middle.
Prints per-frame median times, the ours/zxing time ratio and both decode rates (right text found).
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


def _frames(count: int) -> list[tuple[Image.Image, str]]:
    frames = []
    for i in range(count):
        text = f"YISHI:1;N=21010200103261128{i:04d}X;Q={i:06d}" if i % 3 else f"办件{i:04d}：一件事一次办"
        code = barcode_image("Code128", f"CASE{i:06d}") if i % 4 == 3 else qr_image(text)
        if i % 4 == 3:
            text = f"CASE{i:06d}"
        frames.append((frame_12mp(code, seed=i, code_px=320 + 40 * (i % 3), corner=CORNERS[i % 4]), text))
    return frames


def _ours(image: Image.Image) -> list[str]:
    return [d.text for d in decode_image(image)]


def _zxing(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def _median_time(fn: Callable[[Image.Image], list[str]], image: Image.Image, repeat: int) -> tuple[float, bool, str]:
    times = []
    texts: list[str] = []
    for _ in range(repeat):
        start = time.perf_counter()
        texts = fn(image)
        times.append(time.perf_counter() - start)
    return statistics.median(times), bool(texts), texts[0] if texts else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.frames < 1 or args.repeat < 1:
        parser.error("--frames and --repeat must be positive")
    print(f"generating {args.frames} frames of 4000x3000 ...", flush=True)
    frames = _frames(args.frames)
    ours_ok = zxing_ok = 0
    ratios = []
    print(f"{'frame':>5} {'ours ms':>9} {'zxing ms':>9} {'ratio':>6}  ours  zxing  expected")
    for i, (image, expected) in enumerate(frames):
        t_ours, _, ours_text = _median_time(_ours, image, args.repeat)
        t_zx, _, zx_text = _median_time(_zxing, image, args.repeat)
        ours_ok += ours_text == expected
        zxing_ok += zx_text == expected
        ratios.append(t_ours / t_zx)
        marks = f"{'ok' if ours_text == expected else 'MISS':>4}  {'ok' if zx_text == expected else 'MISS':>5}"
        print(f"{i:>5} {t_ours * 1000:>9.1f} {t_zx * 1000:>9.1f} {t_ours / t_zx:>6.2f}  {marks}  {expected}")
    print(f"median time ratio ours/zxing: {statistics.median(ratios):.2f}")
    print(f"decode rate: ours {ours_ok}/{len(frames)}, zxing-cpp {zxing_ok}/{len(frames)}")


if __name__ == "__main__":
    main()
