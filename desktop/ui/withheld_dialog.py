"""平台结果待处理: the platform statuses this window has not applied yet, one row each, with why they wait.

Opened from the status bar's link, or by Shift+F9 / the case list's context menu (desktop/ui/sync_status.py). Not
modal: the clerk keeps working beside it. Enter (or a double-click) on a row selects that case in the case list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.numbers import format_number
from desktop.services.sync import WithheldStatus

COLUMNS = ("办件编号", "平台结果", "平台说明", "暂未更新的原因")
EMPTY_TEXT = "没有待处理的平台结果：平台的办理状态都已更新到本窗口。"
INTRO_TEXT = (
    "以下平台办理结果暂未更新到本窗口的办件，每次同步都会再次核对，不会丢失。"
    "选中一行按回车（或双击），在办件列表中定位该办件。"
)


class WithheldDialog(QDialog):
    """The withheld statuses in a table; ``locate(case_id)`` is called for the row the clerk activates."""

    def __init__(self, parent: QWidget, locate: Callable[[str], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("平台结果待处理")
        self.locate = locate
        self.intro = QLabel(INTRO_TEXT)
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(2, 200)
        self.table.activated.connect(lambda index: self._activated(index.row()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 360)
        self.items: tuple[WithheldStatus, ...] = ()

    def show_items(self, items: Sequence[WithheldStatus]) -> None:
        """Fill the table (called again whenever fresh figures arrive while it is open)."""
        self.items = tuple(items)
        self.intro.setText(INTRO_TEXT if self.items else EMPTY_TEXT)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = (shown_number(item), item.status_label, item.reason or "（平台未说明）", item.why)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        if self.items and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _activated(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.locate(self.items[row].case_id)


def row_tooltip(item: WithheldStatus) -> str:
    """The case list's tooltip for a case with a withheld status."""
    reason = item.reason or "（平台未说明）"
    return f"平台结果待处理：{item.status_label}\n平台说明：{reason}\n{item.why}\n按 Shift+F9 查看全部"


def shown_number(item: WithheldStatus) -> str:
    """The case's number as the case list prints it (grouped with hyphens)."""
    return format_number(item.number) if item.number else "（未编号）"
