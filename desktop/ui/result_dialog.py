"""办理结果: the case number and decision, and 打印 / 预览 / 另存为PDF for each of the case's documents.

Shown after a decision (the case is already committed) and for a reprint from the case list. Each
document is generated and printed (``desktop.ui.printing.print_pdf``) by an Op on a one-thread pool,
so documents reach the printer in the order the clerk clicked. A failure shows a Chinese message in
the dialog and leaves the clerk free to retry or save the PDF: nothing about the case is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QThreadPool, Signal
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.states import DECISION_LABELS, Decision
from desktop.ui import printing as qt_print
from desktop.ui.printer_dialog import PrinterDialog, printer_label
from desktop.ui.workers import Op, serial_pool
from printing.documents import TITLES, DocKind, pdf_bytes, transfer_slip_pdf
from printing.from_case import CaseDocuments, document_file_name
from printing.model import DocCase

DECISION_COLORS = {
    Decision.ACCEPT: "#1e7e34",
    Decision.DEFER: "#b36b00",
    Decision.NOTIFY: "#1f5fa8",
    Decision.REJECT: "#b02a37",
}
NOTES = {
    DocKind.RECEIPT: "交申请人",
    DocKind.DEFERRED: "一式两联：申请人留存、窗口存档",
    DocKind.ONE_TIME: "交申请人，告知需补正的全部材料",
    DocKind.REJECT: "交申请人，载明理由和救济途径",
    DocKind.APPLICATION: "申请人核对签字，窗口存档",
}


@cache
def print_pool() -> QThreadPool:
    """The one thread that generates and prints documents, in the order asked."""
    return serial_pool()


def document_maker(doc: DocCase, key: str) -> Callable[[], bytes]:
    """The PDF maker of a document key: a DocKind value, or ``transfer:<department>``."""
    kind, _, department = key.partition(":")
    if department:
        return partial(transfer_slip_pdf, doc, department)
    return partial(pdf_bytes, kind, doc)


def produce(make: Callable[[], bytes], printer: str | None, job_name: str = "yishi") -> bytes:
    """Blocking (print thread): make the PDF and, unless ``printer`` is None, print it ("" = default)."""
    pdf = make()
    if printer is not None:
        qt_print.print_pdf(pdf, printer or None, doc_name=job_name)
    return pdf


def chinese_print_error(message: str, printer_name: str) -> str:
    """The clerk's wording for a PrintJob failure (its message is English, for the log)."""
    where = f"打印机“{printer_name}”" if printer_name else "系统默认打印机"
    if "a default printer" in message:
        return "系统没有默认打印机。请点“打印设置”选择一台打印机，或先另存为PDF。"
    if "there is no printer" in message:
        return f"找不到{where}。请检查打印机是否连接、打印服务是否运行，或在“打印设置”中另选一台；也可先另存为PDF。"
    if "cannot start printing" in message or "refused" in message:
        return f"{where}无法开始打印（打印服务可能未运行）。请稍后重试或另存为PDF。"
    return f"文书生成或打印失败：{message}。办件已保存，可重试或另存为PDF。"


