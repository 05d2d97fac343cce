"""A receipt through print_pdf to a real CUPS queue backed by cups-pdf (scripts/cups-start.sh)."""

import os
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image
from print_helpers import decode_qr_texts, rasterize
from pypdf import PdfReader

from desktop.scan.payload import PayloadKind, classify
from printing.documents import receipt_pdf
from printing.model import DocCase

pytestmark = [pytest.mark.cups, pytest.mark.gui]
QUEUE = os.environ.get("YISHI_TEST_PRINTER", "")
if not QUEUE:
    pytest.skip("YISHI_TEST_PRINTER names no CUPS queue", allow_module_level=True)
qt_print = pytest.importorskip("desktop.ui.printing", exc_type=ImportError)

WAIT_SECONDS = 60


def _output_dirs() -> list[Path]:
    # cups-pdf writes a local user's jobs to ~/PDF and anyone else's to the anonymous folder.
    override = os.environ.get("YISHI_TEST_PRINTER_OUTDIR")
    dirs = [Path(override)] if override else []
    return [*dirs, Path.home() / "PDF", Path("/var/spool/cups-pdf/ANONYMOUS")]


def _wait_for_pdf(token: str) -> Path:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        for directory in _output_dirs():
            found = [p for p in directory.glob(f"*{token}*.pdf") if p.stat().st_size > 0] if directory.is_dir() else []
            if found:
                time.sleep(0.5)  # cups-pdf may still be writing; the size is checked again by the reader
                return found[0]
        time.sleep(0.25)
    raise AssertionError(f"no PDF with {token!r} in {[str(d) for d in _output_dirs()]} after {WAIT_SECONDS}s")


def test_receipt_printed_to_cups_pdf_queue_arrives_and_its_qr_still_decodes(
    qapp: object, doc: DocCase, tmp_path: Path
) -> None:
    token = f"yishitest{uuid.uuid4().hex[:12]}"
    qt_print.print_pdf(receipt_pdf(doc), QUEUE, doc_name=token)
    printed = _wait_for_pdf(token)
    try:
        assert len(PdfReader(printed).pages) == 1
        [page] = rasterize(printed.read_bytes(), tmp_path, dpi=150)
        texts = decode_qr_texts(Image.open(page))
        # the printed QR is the citizen's link, and the window's scanner takes it for this case's receipt
        assert texts == [f"https://zwfw.example.cn/yjs/q/{doc.case_number}?c={doc.query_code}"]
        payload = classify(texts[0])
        assert (payload.kind, payload.query_code) == (PayloadKind.RECEIPT, doc.query_code)
    finally:
        printed.unlink(missing_ok=True)
