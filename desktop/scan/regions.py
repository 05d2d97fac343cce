"""Where in a big frame a code may be: cells of dense edges on a half-size copy, grouped into boxes.

Printed codes are the busiest small areas of a photo: bar and module edges of full contrast, many
per millimetre. Paper grain and lighting give weak, even edges. A Laplacian (FIND_EDGES) of the
half-size frame, averaged over cells of CELL full-size pixels, separates the two by a factor of
three or more; neighbouring busy cells are joined into boxes, busiest first. Pure PIL, no Qt.
"""

from __future__ import annotations

import statistics
from typing import NamedTuple

from PIL import Image, ImageFilter

CELL = 32  # full-size pixels per cell side
MAX_BOXES = 6
MIN_EDGE = 20  # mean edge strength of a cell below which it is never busy (even on blank paper)
MIN_CELLS = 2  # one busy cell alone is text or a speck, not a code
MARGIN_CELLS = 1  # quiet zone and the ends of a tilted code around the busy cells


class Box(NamedTuple):
    """A candidate region in full-size pixel coordinates (right and bottom exclusive) and its edge score."""

    left: int
    top: int
    right: int
    bottom: int
    score: int


def _cell_means(gray: Image.Image) -> Image.Image:
    step = 2 if min(gray.size) >= 4 * CELL else 1
    half = gray.reduce(step) if step > 1 else gray
    edges = half.filter(ImageFilter.FIND_EDGES)
    # PIL leaves the one-pixel border unfiltered (the original pixels); blank it so it is not an "edge".
    inner = edges.crop((1, 1, edges.width - 1, edges.height - 1)) if min(edges.size) > 2 else edges
    edges = Image.new("L", edges.size, 0)
    edges.paste(inner, (1, 1))
    return edges.reduce(max(1, CELL // step))


def _threshold(values: bytes) -> int:
    median = statistics.median(values)
    return max(int(median * 2.5), int(median) + 12, MIN_EDGE)


def _components(busy: list[bool], width: int, height: int) -> list[list[int]]:
    seen = [False] * len(busy)
    groups = []
    for start, on in enumerate(busy):
        if not on or seen[start]:
            continue
        seen[start] = True
        stack, group = [start], []
        while stack:
            i = stack.pop()
            group.append(i)
            x, y = i % width, i // width
            for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
                j = ny * width + nx
                if 0 <= nx < width and 0 <= ny < height and busy[j] and not seen[j]:
                    seen[j] = True
                    stack.append(j)
        groups.append(group)
    return groups


def _box(group: list[int], values: bytes, grid: tuple[int, int], size: tuple[int, int]) -> Box:
    width, height = grid
    xs = [i % width for i in group]
    ys = [i // width for i in group]
    left = max(0, min(xs) - MARGIN_CELLS) * CELL
    top = max(0, min(ys) - MARGIN_CELLS) * CELL
    right = min(size[0], (min(width, max(xs) + 1 + MARGIN_CELLS)) * CELL)
    bottom = min(size[1], (min(height, max(ys) + 1 + MARGIN_CELLS)) * CELL)
    return Box(left, top, right, bottom, sum(values[i] for i in group))


def candidate_boxes(gray: Image.Image, limit: int = MAX_BOXES) -> list[Box]:
    """Up to ``limit`` boxes of ``gray`` (8-bit) that look like printed codes, highest edge score first."""
    cells = _cell_means(gray)
    values = cells.tobytes()
    if len(values) < 4:
        return []
    threshold = _threshold(values)
    busy = [v >= threshold for v in values]
    groups = [g for g in _components(busy, *cells.size) if len(g) >= MIN_CELLS]
    boxes = [_box(g, values, cells.size, gray.size) for g in groups]
    return sorted(boxes, key=lambda b: -b.score)[:limit]
