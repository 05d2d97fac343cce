"""Help zbar read small, tilted 1-D barcodes in a crop: find the bar direction, straighten, sharpen.

zbar reads bars only along rows and columns and needs crisp edges; at about two pixels per module
in a blurred photo the narrow bars are too faint. Once the bars are upright, averaging BAND rows
into one removes the grain without touching the bar pattern, a 2x horizontal stretch and an unsharp
mask restore the edges, and the resulting strip is small, so zbar reads it in a few milliseconds.
"""

from __future__ import annotations

import math

from PIL import Image, ImageFilter

BAND = 8  # rows averaged into one after straightening
STRETCH = 2  # horizontal upscaling of the averaged strip
# Directional derivatives at 0, 45, 90 and 135 degrees (image y points down).
_KERNELS = {
    0: (-1, 0, 1, -2, 0, 2, -1, 0, 1),
    45: (-2, -1, 0, -1, 0, 1, 0, 1, 2),
    90: (-1, -2, -1, 0, 0, 0, 1, 2, 1),
    135: (0, -1, -2, 1, 0, -1, 2, 1, 0),
}


def _energy(crop: Image.Image, kernel: tuple[int, ...]) -> float:
    # Kernel filters clip at 0, so the two signs are taken separately and added: mean |derivative|.
    total = 0.0
    for sign in (1, -1):
        out = crop.filter(ImageFilter.Kernel((3, 3), [sign * k for k in kernel], scale=1))
        histogram = out.histogram()
        total += sum(i * n for i, n in enumerate(histogram)) / max(1, sum(histogram))
    return total


def bar_normal_degrees(crop: Image.Image) -> float:
    """Direction across the bars in ``crop`` (degrees, image coordinates, 0 = bars upright), from 4 filters."""
    e = {angle: _energy(crop, kernel) for angle, kernel in _KERNELS.items()}
    # Energy ~ a + b*cos(2(theta - phi)) sampled every 45 degrees gives phi directly (a structure tensor).
    return math.degrees(0.5 * math.atan2(e[45] - e[135], e[0] - e[90]))


def straightened(crop: Image.Image, angle: float) -> Image.Image:
    """``crop`` turned counter-clockwise by ``angle`` degrees (PIL's sense) on white, same centre, expanded."""
    if abs(angle) < 0.5:
        return crop
    return crop.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def bar_strip(upright: Image.Image) -> Image.Image:
    """Averaged, stretched, sharpened strip of an image whose bars are upright; x * STRETCH, y / BAND."""
    band = upright.reduce((1, BAND)) if upright.height >= 2 * BAND else upright
    wide = band.resize((band.width * STRETCH, band.height), Image.Resampling.BICUBIC)
    return wide.filter(ImageFilter.UnsharpMask(radius=STRETCH * 1.5, percent=250, threshold=0))
