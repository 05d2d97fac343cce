"""督查工作台: the supervisor's workspace.

Filters (any date range of the hall's days, window, clerk, bundle); counts by decision, bundle, clerk and hour as
painted bar charts (:mod:`desktop.ui.supervision.charts`, QPainter — no QtCharts, no matplotlib); a click on a
bar lists its cases, and a case of that list is reprinted (``reprint_requested``) or voided; the open lists (容缺
with deadline and days left, overdue in red; 一次性告知 not back; quarantined); average handling time per bundle; the
好差评 summary with every 差评 and its follow-up. Reading, the supervisor's writes (作废, 回访/整改) and an export's
file and audit row all run on the store pool (``pool``, the window's); while a write runs its buttons wait.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QThreadPool, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.ratings import LEVELS
from desktop.cases.roles import NotPermitted
from desktop.cases.states import DECISION_LABELS, Decision
from desktop.services import ratings, reports
from desktop.services.accounts import AccountInfo
from desktop.services.case_list import clerk_choices
from desktop.services.hall import Hall
from desktop.services.ratings import RatingError
from desktop.services.reports import Filters, OpenCase, Workspace
from desktop.ui.busy import out_of_reach
from desktop.ui.dates import day_of, to_qdate
from desktop.ui.supervision.charts import Bar, BarChart
from desktop.ui.supervision.dialogs import FollowUpDialog, VoidDialog
from desktop.ui.workers import Op
from printing.report import ReportCase, ReportData

OVERDUE = QColor("#b00020")
RATING_PROBLEMS = {
    "void already": "该办件已作废",
    "a draft is deleted": "草稿只能删除，不能作废",
    "a void needs a reason": "请填写作废原因",
    "only a 差评": "只有差评需要回访/整改",
    "a follow-up needs a note": "请填写回访情况或整改措施",
}
CASE_COLUMNS = ("办件编号", "一件事", "办理结果", "窗口人员", "决定时间", "评价")
OPEN_COLUMNS = ("办件编号", "一件事", "窗口人员", "窗口", "补齐期限", "剩余天数")


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], ids: list[str], red: list[bool] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            if c == 0:
                item.setData(0x0100, ids[r])  # Qt.UserRole: the case id
            if red and red[r]:
                item.setForeground(QBrush(OVERDUE))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"已逾期 {-days} 天"
    return "今日到期" if days == 0 else f"{days} 天"


class SupervisorWorkspace(QWidget):
    """The supervisor's view of the hall.

    Signals:
        loaded(object): the :class:`~desktop.services.reports.Workspace` now shown.
        drilled(str, list): a count was opened: its label and the ReportCase lines listed.
        reprint_requested(object): the case (uuid.UUID) whose documents the supervisor wants again.
        changed(): the supervisor voided a case or recorded a follow-up (the case list may refresh).
        refused(str): a write or an export did not happen (what the supervisor was told).
        exported(object): the report's file (Path), written and audited.
    """

    loaded = Signal(object)
    drilled = Signal(str, list)
    reprint_requested = Signal(object)
    changed = Signal()
    refused = Signal(str)
    exported = Signal(object)

    def __init__(
        self,
        hall: Hall,
        operator: AccountInfo,
        pool: QThreadPool,
        *,
        center_name: str = "",
        bundle_names: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.hall, self.operator, self.pool = hall, operator, pool
        self.center_name = center_name
        self.bundle_names = bundle_names or {}
        self.current: Workspace | None = None
        self.writing = False  # a 作废, 回访/整改 or export is on its way to the store: its buttons wait
        self.write_buttons: list[QPushButton] = []
        self.write_title = ""
        today = to_qdate(hall.clock.today())
        self.first = self._date(today)
        self.last = self._date(today)
        self.window_code = QLineEdit(placeholderText="全部")
        self.window_code.setMaximumWidth(60)
        self.clerk = QComboBox()
        self.bundle = QComboBox()
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 14px; padding: 4px")
        self.charts = {
            "decision": BarChart("按办理结果"),
            "bundle": BarChart("按一件事"),
            "clerk": BarChart("按窗口人员"),
            "hour": BarChart("按时段（北京时间）", vertical=True),
        }
        self.drill_title = QLabel("点击统计图中的柱条查看办件")
        self.drill = _table(CASE_COLUMNS)
        self.deferred = _table(OPEN_COLUMNS)
        self.notified = _table((*OPEN_COLUMNS[:4], "告知日期"))
        self.quarantined = _table((*OPEN_COLUMNS[:4], "决定日期"))
        self.handling = _table(("一件事", "办件数", "平均办理用时（分钟）"))
        self.rating_counts = QLabel()
        self.bad = _table(("办件编号", "评价", "差评原因", "窗口人员", "评价日期", "回访/整改"))
        self.tabs = QTabWidget()
        self._layout()
        self.refresh()

    # -- layout -------------------------------------------------------------------------------------------------

    @staticmethod
    def _date(day: QDate) -> QDateEdit:
        edit = QDateEdit(day)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _layout(self) -> None:
        self.clerk.addItem("全部人员", None)
        hall = self.hall
        Op(self.pool, lambda: clerk_choices(hall)).success(self._clerks_known).failure(self._read_failed).run()
        self.bundle.addItem("全部一件事", None)
        for code, name in sorted(self.bundle_names.items()):
            self.bundle.addItem(f"{code} {name}", code)
        filters = QHBoxLayout()
        for label, widget in (("从", self.first), ("至", self.last), ("窗口", self.window_code)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.clerk)
        filters.addWidget(self.bundle, 1)
        query = QPushButton("查询")
        query.clicked.connect(self.refresh)
        xlsx = QPushButton("导出Excel…")
        xlsx.clicked.connect(lambda _checked=False: self.export_xlsx())  # not the bool as a path
        pdf = QPushButton("打印报表(PDF)…")
        pdf.clicked.connect(lambda _checked=False: self.export_pdf())
        for button in (query, xlsx, pdf):
            filters.addWidget(button)
        self.write_buttons += [xlsx, pdf]
        charts = QWidget()
        grid = QGridLayout(charts)
        for n, (key, chart) in enumerate(self.charts.items()):
            chart.bar_clicked.connect(lambda value, k=key: self.drill_down(k, value))
            grid.addWidget(chart, n // 2, n % 2)
        self.tabs.addTab(charts, "统计图")
        self.tabs.addTab(self._with_buttons(self.drill_title, self.drill, self._case_buttons(self.drill)), "办件明细")
        self.tabs.addTab(self._with_buttons(None, self.deferred, self._case_buttons(self.deferred)), "容缺待补齐")
        self.tabs.addTab(self._with_buttons(None, self.notified, self._case_buttons(self.notified)), "一次性告知未回")
        self.tabs.addTab(self._with_buttons(None, self.quarantined, self._case_buttons(self.quarantined)), "上报被拒")
        self.tabs.addTab(self.handling, "平均办理用时")
        follow = QPushButton("记录回访/整改…")
        follow.clicked.connect(lambda _checked=False: self.follow_up_selected())  # not the bool as a dialog
        self.write_buttons.append(follow)
        self.tabs.addTab(self._with_buttons(self.rating_counts, self.bad, [follow]), "好差评")
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.drill.doubleClicked.connect(lambda _i: self.reprint_selected(self.drill))

    @staticmethod
    def _with_buttons(head: QWidget | None, table: QTableWidget, buttons: list[QPushButton]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        if head is not None:
            layout.addWidget(head)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in buttons:
            row.addWidget(button)
        layout.addLayout(row)
        return page

    def _case_buttons(self, table: QTableWidget) -> list[QPushButton]:
        reprint = QPushButton("重新打印…")
        reprint.clicked.connect(lambda: self.reprint_selected(table))
        void = QPushButton("作废…")
        void.clicked.connect(lambda: self.void_selected(table))
        self.write_buttons.append(void)
        return [reprint, void]

    def _clerks_known(self, people: list[tuple[str, str]]) -> None:
        for username, name in people:
            self.clerk.addItem(name, username)

    # -- reading ------------------------------------------------------------------------------------------------

    def filters(self) -> Filters:
        return Filters(
            window=self.window_code.text().strip() or None,
            clerk=self.clerk.currentData(),
            bundle=self.bundle.currentData(),
        )

    def refresh(self) -> None:
        first, last = day_of(self.first), day_of(self.last)
        if last < first:
            self.summary.setText("结束日期早于开始日期")
            return
        hall, filters, center, names = self.hall, self.filters(), self.center_name, self.bundle_names or None
        Op(
            self.pool,
            lambda: reports.workspace(hall, first, last, filters, center_name=center, bundle_names=names),
        ).success(self.show_workspace).failure(self._read_failed).run()

    def _read_failed(self, exc: Exception) -> None:
        self.summary.setText(f"无法读取统计：{problem_text(exc)}")

    def show_workspace(self, ws: Workspace) -> None:
        self.current = ws
        data = ws.report
        good = sum(data.ratings[k] for k in ("3", "4", "5"))
        self.summary.setText(
            f"{data.period_text}　受理 {data.total} 件　容缺待补齐 {len(ws.deferred)} 件"
            f"（逾期 {sum(1 for o in ws.deferred if o.overdue)}）　一次性告知未回 {len(ws.notified)} 件"
            f"　上报被拒 {len(ws.quarantined)} 件　好评 {good}　差评待回访 {ws.ratings.open_bad} 件"
        )
        names = {**self.bundle_names, **data.bundle_names}
        self.charts["decision"].set_bars([Bar(k, DECISION_LABELS[Decision(k)], n) for k, n in data.by_decision.items()])
        self.charts["bundle"].set_bars(
            [Bar(k, names.get(k, k), n) for k, n in sorted(data.by_bundle.items(), key=lambda kv: -kv[1])]
        )
        self.charts["clerk"].set_bars([Bar(k, data.clerk_names.get(k, k), n) for k, n in data.by_clerk.items()])
        hours = range(min([8, *data.by_hour]), max([17, *data.by_hour]) + 1)
        self.charts["hour"].set_bars([Bar(str(h), str(h), data.by_hour.get(h, 0)) for h in hours])
        self._open_list(self.deferred, ws.deferred, deadline=True)
        self._open_list(self.notified, ws.notified, deadline=False)
        self._open_list(self.quarantined, ws.quarantined, deadline=False)
        counts = {k: sum(1 for c in data.cases if c.bundle_code == k and not c.voided) for k in data.handling_minutes}
        _fill(
            self.handling,
            [[f"{names.get(k, k)}（{k}）", str(counts[k]), f"{v:.1f}"] for k, v in data.handling_minutes.items()],
            ["" for _ in data.handling_minutes],
        )
        self.rating_counts.setText(
            "　".join(f"{LEVELS[int(k)]} {data.ratings[k]}" for k in ("5", "4", "3", "2", "1"))
            + f"　（差评 {len(ws.ratings.bad)} 件，待回访/整改 {ws.ratings.open_bad} 件）"
        )
        _fill(
            self.bad,
            [
                [
                    b.number,
                    LEVELS[b.level],
                    b.reason,
                    data.clerk_names.get(b.clerk, b.clerk),
                    b.rated_on.isoformat(),
                    b.follow_up or "未回访（待办）",
                ]
                for b in ws.ratings.bad
            ],
            [str(b.case_id) for b in ws.ratings.bad],
            [not b.follow_up for b in ws.ratings.bad],
        )
        self.loaded.emit(ws)

    def _open_list(self, table: QTableWidget, rows: list[OpenCase], *, deadline: bool) -> None:
        names = self.current.report.bundle_names if self.current else {}
        people = self.current.report.clerk_names if self.current else {}
        lines = []
        for o in rows:
            c = o.case
            when = (
                c.deferred_deadline if deadline else (self.hall.clock.local_day(c.decided_at) if c.decided_at else None)
            )
            line = [
                c.number or "",
                names.get(c.bundle_code, c.bundle_code),
                people.get(c.clerk, c.clerk),
                c.window_code,
                "" if when is None else when.isoformat(),
            ]
            lines.append([*line, days_text(o.days_left)] if deadline else line)
        _fill(table, lines, [str(o.case.id) for o in rows], [o.overdue for o in rows] if deadline else None)

    # -- drill-down ---------------------------------------------------------------------------------------------

    def drill_down(self, kind: str, key: str) -> list[ReportCase]:
        """List the cases behind one count (``kind``: decision, bundle, clerk or hour)."""
        if self.current is None:
            return []
        picks: dict[str, Callable[[ReportCase], bool]] = {
            "decision": lambda c: c.decision == key,
            "bundle": lambda c: c.bundle_code == key,
            "clerk": lambda c: c.clerk == key,
            "hour": lambda c: str(c.hour) == key,
        }
        data = self.current.report
        chosen = [c for c in data.cases if not c.voided and picks[kind](c)]
        label = {
            "decision": lambda: DECISION_LABELS[Decision(key)],
            "bundle": lambda: data.bundle_names.get(key, key),
            "clerk": lambda: data.clerk_names.get(key, key),
            "hour": lambda: f"{int(key):02d}:00–{int(key):02d}:59",
        }[kind]()
        self.drill_title.setText(f"{label}：{len(chosen)} 件（双击或“重新打印…”打开其文书）")
        _fill(
            self.drill,
            [
                [
                    c.number,
                    c.bundle_name,
                    DECISION_LABELS[Decision(c.decision)],
                    data.clerk_names.get(c.clerk, c.clerk),
                    c.decided_at,
                    "" if c.rating is None else LEVELS[c.rating],
                ]
                for c in chosen
            ],
            [c.case_id for c in chosen],
        )
        self.tabs.setCurrentIndex(1)
        self.drilled.emit(label, chosen)
        return chosen

    # -- the supervisor's actions -------------------------------------------------------------------------------

    @staticmethod
    def selected_case(table: QTableWidget) -> tuple[uuid.UUID, str] | None:
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        if item is None or not item.data(0x0100):
            return None
        return uuid.UUID(str(item.data(0x0100))), item.text()

    def reprint_selected(self, table: QTableWidget) -> None:
        chosen = self.selected_case(table)
        if chosen is not None:  # the print path audits the reprint when a document is actually printed
            self.reprint_requested.emit(chosen[0])

    def void_selected(self, table: QTableWidget, dialog: VoidDialog | None = None) -> bool:
        """作废…; True when the void was sent to the store (``changed`` or ``refused`` tells how it went)."""
        chosen = self.selected_case(table)
        if chosen is None or self.writing:
            return False
        box = dialog or VoidDialog(chosen[1], self)
        if not box.exec():
            return False
        hall, case_id, reason, operator = self.hall, chosen[0], box.text(), self.operator
        return self._write("作废办件", lambda: ratings.void(hall, case_id, reason, operator))

    def follow_up_selected(self, dialog: FollowUpDialog | None = None) -> bool:
        """记录回访/整改…; True when the follow-up was sent to the store."""
        chosen = self.selected_case(self.bad)
        if chosen is None or self.writing:
            return False
        box = dialog or FollowUpDialog(chosen[1], self.hall.clock.today(), self)
        if not box.exec():
            return False
        kind, on, note = box.values()
        hall, case_id, operator = self.hall, chosen[0], self.operator
        return self._write("差评回访", lambda: ratings.follow_up(hall, case_id, operator, kind=kind, on=on, note=note))

    def _write(self, title: str, work: Callable[[], object]) -> bool:
        self._writing(True, title)
        Op(self.pool, work).success(self._written).failure(self._refused).run()
        return True

    def _written(self, _result: object) -> None:
        self._writing(False)
        self.changed.emit()
        self.refresh()

    def _refused(self, exc: Exception) -> None:
        self._writing(False)
        message = problem_text(exc)
        self.refused.emit(message)
        QMessageBox.warning(self, self.write_title, message)

    def _writing(self, writing: bool, title: str = "") -> None:
        self.writing = writing
        self.write_title = title or self.write_title  # the warning's title, should the write be refused
        for button in self.write_buttons:
            button.setEnabled(not writing)

    def export_xlsx(self, path: Path | None = None) -> bool:
        """导出Excel…; True when the file is being written (``exported`` or ``refused`` tells how it went)."""
        return self._export("xlsx", "Excel 工作簿 (*.xlsx)", reports.write_xlsx, path)

    def export_pdf(self, path: Path | None = None) -> bool:
        return self._export("pdf", "PDF 文件 (*.pdf)", reports.write_pdf, path)

    def _export(self, kind: str, pattern: str, write: Callable[[ReportData, Path], None], path: Path | None) -> bool:
        if self.current is None or self.writing:
            return False
        data = self.current.report
        if path is None:
            name = f"受理{data.kind}_{data.first}_{data.last}.{kind}"
            chosen, _ = QFileDialog.getSaveFileName(self, "导出报表", name, pattern)
            if not chosen:
                return False
            path = Path(chosen)
        hall, actor, target = self.hall, self.operator.username, path

        def work() -> Path:
            write(data, target)
            reports.audit_export(hall, actor, kind, data, str(target))
            return target

        self._writing(True, "导出报表")
        Op(self.pool, work).success(self._exported).failure(self._refused).run()
        return True

    def _exported(self, path: Path) -> None:
        self._writing(False)
        self.exported.emit(path)


def problem_text(exc: Exception) -> str:
    """The supervisor's words for a write or export that did not happen."""
    if isinstance(exc, OSError):
        return f"无法写入 {exc.filename or '文件'}：{exc.strerror or exc}"
    if isinstance(exc, NotPermitted):
        return "当前账户无权进行此操作"
    text = str(exc)
    if isinstance(exc, RatingError):
        return next((zh for en, zh in RATING_PROBLEMS.items() if en in text), f"操作未完成（{text}）")
    return out_of_reach(exc)
