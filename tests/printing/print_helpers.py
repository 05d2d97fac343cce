"""Helpers for the printing tests: PDF text, PNG rendering and QR decoding."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def rasterize(pdf: bytes, tmp_path: Path, dpi: int = 150) -> list[Path]:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def _decoder() -> Callable[[Image.Image], list[str]]:
    try:
        from desktop.scan.decode import decode_image
    except ImportError:
        decode_image = None
    if decode_image is not None:
        return lambda image: [d.text for d in decode_image(image) if d.symbology == "QRCODE"]

    from pyzbar.pyzbar import ZBarSymbol, decode

    return lambda image: [s.data.decode("utf-8") for s in decode(image, symbols=[ZBarSymbol.QRCODE])]


decode_qr_texts = _decoder()