class ResultDialog(QDialog):
    """The documents of one decided case. ``printer_name`` "" means the system default.

    Signals:
        generated(str, object): the PDF ``bytes`` of a document key (a DocKind value, or
            ``transfer:<department>`` for one department's slip) are ready.
        printed(str, str): a document key was sent to this printer ("" = system default).
        saved(str): a document was saved as a PDF at this path.
        preview_opened(object): a QPrintPreviewDialog is showing a document.
        failed(str): something went wrong; the Chinese message is also shown in the dialog.
        printer_changed(str): the clerk chose another printer in 打印设置.
    """

    generated = Signal(str, object)
    printed = Signal(str, str)
    saved = Signal(str)
    preview_opened = Signal(object)
    failed = Signal(str)
    printer_changed = Signal(str)

    def __init__(self, docs: CaseDocuments, printer_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.docs = docs
        self.printer_name = printer_name
        self.buttons: dict[str, dict[str, QPushButton]] = {}
        self.jobs: set[str] = set()  # documents being generated or printed
        self.setWindowTitle(f"办理结果 · {docs.doc.case_number}")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.printer_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addSpacing(8)
        layout.addWidget(_section("打印文书"))
        layout.addLayout(self._documents())
        layout.addSpacing(6)
        layout.addLayout(self._printer_row())
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(self._close_row())
        self._show_printer()
        self.resize(640, 0)

    # -- layout -----------------------------------------------------------------------------------------------

    def _header(self) -> QGridLayout:
        d, doc = self.docs, self.docs.doc
        grid = QGridLayout()
        number = QLabel(doc.case_number)
        number.setObjectName("case_number")
        number.setStyleSheet("font-size: 22px; font-weight: bold; letter-spacing: 1px")
        number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        decision = QLabel(DECISION_LABELS[d.decision])
        decision.setObjectName("decision")
        color = DECISION_COLORS[d.decision]
        decision.setStyleSheet(f"color: white; background: {color}; padding: 3px 10px; font-size: 15px")
        grid.addWidget(QLabel("办件编号"), 0, 0)
        grid.addWidget(number, 0, 1)
        grid.addWidget(decision, 0, 2)
        grid.addWidget(QLabel("一件事"), 1, 0)
        grid.addWidget(QLabel(doc.bundle_name), 1, 1, 1, 2)
        grid.addWidget(QLabel("申请人"), 2, 0)
        grid.addWidget(QLabel(doc.applicant_name), 2, 1, 1, 2)
        grid.addWidget(QLabel("查询码"), 3, 0)
        grid.addWidget(QLabel(doc.query_code), 3, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        return grid

    def _documents(self) -> QGridLayout:
        grid = QGridLayout()
        for row, kind in enumerate(self.docs.kinds):
            title = QLabel(TITLES[kind])
            title.setStyleSheet("font-weight: bold")
            grid.addWidget(title, row, 0)
            grid.addWidget(_note(self._note(kind)), row, 1)
            print_button = QPushButton("打印流转单" if kind is DocKind.TRANSFER else "打印")
            preview = QPushButton("预览")
            save = QPushButton("另存为PDF")
            if kind is DocKind.TRANSFER and len(self.docs.doc.departments) > 1:
                print_button.setMenu(self._slip_menu())
            else:
                print_button.clicked.connect(partial(self.print_document, kind.value))
            preview.clicked.connect(partial(self.preview_document, kind.value))
            save.clicked.connect(partial(self.save_document, kind.value))
            for col, button in enumerate((print_button, preview, save), start=2):
                grid.addWidget(button, row, col)
            self.buttons[kind.value] = {"print": print_button, "preview": preview, "save": save}
        grid.setColumnStretch(1, 1)
        return grid

    def _note(self, kind: DocKind) -> str:
        if kind is DocKind.TRANSFER:
            return f"送{len(self.docs.doc.departments)}个承办部门，每部门一页"
        return NOTES[kind]

    def _slip_menu(self) -> QMenu:
        menu = QMenu(self)
        departments = self.docs.doc.departments
        menu.addAction(f"全部部门（{len(departments)}份）", partial(self.print_document, DocKind.TRANSFER.value))
        menu.addSeparator()
        for department in departments:
            menu.addAction(department, partial(self.print_document, f"{DocKind.TRANSFER.value}:{department}"))
        return menu

    def _printer_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        change = QPushButton("打印设置…")
        change.clicked.connect(self.choose_printer)
        row.addWidget(self.printer_label, 1)
        row.addWidget(change)
        return row

    def _close_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row.addStretch(1)
        row.addWidget(close)
        return row

    def _show_printer(self) -> None:
        self.printer_label.setText(f"打印机：{printer_label(self.printer_name)}")

    def first_print_button(self) -> QPushButton:
        """The print button of the decision's own document (the receipt or notice), before the application form."""
        kind = next((k for k in self.docs.kinds if k is not DocKind.APPLICATION), self.docs.kinds[0])
        return self.buttons[kind.value]["print"]

    # -- actions --------------------------------------------------------------------------------------------

    def print_document(self, key: str) -> None:
        """Generate and print one document (``transfer:<department>`` for one department's slip)."""
        printer = self.printer_name
        self._info(f"正在打印{self._title(key)}…")
        self._run(key, printer, partial(self._printed, key, printer))

    def preview_document(self, key: str) -> None:
        self._run(key, None, partial(self._open_preview, key))

    def save_document(self, key: str) -> None:
        self._run(key, None, partial(self._ask_and_save, key))

    def choose_printer(self) -> None:
        dialog = PrinterDialog(self.printer_name, self)
        dialog.accepted.connect(lambda: self.set_printer(dialog.printer_name()))
        dialog.open()

    def set_printer(self, name: str) -> None:
        self.printer_name = name
        self._show_printer()
        self.printer_changed.emit(name)

    # -- plumbing -------------------------------------------------------------------------------------------

    def _run(self, key: str, printer: str | None, then: Callable[[bytes], None]) -> None:
        """Generate ``key`` (and print it when ``printer`` is not None) on the print thread, then ``then(pdf)``."""
        self.jobs.add(key)
        make = document_maker(self.docs.doc, key)
        job_name = f"yishi-{key.partition(':')[0]}-{self.docs.doc.case_number}"
        Op(print_pool(), partial(produce, make, printer, job_name)).success(partial(self._done, key, then)).failure(
            partial(self._failed, key, printer or "")
        ).run()

    def _done(self, key: str, then: Callable[[bytes], None], pdf: bytes) -> None:
        self.jobs.discard(key)
        self.generated.emit(key, pdf)
        then(pdf)

    def _printed(self, key: str, printer: str, _pdf: bytes) -> None:
        self._info(f"{self._title(key)}已发送到{printer_label(printer)}。")
        self.printed.emit(key, printer)

    def _failed(self, key: str, printer: str, exc: Exception) -> None:
        self.jobs.discard(key)
        text = chinese_print_error(f"{type(exc).__name__}: {exc}", printer)
        self.message.setStyleSheet("color: #b02a37")
        self.message.setText(text)
        self.failed.emit(text)

    def _info(self, text: str) -> None:
        self.message.setStyleSheet("color: #1e7e34")
        self.message.setText(text)

    def _open_preview(self, key: str, pdf: bytes) -> None:
        dialog: QPrintPreviewDialog = qt_print.preview_dialog(pdf, self, f"打印预览 · {self._title(key)}")
        dialog.resize(900, 700)
        dialog.open()
        self.preview_opened.emit(dialog)

    def _ask_and_save(self, key: str, pdf: bytes) -> None:
        kind = DocKind(key.partition(":")[0])
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or ".")
        try:
            path = qt_print.save_pdf_dialog(self, pdf, str(folder / document_file_name(kind, self.docs.doc)))
        except OSError as exc:
            self._failed_save(exc)
            return
        if path is not None:
            self._info(f"已保存：{path}")
            self.saved.emit(str(path))

    def _failed_save(self, exc: OSError) -> None:
        text = f"无法保存PDF：{exc.strerror or exc}。请换一个文件夹再试。"
        self.message.setStyleSheet("color: #b02a37")
        self.message.setText(text)
        self.failed.emit(text)

    def _title(self, key: str) -> str:
        kind, _, department = key.partition(":")
        title = TITLES[DocKind(kind)]
        return f"《{title}》" + (f"（{department}）" if department else "")


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 15px; font-weight: bold; border-bottom: 1px solid #999; padding-bottom: 2px")
    return label


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("color: #555")
    return label
