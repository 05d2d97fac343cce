"""Find barcodes and QR codes in an image: hostile-input-safe loading, fast pyramid scan, text decoding.

Two engines read every view of the image in turn: zxing-cpp first (zxing.py), then zbar through
pyzbar's library (zbar.py), which still finds some damaged or tilted codes zxing-cpp misses. Both
hand back raw bytes and one function of ours turns them into text (charset.py: ECI, else UTF-8,
Shift_JIS, GB18030 or ISO-8859-1), so control characters stay characters and both engines agree.

Phone photos are large (12 MP) and the engines' time grows with pixels, so we scan a grayscale copy
downscaled to about 1600 px on the long side first. When nothing is found there, only the regions
that look like codes (regions.py) are scanned at full size, with small 1-D codes straightened and
sharpened (linear.py), under a CPU-time budget: a frame with no code gives up in about 0.5 s.
Every failure to read the input is a ScanError; nothing else escapes.
"""

from __future__ import annotations

import io
import math
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageFilter, ImageOps

from desktop.scan import zbar, zxing
from desktop.scan.charset import decode_bytes, decode_segments
from desktop.scan.linear import BAND, STRETCH, bar_normal_degrees, bar_strip, straightened
from desktop.scan.regions import Box, candidate_boxes
from desktop.scan.symbol import RawSymbol

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 64_000_000  # a 48 MP phone photo fits; bigger headers are refused before decoding
MAX_SIDE = 20_000
FIRST_PASS_SIDE = 1600
BIG_FRAME_DENSITY = 2  # every other row and column of a downscaled big frame: codes there span many lines
CROP_SIDE = 1600  # candidate regions are scanned at full size unless longer than this
ANGLE_STEP = 12.0  # degrees: also tried either side of the estimated bar direction
STRAIGHT_TOLERANCE = 5.0  # degrees: a bar strip this close to upright is not also tried unrotated
BUDGET_S = 0.5  # CPU seconds per frame after which candidate regions are no longer tried
# zbar reads 1-D codes only along rows and columns, so a tilted barcode needs a straightened retry.
RETRY_ANGLES = (15.0, -15.0, 30.0, -30.0, 45.0, -45.0)
ZXING = "zxing-cpp"
ZBAR = "zbar"
ENGINES = (ZXING, ZBAR)  # in the order they are tried on each view


class ScanError(Exception):
    """The input could not be read as an image; ``clerk_message`` says so in Chinese for the UI."""

    def __init__(self, message: str, clerk_message: str = "无法读取该图片") -> None:
        super().__init__(message)
        self.clerk_message = clerk_message


class Rect(NamedTuple):
    """Bounding box of a symbol in the pixel coordinates of the input image."""

    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class Decoded:
    """One decoded symbol: zbar symbology name (QRCODE, CODE128, EAN13, ...), text, raw bytes, box and charset.

    ``encoding`` is the Python codec the text was decoded with (``+``-joined for several ECI segments).
    """

    symbology: str
    text: str
    raw: bytes
    rect: Rect
    encoding: str


def bytes_to_text(raw: bytes) -> tuple[str, str]:
    """Payload bytes without ECI as (text, codec): UTF-8 if valid, else the likelier of Shift_JIS, GB18030, latin-1."""
    return decode_bytes(raw)


def _check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise ScanError(f"image has no pixels ({width}x{height})")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ScanError(f"image too large: {width}x{height}", "图片尺寸过大，无法识别")


def _open(source: Path | bytes) -> Image.Image:
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_FILE_BYTES:
                raise ScanError(f"file larger than {MAX_FILE_BYTES} bytes: {source}", "图片文件过大")
            data = source.read_bytes()
        except OSError as exc:
            raise ScanError(f"cannot read {source}: {exc}", "无法打开该文件") from exc
    else:
        data = source
    if len(data) > MAX_FILE_BYTES:
        raise ScanError(f"image data larger than {MAX_FILE_BYTES} bytes", "图片文件过大")
    # Decoders for untrusted bytes can fail in many ways (OSError, SyntaxError, struct.error, ...);
    # the decompression-bomb warning is promoted to an error so it cannot slip through as a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            _check_size(*image.size)
            image.load()
        except ScanError:
            raise
        except Exception as exc:
            raise ScanError(f"not a readable image: {type(exc).__name__}: {exc}") from exc
    return image


