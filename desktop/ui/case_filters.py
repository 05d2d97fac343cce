"""The filters above the case list: status, a period of the hall's local days, bundle and (for those who see every
case) clerk, each reachable from the keyboard (Alt+S 状态, Alt+D 日期 from, Alt+T to, Alt+B 一件事, Alt+R 人员);
and the page read behind them on the store pool.

The main window makes the bar after its first paint (desktop.ui.later); the services load on the pool thread that
reads a page (:func:`filtered_rows`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from desktop.cases.clock import Clock
from desktop.cases.states import STATE_LABELS, CaseState
from desktop.ui.dates import day_of, to_qdate

if TYPE_CHECKING:
    from desktop.services.catalogs import CatalogInUse
    from desktop.services.hall import Hall
    from desktop.ui.loading import CaseRow

ALL_STATES = "全部状态"
ALL_BUNDLES = "全部一件事"
ALL_CLERKS = "全部人员"
TOOLTIP_ROLE = 3  # Qt.ItemDataRole.ToolTipRole


@dataclass(frozen=True)
class FilterChoice:
    """What the filter bar asks for (plain values: the services' CaseFilter is made on the pool thread)."""

    state: CaseState | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    bundle: str | None = None
    clerk: str | None = None


class CaseFilterBar(QWidget):
    """One row of filters; ``changed`` whenever the clerk changes one of them.

    Signals:
        changed(): a filter changed (the list reloads off the UI thread).
    """

    changed = Signal()

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock  # the hall's local days, whatever the PC's zone
        self.state = QComboBox()
        self.state.addItem(ALL_STATES, None)
        for state, label in STATE_LABELS.items():
            if state is not CaseState.DISCARDED:  # deleted drafts are not listed
                self.state.addItem(label, state.value)
        self.by_date = QCheckBox("日期(&D)")
        self.by_date.setToolTip("按受理日期（未决定的按新建日期）筛选，北京时间")
        today = to_qdate(self.clock.today())
        self.first, self.last = QDateEdit(today), QDateEdit(today)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.bundle = QComboBox()
        self.bundle.addItem(ALL_BUNDLES, None)
        self.bundle.setMinimumContentsLength(12)
        self.bundle.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.clerk = QComboBox()
        self.clerk.addItem(ALL_CLERKS, None)
        self.clerk_label = QLabel("人员(&R)")
        self.clerk_label.setBuddy(self.clerk)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b")
        self._lay_out()

    def _lay_out(self) -> None:
        """The filters in one row, labelled with their Alt keys, Tab going left to right."""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        state_label = QLabel("状态(&S)")
        state_label.setBuddy(self.state)
        bundle_label = QLabel("一件事(&B)")
        bundle_label.setBuddy(self.bundle)
        until = QLabel("至(&T)")
        until.setBuddy(self.last)
        for widget in (state_label, self.state, self.by_date, self.first, until, self.last, bundle_label):
            row.addWidget(widget)
        row.addWidget(self.bundle, 1)
        row.addWidget(self.clerk_label)
        row.addWidget(self.clerk)
        row.addWidget(self.problem)
        chain = self.tab_chain()
        for before, after in itertools.pairwise(chain):
            self.setTabOrder(before, after)
        self.by_date.toggled.connect(self._dates_toggled)
        for combo in (self.state, self.bundle, self.clerk):
            combo.currentIndexChanged.connect(self._changed)
        for edit in (self.first, self.last):
            edit.dateChanged.connect(self._changed)

    def tab_chain(self) -> tuple[QWidget, ...]:
        """The filters in Tab order: left to right."""
        return (self.state, self.by_date, self.first, self.last, self.bundle, self.clerk)

    def _dates_toggled(self, on: bool) -> None:
        self.first.setEnabled(on)
        self.last.setEnabled(on)
        if on:
            self.first.setFocus()
        self._changed()

    def _changed(self, *_args: Any) -> None:
        if self.by_date.isChecked() and day_of(self.last) < day_of(self.first):
            self.problem.setText("结束日期早于开始日期")
            return
        self.problem.clear()
        self.changed.emit()

    def set_bundles(self, names: dict[str, str]) -> None:
        """The bundles of the catalog in use (code → name), keeping the one chosen."""
        chosen = self.bundle.currentData()
        self.bundle.blockSignals(True)
        self.bundle.clear()
        self.bundle.addItem(ALL_BUNDLES, None)
        for code, name in sorted(names.items()):
            self.bundle.addItem(name, code)
            self.bundle.setItemData(self.bundle.count() - 1, code, TOOLTIP_ROLE)
        self.bundle.setCurrentIndex(max(0, self.bundle.findData(chosen)))
        self.bundle.blockSignals(False)

    def set_clerks(self, clerks: list[tuple[str, str]]) -> None:
        """(username, name) of the accounts a supervisor may filter by."""
        chosen = self.clerk.currentData()
        self.clerk.blockSignals(True)
        self.clerk.clear()
        self.clerk.addItem(ALL_CLERKS, None)
        for username, name in clerks:
            self.clerk.addItem(f"{name}（{username}）", username)
        self.clerk.setCurrentIndex(max(0, self.clerk.findData(chosen)))
        self.clerk.blockSignals(False)

    def choice(self, scope: str | None) -> FilterChoice:
        """The filters as chosen; ``scope`` is the clerk whose own cases are listed (a clerk), or None for those who
        see every case: only they are offered the clerk filter."""
        self.clerk.setVisible(scope is None)
        self.clerk_label.setVisible(scope is None)
        dated = self.by_date.isChecked() and day_of(self.first) <= day_of(self.last)
        state = self.state.currentData()
        return FilterChoice(
            state=CaseState(state) if state else None,
            first=day_of(self.first) if dated else None,
            last=day_of(self.last) if dated else None,
            bundle=self.bundle.currentData(),
            clerk=scope if scope is not None else self.clerk.currentData(),
        )


def filtered_rows(
    hall: Hall,
    current: CatalogInUse | None,
    bundle_names: dict[str, str],
    text: str | None,
    choice: FilterChoice,
    *,
    after: Any = None,
    limit: int = 200,
) -> list[CaseRow]:
    """Store pool thread: a page of the case list under the filters and the search text (a bundle's name or keyword
    searches by bundle), ``after`` the row whose ``page_key`` is given."""
    from desktop.services.case_list import resolve_filter  # noqa: PLC0415 - the ORM stays off the first paint
    from desktop.services.cases import CaseFilter, list_cases, page_key  # noqa: PLC0415 - same
    from desktop.ui.loading import CaseRow  # noqa: PLC0415 - its dataclasses stay off the first paint

    chosen = CaseFilter(
        state=choice.state,
        first=choice.first,
        last=choice.last,
        clerk=choice.clerk,
        text=text,
        bundles=(choice.bundle,) if choice.bundle else None,
    )
    return [
        CaseRow(
            str(c.id),
            c.number,
            bundle_names.get(c.bundle_code, c.bundle_code),
            c.applicant_name,
            c.decision,
            c.state,
            c.created_at,
            c.decided_at,
            c.clerk,
            page_key(c),
        )
        for c in list_cases(hall, resolve_filter(current, chosen), limit=limit, after=after)
    ]
