"""The case list: a table model over case summaries read from the store (off the UI thread), a page at a time.

The first page comes with ``set_rows``; the view asks for the next one when it scrolls near the end
(``canFetchMore`` / ``fetchMore``), which the model hands to its ``more`` callable: that reads the page after the last
row off the UI thread and delivers it back. Nothing reads the whole list, however many cases the store holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

from desktop.cases.clock import Clock
from desktop.cases.numbers import format_number
from desktop.cases.states import DECISION_LABELS, STATE_LABELS

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

# Plain ints (Qt.ItemDataRole's DisplayRole is 0, UserRole 256): this module is on the first paint's path, and reading
# Qt's enum namespace costs that paint ~20 ms.
DISPLAY_ROLE = 0
ID_ROLE = 256 + 1
Index = QModelIndex | QPersistentModelIndex
More = Callable[[Any, Callable[[Sequence[Any]], None]], None]


class CaseTableModel(QAbstractTableModel):
    """Read-only rows of case summaries; ``set_rows`` replaces them all (results of a background query)."""

    HEADERS = ("办件编号", "一件事", "申请人", "办理结果", "办件状态", "时间", "窗口人员")
    PAGE = 200  # rows a page brings (a screen shows ~25)

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
        self._more: More | None = None  # fetches the page after a row; None once the list is whole
        self._fetching = False
        self._generation = 0  # a page asked for before set_rows replaced the list is dropped

    def _when(self, row: Any) -> str:
        stamp = row.decided_at or row.created_at
        return self.clock.local(stamp).strftime("%m-%d %H:%M") if stamp else ""

    def set_rows(self, rows: Sequence[Any], more: More | None = None) -> None:
        """The first page; ``more(last_row, deliver)`` fetches the page after ``last_row`` and calls ``deliver``
        with it on the UI thread (a page shorter than ``PAGE`` ends the list)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._generation += 1
        self._more = more if len(self._rows) >= self.PAGE else None
        self._fetching = False
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._more is not None and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent) or self._more is None:
            return
        self._fetching = True
        generation = self._generation
        self._more(self._rows[-1], lambda rows: self._append(rows, generation))

    def _append(self, rows: Sequence[Any], generation: int) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        if len(rows) < self.PAGE:
            self._more = None
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == DISPLAY_ROLE:
            return self.columns[index.column()](row)
        if role == ID_ROLE:
            return str(row.id)
        return self.style(row, role) if self.style is not None else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE) -> Any:  # noqa: N802
        from PySide6.QtCore import Qt  # noqa: PLC0415 - Qt's enum namespace stays off the first paint (see ID_ROLE)

        if role == DISPLAY_ROLE and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
