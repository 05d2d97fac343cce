"""Find barcodes and QR codes in an image: hostile-input-safe loading, fast pyramid scan, text decoding.

Phone photos are large (12 MP) and zbar's time grows with pixels, so we scan a grayscale copy
downscaled to about 1600 px on the long side first and only go up in resolution when nothing is
found there. Every failure to read the input is a ScanError; nothing else escapes.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageFilter, ImageOps

from desktop.scan.zbar import RawSymbol, scan_gray

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 64_000_000  # a 48 MP phone photo fits; bigger headers are refused before decoding
MAX_SIDE = 20_000
FIRST_PASS_SIDE = 1600
SECOND_PASS_SIDE = 3200
# zbar reads 1-D codes only along rows and columns, so a tilted barcode needs a straightened retry.
RETRY_ANGLES = (15.0, -15.0, 30.0, -30.0, 45.0, -45.0)
TEXT_ENCODINGS = ("utf-8", "gb18030")


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
    """One decoded symbol: zbar symbology name (QRCODE, CODE128, EAN13, ...), text, raw bytes, box and charset."""

    symbology: str
    text: str
    raw: bytes
    rect: Rect
    encoding: str


def bytes_to_text(raw: bytes) -> tuple[str, str]:
    """Decode payload bytes as UTF-8, then GB18030, else latin-1 shown as-is; returns (text, encoding)."""
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


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


def _scaled(gray: Image.Image, long_side: int) -> tuple[Image.Image, float]:
    scale = min(1.0, long_side / max(gray.size))
    if scale >= 1.0:
        return gray, 1.0
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    return gray.resize(size, Image.Resampling.BOX), gray.width / size[0]


def _scan_at(gray: Image.Image, long_side: int) -> list[_Pass]:
    frame, factor = _scaled(gray, long_side)
    symbols = scan_gray(frame.tobytes(), frame.width, frame.height)
    return [_Pass(s, lambda x, y: (x * factor, y * factor)) for s in symbols]


def _scan_rotated(gray: Image.Image, long_side: int, angle: float) -> list[_Pass]:
    frame, factor = _scaled(gray, long_side)
    turned = frame.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    symbols = scan_gray(turned.tobytes(), turned.width, turned.height)
    # PIL rotates counter-clockwise about the centre; undo that to map points back onto the input.
    cx, cy, fx, fy = turned.width / 2, turned.height / 2, frame.width / 2, frame.height / 2
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def back(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        return ((fx + dx * cos - dy * sin) * factor, (fy + dx * sin + dy * cos) * factor)

    return [_Pass(s, back) for s in symbols]


def _rect(found: _Pass) -> Rect:
    if not found.symbol.points:
        return Rect(0, 0, 0, 0)
    mapped = [found.to_source(x, y) for x, y in found.symbol.points]
    xs = [x for x, _ in mapped]
    ys = [y for _, y in mapped]
    left, top = round(min(xs)), round(min(ys))
    return Rect(left, top, round(max(xs)) - left, round(max(ys)) - top)


def _decoded(found: _Pass) -> Decoded:
    text, encoding = bytes_to_text(found.symbol.data)
    return Decoded(found.symbol.symbology, text, found.symbol.data, _rect(found), encoding)


def _smoothed(gray: Image.Image) -> Image.Image:
    # zbar finds bar edges from raw pixel differences; sensor grain between bars defeats it.
    return gray.filter(ImageFilter.BoxBlur(1))


def _passes(gray: Image.Image) -> Iterator[Callable[[], list[_Pass]]]:
    longest = max(gray.size)
    yield lambda: _scan_at(gray, FIRST_PASS_SIDE)
    small, factor = _scaled(gray, FIRST_PASS_SIDE)
    smooth = _smoothed(small)
    yield lambda: _scale_back(_scan_at(smooth, FIRST_PASS_SIDE), factor)
    for angle in RETRY_ANGLES:
        yield lambda angle=angle: _scale_back(_scan_rotated(smooth, FIRST_PASS_SIDE, angle), factor)  # type: ignore[misc]
    if longest > FIRST_PASS_SIDE:
        yield lambda: _scan_at(gray, SECOND_PASS_SIDE)
    if longest > SECOND_PASS_SIDE:
        yield lambda: _scan_at(gray, longest)


def _scale_back(found: list[_Pass], factor: float) -> list[_Pass]:
    def scaled(f: _Pass) -> _Pass:
        return _Pass(f.symbol, lambda x, y: _times(f.to_source(x, y), factor))

    return [scaled(f) for f in found]


def _times(point: tuple[float, float], factor: float) -> tuple[float, float]:
    return point[0] * factor, point[1] * factor


def decode_gray(gray: Image.Image) -> list[Decoded]:
    """Scan an 8-bit grayscale image: downscaled, then tilted retries, then larger; stops at the first hit."""
    for scan in _passes(gray):
        found = scan()
        if found:
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


def decode_image(image: Image.Image | Path | bytes) -> list[Decoded]:
    """All barcodes and QR codes in ``image`` (a PIL image, a file path or encoded bytes); [] if none.

    Raises ScanError for input that is not a readable, reasonably sized image. Safe to call from a
    worker thread: the zbar calls release the GIL and share no state.
    """
    gray = load_gray(image)
    try:
        return decode_gray(gray)
    except (ValueError, MemoryError) as exc:
        raise ScanError(f"zbar failed: {exc}", "识别失败，请重试") from exc
