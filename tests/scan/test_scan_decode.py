"""decode_image: photo-like fixtures, Chinese QR payloads, a small code in a 12 MP frame, hostile input."""

from __future__ import annotations

import io
import json
import random
import struct
import zlib
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pyzbar import pyzbar
from scan_synth import barcode_image, frame_12mp, qr_image

from desktop.scan.decode import Decoded, ScanError, decode_image
from desktop.scan.job import scan_picture
from desktop.scan.payload import PayloadKind
from desktop.scan.zbar import binary_qr_supported

DATA = Path(__file__).parents[1] / "data" / "scan"
MANIFEST = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))


def _chinese(rng: random.Random) -> str:
    # Any CJK unified ideograph (U+4E00..U+9FA5), sometimes with full-width punctuation or ASCII.
    pieces = [chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(1, 12))]
    if rng.random() < 0.3:
        pieces.insert(rng.randrange(len(pieces) + 1), rng.choice("，。：；（）、A1"))
    return "".join(pieces)


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_fixture_images_decode_to_their_text(entry: dict[str, str]) -> None:
    found = decode_image(DATA / entry["file"])
    assert (entry["symbology"], entry["text"]) in [(d.symbology, d.text) for d in found]


def test_three_hundred_short_chinese_payloads_round_trip_intact() -> None:
    rng = random.Random(20261128)
    texts = [_chinese(rng) for _ in range(300)]
    failures = []
    for i, text in enumerate(texts):
        found = decode_image(_jpeg(qr_image(text, scale=4, eci=i % 2 == 0)))
        if [d.text for d in found] != [text]:
            failures.append((text, [d.text for d in found]))
    assert failures == []


def test_zbar_default_mode_garbles_chinese_without_eci_which_is_why_binary_mode_is_on() -> None:
    rng = random.Random(7)
    texts = [_chinese(rng) for _ in range(60)]
    garbled = 0
    for text in texts:
        image = qr_image(text, scale=4, eci=False)
        plain = pyzbar.decode(image)
        garbled += plain[0].data.decode("utf-8", "replace") != text
        assert decode_image(image)[0].text == text
    assert binary_qr_supported()
    assert garbled > 0  # if zbar ever stops guessing Shift-JIS this documents it


def test_small_qr_in_the_corner_of_a_12_megapixel_frame_is_found() -> None:
    text = "YISHI:1;N=2101020010326112800074;Q=583920"
    frame = frame_12mp(qr_image(text), seed=5, code_px=320, corner="br")
    assert frame.size == (4000, 3000)
    found = decode_image(frame)
    assert [d.text for d in found] == [text]
    rect = found[0].rect
    assert rect.left > 3000 and rect.top > 2000  # reported in full-frame coordinates


def test_tilted_code128_is_read_after_straightening() -> None:
    code = barcode_image("Code128", "2101020010326112800074")
    canvas = Image.new("L", (1200, 900), 255)
    canvas.paste(code, (200, 350))
    tilted = canvas.rotate(33, fillcolor=255)
    found = decode_image(tilted)
    assert [(d.symbology, d.text) for d in found] == [("CODE128", "2101020010326112800074")]
    assert 100 < found[0].rect.left + found[0].rect.width / 2 < 1100


def test_empty_picture_finds_nothing() -> None:
    assert decode_image(Image.new("RGB", (800, 600), (240, 240, 240))) == []


def test_transparent_png_is_read_on_white() -> None:
    qr = qr_image("透明背景")
    rgba = Image.new("RGBA", qr.size, (0, 0, 0, 0))
    rgba.putalpha(qr.point(lambda p: 255 - p))
    buf = io.BytesIO()
    rgba.save(buf, "PNG")
    assert [d.text for d in decode_image(buf.getvalue())] == ["透明背景"]


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def _bomb() -> bytes:
    # 30000 x 30000 gray PNG whose pixel data compresses to almost nothing.
    row = b"\x00" + b"\xff" * 30000
    data = zlib.compress(row * 200, 9)
    idat = b"IDAT" + data
    return _png_header(30000, 30000) + struct.pack(">I", len(data)) + idat + struct.pack(">I", zlib.crc32(idat))


HOSTILE = {
    "empty": b"",
    "not an image": b"%PDF-1.7 this is not a picture at all",
    "random bytes": random.Random(1).randbytes(5000),
    "truncated jpeg": _jpeg(qr_image("截断"))[:700],
    "png header only": _png_header(100, 100),
    "huge dimensions": _png_header(60000, 60000),
    "decompression bomb": _bomb(),
    "zero size header": _png_header(0, 0),
}


@pytest.mark.parametrize("data", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_raises_scan_error_only(data: bytes) -> None:
    with pytest.raises(ScanError) as caught:
        decode_image(data)
    assert caught.value.clerk_message


def test_huge_in_memory_image_is_refused_before_scanning() -> None:
    with pytest.raises(ScanError):
        decode_image(Image.new("L", (21000, 10)))


def test_missing_file_is_a_scan_error(tmp_path: Path) -> None:
    with pytest.raises(ScanError):
        decode_image(tmp_path / "nope.jpg")


def test_worker_call_reports_errors_as_text_and_classifies_hits(tmp_path: Path) -> None:
    bad = scan_picture(b"garbage")
    assert bad.hits == () and bad.error
    picture = tmp_path / "receipt.jpg"
    picture.write_bytes((DATA / "qr_receipt.jpg").read_bytes())
    report = scan_picture(picture)
    assert report.error == ""
    assert [h.payload.kind for h in report.recognised()] == [PayloadKind.RECEIPT]
    assert isinstance(report.hits[0].decoded, Decoded)
    assert "1" in report.message


@pytest.mark.parametrize("symbology", ["DataMatrix", "PDF417", "Aztec"])
@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_two_dimensional_codes_zbar_lacks_are_read_by_zxing_cpp(symbology: str, degrees: int) -> None:
    text = f"{symbology}：沈阳市一件事 2101020010326112800074"
    code = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, symbology))
    written = zxingcpp.write_barcode_to_image(code, scale=3)
    height, width = written.shape[:2]
    image = Image.frombytes("L", (width, height), memoryview(written).tobytes())  # type: ignore[arg-type]
    canvas = Image.new("L", (image.width + 80, image.height + 80), 255)
    canvas.paste(image, (40, 40))
    found = decode_image(canvas.rotate(degrees, expand=True))
    assert [(d.symbology, d.text) for d in found] == [(symbology.upper(), text)]
