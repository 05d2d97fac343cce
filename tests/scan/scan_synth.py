"""Synthetic, photo-like barcode images for the scanning tests and bench (PIL only, seeded, no numpy).

Codes are generated the way the app prints them (segno byte-mode UTF-8 QR with ECI; reportlab's
Code 128 / EAN-13 bar patterns), then degraded like a phone photo of a paper slip: placed on
textured paper, perspective-warped, rotated, blurred, unevenly lit, noisy and JPEG-compressed.
"""

from __future__ import annotations

import io
import random

import segno
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.shapes import Group, Rect


def qr_image(text: str, scale: int = 6, error: str = "m", eci: bool = True) -> Image.Image:
    """Black-on-white QR as the receipt prints it: byte mode, UTF-8, with ECI (or without, like many others)."""
    if eci:
        qr = segno.make(text, mode="byte", encoding="utf-8", eci=True, error=error, micro=False)
    else:
        qr = segno.make(text.encode("utf-8"), mode="byte", error=error, micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=scale, border=4)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def _rects(node: object, dx: float = 0.0, dy: float = 0.0) -> list[tuple[float, float, float, float]]:
    if isinstance(node, Rect):
        return [(node.x + dx, node.y + dy, node.width, node.height)] if node.fillColor is not None else []
    if isinstance(node, Group):
        t = node.transform
        out: list[tuple[float, float, float, float]] = []
        for child in node.contents:
            out += _rects(child, dx + t[4], dy + t[5])
        return out
    return []


def barcode_image(kind: str, value: str, module_px: int = 3, height_px: int = 120) -> Image.Image:
    """Linear barcode (reportlab kinds 'Code128' or 'EAN13') painted bar by bar into a white image."""
    drawing = createBarcodeDrawing(kind, value=value, humanReadable=False, barWidth=1, barHeight=40)
    drawing = drawing.expandUserNodes()
    bars = [r for r in _rects(drawing) if r[2] < drawing.width * 0.5]  # drop any full-size background
    quiet = 12 * module_px
    width = round(drawing.width * module_px) + 2 * quiet
    img = Image.new("L", (width, height_px + 2 * quiet), 255)
    draw = ImageDraw.Draw(img)
    for x, _y, w, _h in bars:
        x0 = quiet + round(x * module_px)
        draw.rectangle((x0, quiet, x0 + round(w * module_px) - 1, quiet + height_px), fill=0)
    return img


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [[*row, v] for row, v in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def _perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    # PIL maps output (x, y) to input ((ax+by+c)/(gx+hy+1), (dx+ey+f)/(gx+hy+1)).
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return _solve(rows, rhs)


def paper(size: tuple[int, int], rng: random.Random, tone: int = 225) -> Image.Image:
    """Grayish paper/desk texture: smooth blotches plus fine grain."""
    w, h = size
    blotch = Image.effect_noise((max(2, w // 64), max(2, h // 64)), 14).resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 12)
    base = Image.new("L", size, tone)
    tex = ImageChops.add(ImageChops.subtract(base, Image.new("L", size, 128)), blotch, 1.0, 0)
    return ImageChops.add(ImageChops.subtract(tex, Image.new("L", size, 128)), grain, 1.0, 0).convert("RGB")


def _lighting(size: tuple[int, int], rng: random.Random, depth: int) -> Image.Image:
    grad = Image.linear_gradient("L").rotate(rng.uniform(0, 360), resample=Image.Resampling.BILINEAR, expand=False)
    grad = grad.crop((48, 48, 208, 208)).resize(size, Image.Resampling.BILINEAR)
    return grad.point(lambda p: 255 - depth * p // 255).convert("RGB")


def photo_like(
    code: Image.Image,
    rng: random.Random,
    *,
    out_size: tuple[int, int] = (900, 700),
    fill: float = 0.55,
    blur: float = 1.0,
    noise: float = 10.0,
    light: int = 90,
    warp: float = 0.08,
    quality: int = 70,
) -> bytes:
    """JPEG bytes of ``code`` photographed on paper: warped, rotated, blurred, unevenly lit, noisy."""
    w, h = out_size
    scale = fill * min(w / code.width, h / code.height)
    code_rgb = code.convert("RGB").resize(
        (round(code.width * scale), round(code.height * scale)), Image.Resampling.BICUBIC
    )
    canvas = paper(out_size, rng)
    canvas.paste(
        ImageChops.multiply(canvas.crop((0, 0, *code_rgb.size)), code_rgb),
        ((w - code_rgb.width) // 2, (h - code_rgb.height) // 2),
    )
    canvas = canvas.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, fillcolor=(200, 200, 200))
    jitter = [(rng.uniform(-warp, warp) * w, rng.uniform(-warp, warp) * h) for _ in range(4)]
    corners = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    src = [(cx + jx, cy + jy) for (cx, cy), (jx, jy) in zip(corners, jitter, strict=True)]
    canvas = canvas.transform(
        out_size,
        Image.Transform.PERSPECTIVE,
        _perspective_coeffs(corners, src),
        Image.Resampling.BICUBIC,
        fillcolor=(180, 180, 180),
    )
    canvas = ImageChops.multiply(canvas, _lighting(out_size, rng, light))
    canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    grain = Image.effect_noise(out_size, noise).convert("RGB")
    canvas = ImageChops.add(canvas, grain, 1.0, -128)
    buf = io.BytesIO()
    canvas.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def frame_12mp(code: Image.Image, seed: int, code_px: int = 360, corner: str = "br") -> Image.Image:
    """A 4000x3000 textured frame with a small ``code`` (``code_px`` wide) near one corner, lightly blurred."""
    rng = random.Random(seed)
    size = (4000, 3000)
    frame = paper(size, rng, tone=rng.randint(190, 230))
    draw = ImageDraw.Draw(frame)
    for _ in range(40):  # printed-form clutter: lines and blocks of "text"
        x, y = rng.randrange(0, 3600), rng.randrange(0, 2700)
        draw.rectangle((x, y, x + rng.randrange(50, 400), y + rng.randrange(4, 30)), fill=(90, 90, 90))
    small = (
        code.convert("RGB")
        .resize((code_px, round(code.height * code_px / code.width)), Image.Resampling.BICUBIC)
        .rotate(rng.uniform(-10, 10), expand=True, fillcolor=(255, 255, 255))
    )
    margin = 120
    x = size[0] - small.width - margin if "r" in corner else margin
    y = size[1] - small.height - margin if "b" in corner else margin
    frame.paste(small, (x, y))
    frame = frame.filter(ImageFilter.GaussianBlur(1.2))
    return ImageChops.add(frame, Image.effect_noise(size, 8).convert("RGB"), 1.0, -128)
