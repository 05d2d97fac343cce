"""Painted bar charts (QPainter on a plain QWidget: no QtCharts add-on, no matplotlib on the UI path).

Each bar is a count that opens its cases: a click on a bar emits ``bar_clicked`` with the bar's key.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#2f6db5", "#3c9a4f", "#c0661a", "#b00020", "#6a4fb5", "#1b8a8a", "#8a8a2a", "#5a6472")


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int


class BarChart(QWidget):
    """A titled horizontal (or, for hours, vertical) bar chart of counts.

    Signals:
        bar_clicked(str): the key of the bar clicked (its cases should open).
    """

    bar_clicked = Signal(str)

    def __init__(self, title: str, *, vertical: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.vertical = vertical
        self.bars: list[Bar] = []
        self._hit: list[tuple[QRectF, str]] = []
        self.setMinimumSize(280, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("点击柱条查看对应办件")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(420, 230)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.update()

    def bar_rect(self, key: str) -> QRectF | None:
        """Where the bar of ``key`` was painted last (for tests and accessibility)."""
        return next((rect for rect, k in self._hit if k == key), None)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QColor("#d0d4da"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#222"))
        painter.drawText(QRectF(10, 4, self.width() - 20, 24), Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(self.font())
        self._hit = []
        area = QRectF(10, 32, self.width() - 20, self.height() - 42)
        if not self.bars or max(b.value for b in self.bars) == 0:
            painter.setPen(QColor("#888"))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "暂无数据")
            return
        if self.vertical:
            self._paint_columns(painter, area)
        else:
            self._paint_rows(painter, area)

    def _paint_rows(self, painter: QPainter, area: QRectF) -> None:
        top = max(b.value for b in self.bars)
        shown = self.bars[: max(1, int(area.height() // 20))]
        row_h = min(28.0, area.height() / len(shown))
        label_w = min(area.width() * 0.42, 190.0)
        value_w = 40.0
        for n, bar in enumerate(shown):
            y = area.top() + n * row_h
            painter.setPen(QColor("#333"))
            label_rect = QRectF(area.left(), y, label_w - 6, row_h)
            text = painter.fontMetrics().elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_rect.width()))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
            length = (area.width() - label_w - value_w) * bar.value / top
            rect = QRectF(area.left() + label_w, y + row_h * 0.18, max(length, 2.0), row_h * 0.64)
            painter.fillRect(rect, QColor(PALETTE[n % len(PALETTE)]))
            painter.drawText(QRectF(rect.right() + 4, y, value_w, row_h), Qt.AlignmentFlag.AlignVCenter, str(bar.value))
            self._hit.append((QRectF(area.left(), y, area.width(), row_h), bar.key))

    def _paint_columns(self, painter: QPainter, area: QRectF) -> None:
        top = max(b.value for b in self.bars)
        col_w = area.width() / len(self.bars)
        base = area.bottom() - 16
        for n, bar in enumerate(self.bars):
            x = area.left() + n * col_w
            height = (base - area.top() - 14) * bar.value / top
            rect = QRectF(x + col_w * 0.15, base - height, col_w * 0.7, height)
            painter.fillRect(rect, QColor(PALETTE[0]))
            painter.setPen(QColor("#333"))
            if bar.value:
                painter.drawText(QRectF(x, rect.top() - 14, col_w, 14), Qt.AlignmentFlag.AlignCenter, str(bar.value))
            painter.drawText(QRectF(x, base, col_w, 16), Qt.AlignmentFlag.AlignCenter, bar.label)
            self._hit.append((QRectF(x, area.top(), col_w, area.height()), bar.key))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        point = event.position()
        for rect, key in self._hit:
            if rect.contains(point):
                self.bar_clicked.emit(key)
                return
        super().mousePressEvent(event)
