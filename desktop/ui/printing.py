"""Print, preview and save the PDF documents made by ``printing.documents``.

PySide6-Essentials has QtPrintSupport but no QtPdf, so pypdfium2 renders each PDF page to an image
and the image is painted onto the QPrinter; the paper therefore shows exactly what the PDF shows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QObject, QRectF, QRunnable, QSizeF, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QWidget

MAX_PRINT_DPI = 300  # finer than any receipt printer needs; 600 dpi A4 pages would take 100 MB each
PREVIEW_DPI = 200  # the preview keeps every page image; its print button prints these too

log = logging.getLogger(__name__)
_pdfium_lock = threading.Lock()  # PDFium is not thread-safe; previews and print jobs may overlap


class PrintError(RuntimeError):
    """Printing could not start: unknown printer, no default printer, or an unreadable PDF."""


def _page_images(pdf: bytes, dpi: int) -> Iterator[tuple[QImage, QSizeF]]:
    """Each page as an RGB image at ``dpi`` with its size in points, one page in memory at a time."""
    try:
        with _pdfium_lock:
            document = pdfium.PdfDocument(pdf)
            count = len(document)
    except pdfium.PdfiumError as exc:
        raise PrintError(f"cannot read the PDF: {exc}") from exc
    try:
        for index in range(count):
            with _pdfium_lock:
                page = document[index]
                width, height = page.get_size()
                pil = page.render(scale=dpi / 72, rev_byteorder=True).to_pil().convert("RGB")
                page.close()
            raw = pil.tobytes()
            image = QImage(raw, pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888).copy()
            yield image, QSizeF(width, height)
    finally:
        with _pdfium_lock:
            document.close()


def page_count(pdf: bytes) -> int:
    with _pdfium_lock:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def paint_pdf(printer: QPrinter, pdf: bytes, max_dpi: int = MAX_PRINT_DPI) -> None:
    """Paint every page of ``pdf`` onto ``printer`` (a real queue, a PDF file, or a preview)."""
    printer.setFullPage(True)  # the PDF already has its margins
    dpi = max(72, min(printer.resolution(), max_dpi))
    painter = QPainter()
    started = False
    try:
        for number, (image, size) in enumerate(_page_images(pdf, dpi)):
            if not started:
                page_size = QPageSize(size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
                printer.setPageSize(page_size)
                printer.setPageOrientation(QPageLayout.Orientation.Portrait)
                if not painter.begin(printer):
                    raise PrintError(f"cannot start printing on {printer.printerName() or 'the printer'}")
                started = True
            elif not printer.newPage():
                raise PrintError(f"printer refused page {number + 1}")
            target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
            painter.drawImage(_fit(target, image), image)
    finally:
        if started:
            painter.end()


def _fit(target: QRectF, image: QImage) -> QRectF:
    """The largest rectangle of the image's aspect ratio centred in ``target``."""
    scale = min(target.width() / image.width(), target.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF(target.x() + (target.width() - width) / 2, target.y() + (target.height() - height) / 2, width, height)


def make_printer(printer_name: str | None) -> QPrinter:
    """A high-resolution QPrinter for the named CUPS queue, or the system default printer."""
    info = QPrinterInfo.printerInfo(printer_name) if printer_name else QPrinterInfo.defaultPrinter()
    if info.isNull():
        known = ", ".join(QPrinterInfo.availablePrinterNames()) or "none"
        wanted = f"printer {printer_name!r}" if printer_name else "a default printer"
        raise PrintError(f"there is no {wanted} (available: {known})")
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    return printer


def print_pdf(pdf: bytes, printer_name: str | None = None, doc_name: str = "yishi") -> None:
    """Send ``pdf`` to a printer (blocking: call it from :class:`PrintJob`, not the UI thread)."""
    printer = make_printer(printer_name)
    printer.setDocName(doc_name)
    paint_pdf(printer, pdf)


def save_pdf(pdf: bytes, path: Path) -> Path:
    """Write the document as is: the saved file is byte for byte what would be printed."""
    path = path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")
    path.write_bytes(pdf)
    return path


def save_pdf_dialog(parent: QWidget | None, pdf: bytes, suggested: str) -> Path | None:
    """Ask where to save (另存为 PDF) and save there; ``None`` when the clerk cancels."""
    chosen, _ = QFileDialog.getSaveFileName(parent, "另存为 PDF", suggested, "PDF 文件 (*.pdf)")
    return save_pdf(pdf, Path(chosen)) if chosen else None


def preview_dialog(pdf: bytes, parent: QWidget | None = None, title: str = "打印预览") -> QPrintPreviewDialog:
    """A print preview painting the same page images; its print button prints on the UI thread."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.paintRequested.connect(lambda target: paint_pdf(target, pdf, PREVIEW_DPI))
    dialog.printer_ref = printer  # type: ignore[attr-defined]  # the dialog does not own the printer
    return dialog


class PrintSignals(QObject):
    """Signals of a :class:`PrintJob`, delivered on the thread that owns this object (the UI thread).

    Signals:
        ready(object): the document's PDF ``bytes`` were generated (emitted before printing starts).
        printed(str): the document was handed to this printer queue ("" for the default printer).
        failed(str): generation or printing failed; the text is an English message for the log,
            the UI shows its own Chinese wording.
    """

    ready = Signal(object)
    printed = Signal(str)
    failed = Signal(str)


class PrintJob(QRunnable):
    """Generate a document and, if ``send_to_printer``, print it, on a QThreadPool thread.

    ``make`` returns PDF bytes (e.g. ``lambda: receipt_pdf(doc)``); it and the printing never touch
    widgets. Connect to ``job.signals`` before ``QThreadPool.start(job)``.
    """

    def __init__(
        self, make: Callable[[], bytes], printer_name: str | None = None, send_to_printer: bool = False
    ) -> None:
        super().__init__()
        self.make = make
        self.printer_name = printer_name
        self.send_to_printer = send_to_printer
        self.signals = PrintSignals()

    def run(self) -> None:
        try:
            pdf = self.make()
            self.signals.ready.emit(pdf)
            if self.send_to_printer:
                print_pdf(pdf, self.printer_name)
                self.signals.printed.emit(self.printer_name or "")
        except Exception as exc:  # reported to the UI, never lost in the pool thread
            log.exception("print job failed")
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
