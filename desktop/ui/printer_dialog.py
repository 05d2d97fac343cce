"""打印设置: choose the printer documents go to (``settings.printer_name``; empty = system default).

The printer list comes from CUPS through QPrinterInfo, which may wait on a slow or stopped CUPS
server, so it is read on a pool thread and filled in when it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from desktop.ui.workers import Op

DEFAULT_LABEL = "系统默认打印机"


@dataclass(frozen=True)
class Printers:
    """The queues CUPS knows and its default queue ("" when none)."""

    names: tuple[str, ...]
    default: str


def available_printers() -> Printers:
    """Blocking: ask the print system for its queues (run it off the UI thread)."""
    default = QPrinterInfo.defaultPrinterName()
    return Printers(tuple(QPrinterInfo.availablePrinterNames()), default)


def printer_label(name: str) -> str:
    """How a printer setting reads in the UI."""
    return name or DEFAULT_LABEL


class PrinterDialog(QDialog):
    """Pick one of the system's printers, or the system default.

    Signals:
        printers_listed(int): the printer list arrived with this many queues.
    """

    printers_listed = Signal(int)

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("打印设置")
        self.current = current
        self.choice = QComboBox()
        self.choice.addItem(DEFAULT_LABEL, "")
        if current:
            self.choice.addItem(current, current)
            self.choice.setCurrentIndex(1)
        self.note = QLabel("正在读取打印机列表…")
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("打印机", self.choice)
        form.addRow(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(460, 0)
        Op(QThreadPool.globalInstance(), available_printers).success(self.set_printers).failure(
            lambda exc: self.note.setText(f"无法读取打印机列表：{exc}")
        ).run()

    def set_printers(self, printers: Printers) -> None:
        chosen = self.printer_name()
        self.choice.clear()
        default = f"{DEFAULT_LABEL}（{printers.default}）" if printers.default else DEFAULT_LABEL
        self.choice.addItem(default, "")
        for name in printers.names:
            self.choice.addItem(name, name)
        if chosen and chosen not in printers.names:
            self.choice.addItem(f"{chosen}（未找到）", chosen)
        self.choice.setCurrentIndex(max(0, self.choice.findData(chosen)))
        if not printers.names:
            self.note.setText("系统中没有可用的打印机。文书仍可“另存为PDF”，安装打印机后再打印。")
        elif not printers.default:
            self.note.setText("系统没有设置默认打印机，请在上面选择一台。")
        else:
            self.note.setText(f"共{len(printers.names)}台打印机。")
        self.printers_listed.emit(len(printers.names))

    def printer_name(self) -> str:
        return str(self.choice.currentData() or "")