def _to_gray(image: Image.Image) -> Image.Image:
    if image.mode == "L":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent PNGs: put them on white, else transparent background turns black under the code.
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        return ImageOps.autocontrast(image.convert("F").convert("L", dither=Image.Dither.NONE))
    return image.convert("L")


class _Pass(NamedTuple):
    symbol: RawSymbol
    to_source: Callable[[float, float], tuple[float, float]]


class _View(NamedTuple):
    """An image derived from the input and the map from its pixel coordinates back to the input's."""

    image: Image.Image
    to_source: Callable[[float, float], tuple[float, float]]


def _identity(x: float, y: float) -> tuple[float, float]:
    return x, y


def _scaled(gray: Image.Image, long_side: int) -> _View:
    scale = min(1.0, long_side / max(gray.size))
    if scale >= 1.0:
        return _View(gray, _identity)
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    fx, fy = gray.width / size[0], gray.height / size[1]
    return _View(gray.resize(size, Image.Resampling.BOX), lambda x, y: (x * fx, y * fy))


def _smoothed(view: _View) -> _View:
    # zbar finds bar edges from raw pixel differences; sensor grain between bars defeats it.
    return _View(view.image.filter(ImageFilter.BoxBlur(1)), view.to_source)


def _rotated(view: _View, angle: float) -> _View:
    frame = view.image
    turned = straightened(frame, angle)
    # PIL rotates counter-clockwise about the centre; undo that to map points back onto the input.
    cx, cy, fx, fy = turned.width / 2, turned.height / 2, frame.width / 2, frame.height / 2
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def back(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        return view.to_source(fx + dx * cos - dy * sin, fy + dx * sin + dy * cos)

    return _View(turned, back)


def _cropped(gray: Image.Image, box: Box) -> _View:
    crop = gray.crop((box.left, box.top, box.right, box.bottom))
    inner = _scaled(crop, CROP_SIDE)

    def back(x: float, y: float) -> tuple[float, float]:
        cx, cy = inner.to_source(x, y)
        return cx + box.left, cy + box.top

    return _View(inner.image, back)


def _strip(view: _View) -> _View:
    def back(x: float, y: float) -> tuple[float, float]:
        return view.to_source(x / STRETCH, y * BAND + BAND / 2)

    return _View(bar_strip(view.image), back)


def _scan_zbar(view: _View, density: int = 1) -> list[_Pass]:
    image = view.image
    return [_Pass(s, view.to_source) for s in zbar.scan_gray(image.tobytes(), image.width, image.height, density)]


def _scan_zxing(view: _View) -> list[_Pass]:
    return [_Pass(s, view.to_source) for s in zxing.scan_gray(view.image)]


def _scans(view: _View, engines: tuple[str, ...], density: int = 1) -> Iterator[Scan]:
    """One pass over ``view`` per engine, in the order given."""
    for engine in engines:
        if engine == ZXING:
            yield lambda: _scan_zxing(view)
        elif engine == ZBAR:
            yield lambda: _scan_zbar(view, density)


def _rect(found: _Pass) -> Rect:
    if not found.symbol.points:
        return Rect(0, 0, 0, 0)
    mapped = [found.to_source(x, y) for x, y in found.symbol.points]
    xs = [x for x, _ in mapped]
    ys = [y for _, y in mapped]
    left, top = round(min(xs)), round(min(ys))
    return Rect(left, top, round(max(xs)) - left, round(max(ys)) - top)


def _decoded(found: _Pass) -> Decoded:
    symbol = found.symbol
    text, encoding = decode_segments(symbol.eci_segments())
    return Decoded(symbol.symbology, text, symbol.data, _rect(found), encoding)


Scan = Callable[[], list[_Pass]]


def _whole_frame(gray: Image.Image, engines: tuple[str, ...]) -> Iterator[Scan]:
    """Cheap passes over the whole frame at about FIRST_PASS_SIDE; tilted retries only for small frames.

    zxing-cpp binarizes locally and tries rotations itself, so only zbar gets the smoothed and tilted views.
    """
    first = _scaled(gray, FIRST_PASS_SIDE)
    big = max(gray.size) > FIRST_PASS_SIDE
    density = BIG_FRAME_DENSITY if big else 1
    yield from _scans(first, engines, density)
    if ZBAR not in engines:
        return
    smooth = _smoothed(first)
    yield lambda: _scan_zbar(smooth, density)
    if not big:
        for angle in RETRY_ANGLES:
            yield lambda angle=angle: _scan_zbar(_rotated(smooth, angle))  # type: ignore[misc]


def _in_region(gray: Image.Image, box: Box, engines: tuple[str, ...]) -> Iterator[Scan]:
    """Full-resolution passes over one candidate box: as is, then straightened and sharpened as a bar strip."""
    crop = _cropped(gray, box)
    yield from _scans(crop, engines)
    angle = bar_normal_degrees(crop.image)
    # The 4-filter estimate is coarse for strongly tilted codes; neighbours cost a few ms each.
    for turn in (angle, angle + ANGLE_STEP, angle - ANGLE_STEP):
        yield from _scans(_strip(_rotated(crop, turn)), engines)
    if abs(angle) > STRAIGHT_TOLERANCE:
        yield from _scans(_strip(crop), engines)


def _in_regions(gray: Image.Image, engines: tuple[str, ...]) -> Iterator[Scan]:
    for box in candidate_boxes(gray):
        yield from _in_region(gray, box, engines)


def decode_gray(gray: Image.Image, budget_s: float = BUDGET_S, engines: tuple[str, ...] = ENGINES) -> list[Decoded]:
    """Scan an 8-bit grayscale image and stop at the first pass that finds something.

    First the whole frame downscaled (each engine; zbar also smoothed, and tilted if small), always;
    then, while less than ``budget_s`` seconds of this thread's CPU time are spent, full-resolution
    crops of the regions that look like codes. The budget counts CPU time so a busy machine does not
    change the result. ``engines`` (ZXING, ZBAR) picks and orders the engines, e.g. for the bench.
    """
    unknown = set(engines) - set(ENGINES)
    if unknown or not engines:
        raise ValueError(f"unknown decoding engines: {sorted(unknown) or 'none given'}")
    deadline = time.thread_time() + budget_s
    for scan in _whole_frame(gray, engines):
        if found := scan():
            return [_decoded(f) for f in found]
    for scan in _in_regions(gray, engines):
        if time.thread_time() > deadline:
            break
        if found := scan():
            return [_decoded(f) for f in found]
    return []


def load_gray(image: Image.Image | Path | bytes) -> Image.Image:
    """Open (if needed), size-check and convert to 8-bit grayscale; raises ScanError on anything unreadable."""
    if not isinstance(image, Image.Image):
        image = _open(image)
    _check_size(*image.size)
    try:
        return _to_gray(image)
    except Exception as exc:
        raise ScanError(f"cannot convert image mode {image.mode}: {exc}") from exc


def decode_image(image: Image.Image | Path | bytes, engines: tuple[str, ...] = ENGINES) -> list[Decoded]:
    """All barcodes and QR codes in ``image`` (a PIL image, a file path or encoded bytes); [] if none.

    Raises ScanError for input that is not a readable, reasonably sized image. Safe to call from a
    worker thread: the engines share no state between calls.
    """
    gray = load_gray(image)
    try:
        return decode_gray(gray, engines=engines)
    except (ValueError, MemoryError) as exc:
        raise ScanError(f"decoding failed: {exc}", "识别失败，请重试") from exc
