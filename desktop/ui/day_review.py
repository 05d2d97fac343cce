"""当日统计: the supervisor's view of one day's intake (a local day of the hall), read off the UI thread."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.states import DECISION_LABELS, Decision
from desktop.services.cases import DaySummary
from desktop.services.review import day_review
from desktop.ui.dates import day_of, to_qdate
from desktop.ui.window_api import WindowApi
from desktop.ui.workers import Op


def _table(headers: tuple[str, str], rows: list[tuple[str, int]]) -> QTableWidget:
    table = QTableWidget(len(rows), 2)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for n, (name, count) in enumerate(rows):
        table.setItem(n, 0, QTableWidgetItem(name))
        table.setItem(n, 1, QTableWidgetItem(str(count)))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class DayReviewDialog(QDialog):
    """Counts of one day's decided cases by decision, bundle and clerk.

    Signals:
        loaded(object): the DaySummary shown now.
    """

    loaded = Signal(object)

    def __init__(self, window: WindowApi, parent: QWidget | None = None) -> None:
        super().__init__(parent or window.qwidget())
        self.window_ = window
        self.setWindowTitle("当日受理统计")
        self.day = QDateEdit(to_qdate(window.clock.today()))  # today in the hall's time zone, not the PC's
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy年MM月dd日")
        self.day.dateChanged.connect(self.refresh)
        self.total = QLabel()
        self.body = QHBoxLayout()
        top = QHBoxLayout()
        top.addWidget(QLabel("日期："))
        top.addWidget(self.day)
        top.addStretch(1)
        top.addWidget(self.total)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.body, 1)
        layout.addWidget(buttons)
        self.resize(900, 480)
        self.refresh()

    def refresh(self) -> None:
        hall = self.window_.hall
        if hall is None:
            return
        day = day_of(self.day)
        Op(self.window_.store_pool, lambda: day_review(hall, day)).success(self._show).run()

    def _show(self, summary: DaySummary) -> None:
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        catalog = self.window_.catalog
        names = {b.code: b.name for b in catalog.index.catalog.bundles} if catalog else {}
        decisions = [(DECISION_LABELS.get(Decision(k), k), v) for k, v in sorted(summary.by_decision.items())]
        bundles = sorted(((names.get(k, k), v) for k, v in summary.by_bundle.items()), key=lambda kv: -kv[1])
        clerks = sorted(summary.by_clerk.items(), key=lambda kv: -kv[1])
        self.body.addWidget(_table(("办理结果", "件数"), decisions), 1)
        self.body.addWidget(_table(("一件事", "件数"), bundles), 2)
        self.body.addWidget(_table(("窗口人员", "件数"), clerks), 1)
        self.total.setText(f"共受理办件 {summary.total} 件")
        self.loaded.emit(summary)
