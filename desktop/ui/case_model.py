"""The case list: a table model over case summaries read from the store (off the UI thread)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.cases.clock import Clock
from desktop.cases.numbers import format_number
from desktop.cases.states import DECISION_LABELS, STATE_LABELS

ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class CaseTableModel(QAbstractTableModel):
    """Read-only rows of case summaries; ``set_rows`` replaces them all (results of a background query)."""

    HEADERS = ("办件编号", "一件事", "申请人", "办理结果", "办件状态", "时间", "窗口人员")

    def __init__(self, clock: Clock, bundle_names: dict[str, str] | None = None) -> None:
        super().__init__()
        self.clock = clock  # times are shown on the hall's wall clock, whatever the PC's zone
        self.columns: tuple[Callable[[Any], str], ...] = (
            lambda r: format_number(r.number) if r.number else "（草稿）",
            lambda r: r.bundle_name,
            lambda r: r.applicant_name or "",
            lambda r: DECISION_LABELS.get(r.decision, "") if r.decision else "",
            lambda r: STATE_LABELS.get(r.state, r.state),
            self._when,
            lambda r: r.clerk or "",
        )
        self._rows: list[Any] = []
        self.bundle_names = bundle_names or {}
        # optional extra roles (font, colours, tooltip) per row, e.g. sync state: style(row, role) -> value | None
        self.style: Callable[[Any, int], Any] | None = None

    def _when(self, row: Any) -> str:
        stamp = row.decided_at or row.created_at
        return self.clock.local(stamp).strftime("%m-%d %H:%M") if stamp else ""

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()](row)
        if role == ID_ROLE:
            return str(row.id)
        return self.style(row, role) if self.style is not None else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
