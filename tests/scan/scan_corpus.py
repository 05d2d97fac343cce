"""The decoding corpus: images with known payloads, engines to read them, and read/misread counts.

Shared by tests/scan/test_scan_corpus.py and bench/bench_decode.py. Two parts (SOURCES.md says where
each image comes from):

* tests/data/scan/corpus/expected.json, committed: photo-like images made by make_corpus.py.
* public images from other projects' test suites, not committed: expected.json in the folder named by
  YISHI_SCAN_CORPUS, else ../shared/scan-corpus beside the repository, else tests/data/scan/corpus/public.

An entry names its file, symbology, payload bytes (``hex``) and, where the payload is text, the
``text`` it must read as; ``also`` lists further symbols in the same image the same way. Entries
without known bytes are skipped (no decoder could read them).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import zxingcpp
from PIL import Image
from pyzbar import pyzbar

from desktop.scan.decode import ZBAR, ZXING, decode_image
from desktop.scan.zxing import SYMBOLOGIES

REPO = Path(__file__).parents[2]
CORPUS = REPO / "tests" / "data" / "scan" / "corpus"
ROTATIONS = (0, 90, 180, 270)


@dataclass(frozen=True)
class Payload:
    """What one symbol holds: its bytes and, unless the payload is binary, the text they must read as."""

    data: bytes
    text: str | None


@dataclass(frozen=True)
class Entry:
    path: Path
    symbology: str
    payloads: tuple[Payload, ...]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """One symbol an engine returned: its symbology, bytes and text."""

    symbology: str
    data: bytes
    text: str


Engine = Callable[[Image.Image], list[Reading]]


def _ours(engines: tuple[str, ...]) -> Engine:
    def read(image: Image.Image) -> list[Reading]:
        return [Reading(d.symbology, d.raw, d.text) for d in decode_image(image, engines=engines)]

    return read


def _zxing_alone(image: Image.Image) -> list[Reading]:
    """zxing-cpp as a caller gets it by default: its own text (HRI mode, its own charset guess)."""
    return [
        Reading(SYMBOLOGIES.get(r.format, str(r.format)), bytes(r.bytes), r.text) for r in zxingcpp.read_barcodes(image)
    ]


def _pyzbar_alone(image: Image.Image) -> list[Reading]:
    """pyzbar as a caller gets it by default: zbar's text conversion, handed back as UTF-8."""
    return [Reading(s.type, s.data, s.data.decode("utf-8", "replace")) for s in pyzbar.decode(image.convert("L"))]


ENGINES: dict[str, Engine] = {
    "ours": _ours((ZXING, ZBAR)),
    "ours, zxing-cpp only": _ours((ZXING,)),
    "ours, zbar only": _ours((ZBAR,)),
    "zxing-cpp alone": _zxing_alone,
    "pyzbar alone": _pyzbar_alone,
}


def public_dir() -> Path | None:
    """Where the uncommitted public images are, if anywhere on this machine."""
    for candidate in (os.environ.get("YISHI_SCAN_CORPUS"), REPO.parent / "shared" / "scan-corpus", CORPUS / "public"):
        if candidate and (Path(candidate) / "expected.json").is_file():
            return Path(candidate)
    return None


def load(folder: Path) -> list[Entry]:
    """The readable entries of ``folder``/expected.json (those whose payload is known)."""
    entries = []
    for item in json.loads((folder / "expected.json").read_text(encoding="utf-8")):
        if item.get("hex") is None:
            continue
        payloads = [Payload(bytes.fromhex(p["hex"]), p.get("text")) for p in [item, *item.get("also", ())]]
        entries.append(Entry(folder / item["file"], item["symbology"], tuple(payloads), tuple(item.get("tags", ()))))
    return entries


def rotated(image: Image.Image, degrees: int) -> Image.Image:
    """``image`` turned counter-clockwise by a multiple of 90 degrees (lossless)."""
    turns = {0: None, 90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    method = turns[degrees]
    return image if method is None else image.transpose(method)


def _right(reading: Reading, entry: Entry) -> bool:
    """A text payload must read as its text (engines may re-encode the bytes); a binary one as its bytes."""
    return any(reading.data == p.data if p.text is None else reading.text == p.text for p in entry.payloads)


@dataclass
class Tally:
    """Reads and misreads of one engine over some images: a misread is a symbol of the entry's kind read wrong."""

    images: int = 0
    read: int = 0
    misread: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def read_rate(self) -> float:
        return self.read / self.images if self.images else 0.0

    def add(self, entry: Entry, readings: Iterable[Reading], label: str) -> None:
        same_kind = [r for r in readings if r.symbology == entry.symbology]
        self.images += 1
        if any(_right(r, entry) for r in same_kind):
            self.read += 1
        else:
            self.missed.append(label)
        bad = [r for r in same_kind if not _right(r, entry)]
        if bad:
            self.misread += 1
            self.wrong.append(f"{label}: {bad[0].text[:40]!r}")


def evaluate(entries: Iterable[Entry], engine: Engine, rotations: Iterable[int] = ROTATIONS) -> Tally:
    """Read every entry at every rotation with ``engine``."""
    tally = Tally()
    turns = tuple(rotations)
    for entry in entries:
        with Image.open(entry.path) as opened:
            image = opened.convert("RGB") if opened.mode not in ("L", "RGB") else opened.copy()
        for degrees in turns:
            tally.add(entry, engine(rotated(image, degrees)), f"{entry.path.name}@{degrees}")
    return tally
