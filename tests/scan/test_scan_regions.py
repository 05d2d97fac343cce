"""Big frames: candidate regions, straightened bar strips, small Code 128 at full size, misses that give up."""

from __future__ import annotations

import pytest
from PIL import Image
from scan_synth import barcode_image, frame_12mp, qr_image

from desktop.scan.decode import decode_gray, decode_image
from desktop.scan.linear import bar_normal_degrees, bar_strip
from desktop.scan.regions import candidate_boxes

CASE_NUMBER = "2101020010326112800074"


def _small_code128_frame(text: str, ppm: float, seed: int, corner: str) -> Image.Image:
    code = barcode_image("Code128", text)
    return frame_12mp(code, seed=seed, code_px=round(code.width / 3 * ppm), corner=corner)


def test_small_code128_in_a_12_megapixel_frame_is_read_at_full_size() -> None:
    frame = _small_code128_frame(CASE_NUMBER, 2.2, seed=11, corner="tl")
    found = decode_image(frame)
    assert [(d.symbology, d.text) for d in found] == [("CODE128", CASE_NUMBER)]
    rect = found[0].rect
    assert rect.left < 700 and rect.top < 500  # mapped back through crop, rotation and strip


def test_frame_without_any_code_finds_nothing() -> None:
    frame = frame_12mp(Image.new("L", (8, 8), 255), seed=3, code_px=8)
    assert decode_image(frame) == []


def test_whole_frame_passes_run_even_with_no_budget_left() -> None:
    frame = frame_12mp(qr_image("YISHI:1;N=2101020010326112800074;Q=583920"), seed=5, code_px=320)
    assert [d.text for d in decode_gray(frame.convert("L"), budget_s=0.0)] == [
        "YISHI:1;N=2101020010326112800074;Q=583920"
    ]


def test_busiest_candidate_box_holds_the_code() -> None:
    frame = _small_code128_frame("CASE000003", 2.0, seed=7, corner="br").convert("L")
    box = candidate_boxes(frame)[0]
    assert box.left > 3000 and box.top > 2500 and box.right <= 4000 and box.bottom <= 3000


def test_plain_paper_has_no_candidate_boxes() -> None:
    assert candidate_boxes(Image.new("L", (4000, 3000), 220)) == []


@pytest.mark.parametrize("tilt", [0, 10, -10, 33, -33, 90])
def test_bar_direction_estimate_turns_the_bars_upright(tilt: float) -> None:
    code = barcode_image("Code128", CASE_NUMBER)
    tilted = code.rotate(tilt, expand=True, fillcolor=255)
    estimate = bar_normal_degrees(tilted)
    residual = (tilt - estimate + 90) % 180 - 90  # bars are the same turned by 180 degrees
    assert abs(residual) <= 15


@pytest.mark.parametrize("size", [(1, 1), (1, 3000), (3000, 1), (2, 40), (40, 2), (33, 33)])
def test_thin_and_tiny_images_decode_to_nothing_without_errors(size: tuple[int, int]) -> None:
    image = Image.new("L", size, 0)
    image.putpixel((0, 0), 255)
    assert decode_image(image) == []
    assert bar_strip(image).width == 2 * size[0]
