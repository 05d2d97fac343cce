import random
from dataclasses import replace
from pathlib import Path

import segno
from PIL import Image
from print_helpers import decode_qr_texts, decode_texts, head_band, rasterize

from desktop.cases.numbers import parse_number
from desktop.scan.payload import PayloadKind, classify
from printing.documents import one_time_notice_pdf, receipt_pdf, transfer_slip_pdf
from printing.model import DocCase
from printing.payload import ReceiptPayload, format_receipt_payload, parse_receipt_payload
from printing.qr import QUIET_ZONE, dark_runs, make_qr


def _qr_image(qr: segno.QRCode, scale: int = 4) -> Image.Image:
    """Paint the matrix the same way the PDF does (from dark runs), as a PIL image."""
    modules = qr.symbol_size(border=0)[0]
    side = (modules + 2 * QUIET_ZONE) * scale
    image = Image.new("L", (side, side), 255)
    for row, col, length in dark_runs(qr):
        x, y = (col + QUIET_ZONE) * scale, (row + QUIET_ZONE) * scale
        image.paste(0, (x, y, x + length * scale, y + scale))
    return image


def test_receipt_png_decodes_to_the_link_a_citizen_opens(doc: DocCase, tmp_path: Path) -> None:
    [page] = rasterize(receipt_pdf(doc), tmp_path, dpi=150)
    texts = decode_qr_texts(Image.open(page))
    assert texts == [f"https://zwfw.example.cn/yjs/q/{doc.case_number}?c={doc.query_code}"]
    # ...which the window's scanner takes for this case's receipt.
    payload = classify(texts[0])
    assert (payload.kind, payload.value, payload.query_code) == (
        PayloadKind.RECEIPT,
        parse_number(doc.case_number).canonical,
        doc.query_code,
    )


def test_without_a_base_url_the_receipt_qr_is_the_app_payload(doc: DocCase, tmp_path: Path) -> None:
    offline = replace(doc, hall=replace(doc.hall, receipt_base_url=""))
    [page] = rasterize(receipt_pdf(offline), tmp_path, dpi=150)
    texts = decode_qr_texts(Image.open(page))
    assert [parse_receipt_payload(t) for t in texts] == [ReceiptPayload(doc.case_number, doc.query_code)]


def test_one_time_notice_carries_the_qr_and_barcode_that_reopen_the_case(doc: DocCase, tmp_path: Path) -> None:
    pages = rasterize(one_time_notice_pdf(doc), tmp_path, dpi=200)
    images = [Image.open(p) for p in pages]
    qr = [t for image in images for t in decode_qr_texts(image)]
    assert qr == [f"https://zwfw.example.cn/yjs/q/{doc.case_number}?c={doc.query_code}"]
    assert decode_texts(head_band(images[0]), "CODE128") == [parse_number(doc.case_number).canonical]
    assert classify(parse_number(doc.case_number).canonical).kind is PayloadKind.CASE_NUMBER


def test_transfer_slip_has_no_qr_only_the_barcode(doc: DocCase, tmp_path: Path) -> None:
    pages = rasterize(transfer_slip_pdf(doc, doc.departments[0]), tmp_path, dpi=150)
    assert decode_qr_texts(Image.open(pages[0])) == []


def test_qr_uses_byte_mode_with_utf8_eci_and_at_least_level_m() -> None:
    qr = make_qr("办件")
    assert qr.mode == "byte"
    assert qr.error in {"M", "Q", "H"}  # segno raises the level when it fits in the same version
    assert not qr.is_micro
    without_eci = segno.make("办件", mode="byte", encoding="utf-8", eci=False, error="m")
    assert qr.matrix != without_eci.matrix


CHINESE = "".join(map(chr, range(0x4E00, 0x9FA6)))  # CJK Unified Ideographs
ASCII = "AZaz09-_:;=%?&/ "


def _random_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(rng.choice((CHINESE, ASCII))) for _ in range(size))


def test_three_hundred_random_chinese_payloads_round_trip_through_a_qr_image() -> None:
    rng = random.Random(20251128)
    for _ in range(300):
        case_number, query_code = _random_text(rng, rng.randint(1, 40)), _random_text(rng, rng.randint(0, 12))
        text = format_receipt_payload(case_number, query_code)
        decoded = decode_qr_texts(_qr_image(make_qr(text)))
        assert decoded == [text]
        assert parse_receipt_payload(decoded[0]) == ReceiptPayload(case_number, query_code)
