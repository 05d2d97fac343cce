"""Decoding: read rate and misreads over the corpus per engine, and 12 MP frame times, in the same run.

    .venv/bin/python bench/bench_decode.py [--frames 4] [--repeat 3] [--json]

Corpus: every image of tests/data/scan/corpus (and of the public corpus where it is on this machine,
see tests/scan/scan_corpus.py) at 0/90/180/270 degrees, read by ours (zxing-cpp, then zbar, one
charset function), by zxing-cpp alone and by pyzbar alone (each as a caller gets it by default).
A read is the right text (bytes for binary payloads); a misread is a wrong one. Goal: ours reads
>= 95 % at every rotation with 0 misreads.

Frames: synthetic (seeded) 12 MP photos of textured paper with printed-form clutter and a small QR,
a Code 128, a small Code 128 (1.4-2.2 px per module) near a corner, or no code at all (right means
nothing found). Median times of ours and of zxing-cpp alone on the same frames, and their ratio.
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

from report import Figure, emit, wants_json  # bench/report.py (this script's folder is on sys.path)
from scan_corpus import CORPUS, ENGINES, ROTATIONS, Entry, Tally, evaluate, load, public_dir
from scan_synth import barcode_image, frame_12mp, qr_image

from desktop.scan.decode import decode_image

CORNERS = ("br", "tl", "tr", "bl")
KINDS = ("qr", "code128", "small code128", "miss")
SMALL_PPM = (1.4, 1.8, 2.0, 2.2)  # pixels per module of the small Code 128 frames, in turn
BLANK = Image.new("L", (8, 8), 255)
CORPUS_ENGINES = ("ours", "zxing-cpp alone", "pyzbar alone")
READ_TARGET = 95.0  # percent, at every rotation


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
        print(
            f"{kind:>13} {i:>3} {t_ours * 1000:>9.1f} {t_zx * 1000:>9.1f} {t_ours / t_zx:>6.2f}  {marks}  {label}",
            flush=True,
        )
    return ours_t, zx_t, ours_ok, zx_ok


def _frames(count: int, repeat: int) -> list[Figure]:
    print(f"\n{count} frames of 4000x3000 per kind: {', '.join(KINDS)}", flush=True)
    print(f"{'kind':>13} {'#':>3} {'ours ms':>9} {'zxing ms':>9} {'ratio':>6}  ours  zxing")
    figures = []
    summary = []
    for kind in KINDS:
        ours_t, zx_t, ours_ok, zx_ok = _run_kind(kind, count, repeat)
        t_ours, t_zx = statistics.median(ours_t), statistics.median(zx_t)
        summary.append((kind, t_ours, t_zx, ours_ok, zx_ok))
        figures.append(Figure(f"12 MP {kind}: ours vs zxing-cpp alone", t_ours * 1000, "ms", t_ours / t_zx))
        figures.append(Figure(f"12 MP {kind}: ours right", 100 * ours_ok / count, "%", higher_is_better=True))
    print(f"\n{'kind':>13} {'ours ms':>9} {'zxing ms':>9} {'ratio':>6}  {'ours':>5}  {'zxing':>5}   (medians)")
    for kind, t_ours, t_zx, ours_ok, zx_ok in summary:
        print(
            f"{kind:>13} {t_ours * 1000:>9.1f} {t_zx * 1000:>9.1f} {t_ours / t_zx:>6.2f}  "
            f"{ours_ok:>2}/{count:<2}  {zx_ok:>2}/{count:<2}"
        )
    return figures


def _corpus(label: str, entries: list[Entry]) -> list[Figure]:
    print(
        f"\n{label} corpus: {len(entries)} images x {len(ROTATIONS)} rotations; read % / misreads per rotation",
        flush=True,
    )
    print(f"{'engine':>16} " + " ".join(f"{d:>3}deg read  mis" for d in ROTATIONS) + "   ms/image")
    figures = []
    worst: dict[str, float] = {}
    for name in CORPUS_ENGINES:
        tallies: list[Tally] = []
        start = time.perf_counter()
        for degrees in ROTATIONS:
            tallies.append(evaluate(entries, ENGINES[name], (degrees,)))
        per_image = (time.perf_counter() - start) / max(1, len(entries) * len(ROTATIONS)) * 1000
        cells = " ".join(f"{100 * t.read_rate:>12.1f} {t.misread:>4}" for t in tallies)
        print(f"{name:>16} {cells}   {per_image:>8.1f}", flush=True)
        worst[name] = min(100 * t.read_rate for t in tallies)
        misreads = sum(t.misread for t in tallies)
        for t in tallies if name == "ours" else ():
            for line in [*t.missed, *t.wrong]:
                print(f"{'':>18}{line}")
        target = READ_TARGET if name == "ours" else None
        figures.append(
            Figure(
                f"{label} corpus, {name}: read at worst rotation", worst[name], "%", None, target, higher_is_better=True
            )
        )
        figures.append(
            Figure(
                f"{label} corpus, {name}: misreads over 4 rotations",
                misreads,
                "count",
                None,
                0.0 if name == "ours" else None,
            )
        )
    for name in CORPUS_ENGINES[1:]:
        print(f"  ours reads {worst['ours'] - worst[name]:+.1f} points vs {name} (worst rotation)")
    return figures


def main() -> None:
    as_json = wants_json()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--frames", type=int, default=4, help="12 MP frames per kind (0: corpus only)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.frames < 0 or args.repeat < 1:
        parser.error("--frames must be >= 0 and --repeat positive")
    figures = _corpus("committed", load(CORPUS))
    public = public_dir()
    if public is None:
        print("\npublic corpus: not on this machine (tests/data/scan/corpus/SOURCES.md)")
    else:
        figures += _corpus("public", load(public))
    if args.frames:
        figures += _frames(args.frames, args.repeat)
    if as_json:
        emit("decode", figures)


if __name__ == "__main__":
    main()
