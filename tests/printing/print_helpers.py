"""Helpers for the printing tests: PDF text, PNG rendering and QR decoding."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from desktop.scan.decode import decode_image


def flat(text: str) -> str:
    """Text without whitespace: pypdf breaks lines (and sometimes spaces) where the layout wraps."""
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def rasterize(pdf: bytes, tmp_path: Path, dpi: int = 150) -> list[Path]:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def decode_texts(image: Image.Image, symbology: str = "QRCODE") -> list[str]:
    """The texts of every ``symbology`` symbol (QRCODE, CODE128) the app's own scanner reads in ``image``."""
    return [d.text for d in decode_image(image) if d.symbology == symbology]


def head_band(image: Image.Image) -> Image.Image:
    """The top fifth of a page, where a document's number and barcode stand (what a clerk aims the scanner at)."""
    width, height = image.size
    return image.crop((0, 0, width, height // 5))


def decode_qr_texts(image: Image.Image) -> list[str]:
    return decode_texts(image, "QRCODE")
