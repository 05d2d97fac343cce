"""The Qt print path: PDF pages painted onto a QPrinter, off the UI thread, plus preview and save."""

from pathlib import Path

import pytest
from pypdf import PdfReader

from printing.documents import deferred_notice_pdf, receipt_pdf
from printing.model import DocCase

pytestmark = pytest.mark.gui
qt_print = pytest.importorskip("desktop.ui.printing", exc_type=ImportError)
QtPrintSupport = pytest.importorskip("PySide6.QtPrintSupport", exc_type=ImportError)
QtCore = pytest.importorskip("PySide6.QtCore", exc_type=ImportError)
QtGui = pytest.importorskip("PySide6.QtGui", exc_type=ImportError)


def _file_printer(path: Path) -> "QtPrintSupport.QPrinter":
    printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_painting_a_pdf_gives_one_a4_sheet_per_page(qapp: object, doc: DocCase, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    qt_print.paint_pdf(_file_printer(out), deferred_notice_pdf(doc))
    pages = PdfReader(out).pages
    assert len(pages) == 2
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2


def test_printed_page_is_not_blank(qapp: object, doc: DocCase, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    qt_print.paint_pdf(_file_printer(out), receipt_pdf(doc), max_dpi=100)
    page = PdfReader(out).pages[0]
    images = list(page.images)
    assert images, "the page image was not painted"
    gray = images[0].image.convert("L")
    assert gray.getextrema()[0] < 50  # black text and QR are there


def test_unknown_printer_is_refused_with_the_queues_known(qapp: object, doc: DocCase) -> None:
    with pytest.raises(qt_print.PrintError, match="no printer 'no-such-queue'"):
        qt_print.print_pdf(receipt_pdf(doc), "no-such-queue")


def test_unreadable_pdf_is_a_print_error(qapp: object, tmp_path: Path) -> None:
    with pytest.raises(qt_print.PrintError, match="cannot read"):
        qt_print.paint_pdf(_file_printer(tmp_path / "x.pdf"), b"not a pdf")


def test_job_generates_off_the_ui_thread_and_signals_ready(qtbot: object, doc: DocCase) -> None:
    threads: list[object] = []

    def make() -> bytes:
        threads.append(QtCore.QThread.currentThread())
        return receipt_pdf(doc)

    job = qt_print.PrintJob(make)
    with qtbot.waitSignal(job.signals.ready, timeout=20_000) as blocker:  # type: ignore[attr-defined]
        QtCore.QThreadPool.globalInstance().start(job)
    assert blocker.args[0].startswith(b"%PDF")
    assert threads and threads[0] is not QtCore.QThread.currentThread()


def test_job_reports_failure_instead_of_raising(qtbot: object) -> None:
    def make() -> bytes:
        raise ValueError("boom")

    job = qt_print.PrintJob(make)
    with qtbot.waitSignal(job.signals.failed, timeout=20_000) as blocker:  # type: ignore[attr-defined]
        QtCore.QThreadPool.globalInstance().start(job)
    assert blocker.args == ["ValueError: boom"]


def test_job_to_a_missing_printer_fails_after_ready(qtbot: object, doc: DocCase) -> None:
    job = qt_print.PrintJob(lambda: receipt_pdf(doc), "no-such-queue", send_to_printer=True)
    failures: list[str] = []
    job.signals.failed.connect(failures.append)  # type: ignore[attr-defined]
    with qtbot.waitSignals([job.signals.ready, job.signals.failed], timeout=20_000):  # type: ignore[attr-defined]
        QtCore.QThreadPool.globalInstance().start(job)
    assert len(failures) == 1 and "no printer 'no-such-queue'" in failures[0]


def test_save_writes_the_same_bytes_with_pdf_suffix(doc: DocCase, tmp_path: Path) -> None:
    pdf = receipt_pdf(doc)
    path = qt_print.save_pdf(pdf, tmp_path / "回执")
    assert path.name == "回执.pdf" and path.read_bytes() == pdf


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_preview_paints_the_pages(qtbot: object, doc: DocCase) -> None:
    dialog = qt_print.preview_dialog(deferred_notice_pdf(doc))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    painted: list[object] = []
    dialog.paintRequested.connect(painted.append)
    dialog.show()
    qtbot.waitUntil(lambda: bool(painted), timeout=20_000)  # type: ignore[attr-defined]
    preview = dialog.findChild(QtPrintSupport.QPrintPreviewWidget)
    assert preview is not None
    qtbot.waitUntil(lambda: preview.pageCount() == 2, timeout=20_000)  # type: ignore[attr-defined]
    shown = preview.grab().toImage()
    # what the clerk sees holds the document: dark text on the white sheet, not an empty grey canvas
    dark = sum(
        1
        for y in range(0, shown.height(), 4)
        for x in range(0, shown.width(), 4)
        if QtGui.QColor(shown.pixel(x, y)).lightness() < 80
    )
    assert dark > 50
    dialog.close()


def test_page_images_are_rendered_at_the_requested_resolution(qapp: object, doc: DocCase) -> None:
    [(image, size)] = list(qt_print._page_images(receipt_pdf(doc), 72))
    assert abs(image.width() - size.width()) <= 1 and abs(image.height() - size.height()) <= 1
