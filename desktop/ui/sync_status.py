"""Sync in the window: status-bar figures, 立即同步, the periodic background run, 重新提交, changed rows, and the
platform results withheld until this window can apply them (平台结果待处理: Shift+F9 or the status bar's link).

Every run goes to this panel's own one-thread pool and opens its own store connection (see
:mod:`desktop.services.sync`); the UI thread only reads results. Network trouble never raises a dialog: the status bar
says the window is offline and cases stay safe in the local outbox until the next run.
"""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QToolBar
from shiboken6 import isValid

from desktop.cases.clock import Clock
from desktop.cases.states import STATE_LABELS, CaseState
from desktop.services import sync as sync_service
from desktop.services.cases import retry_refused
from desktop.ui import loading
from desktop.ui.withheld_dialog import WithheldDialog, row_tooltip, shown_number
from desktop.ui.workers import Op, serial_pool

if TYPE_CHECKING:
    from desktop.services.sync import SyncReport
    from desktop.ui.loading import CaseRow
    from desktop.ui.window_api import WindowApi
    from sync.crypto import Ed25519PublicKey

QUARANTINED_FG = QColor("#b00020")
QUARANTINED_BG = QColor("#fde7e9")
CHANGED_BG = QColor("#fff4ce")
WITHHELD_FG = QColor("#8a4b00")
WITHHELD_BG = QColor("#ffe3c2")
WITHHELD_LINK = "withheld"
STATUS_MESSAGE_MS = 15_000
NOT_ENROLLED_MESSAGE = "本机尚未注册到省平台，无法同步；办件都保存在本机。请联系系统管理员为本机注册。"


class SyncPanel(QObject):
    """Owns the window's sync: a timer every ``settings.sync_interval_seconds``, a pool, actions and labels.

    Signals:
        status_read(object): fresh :class:`desktop.services.sync.SyncStatus` figures are on screen.
        sync_finished(object): a run ended; carries its :class:`desktop.services.sync.SyncOutcome`.
        catalog_installed(str): a newer signed catalog was installed; new intakes use this version.
    """

    status_read = Signal(object)
    sync_finished = Signal(object)
    catalog_installed = Signal(str)

    def __init__(
        self,
        window: WindowApi,
        *,
        device_folder: Path | None = None,
        data_folder: Path | None = None,
        public_key: Ed25519PublicKey | None = None,
    ) -> None:
        super().__init__(window.qwidget())
        self.window = window
        self.device_folder = device_folder or sync_service.device_dir()
        self.data_folder = data_folder or sync_service.data_dir()
        self.public_key = public_key
        self.pool = serial_pool()
        self.running = False
        self.started = False
        self.offline: str | None = None
        self.status: sync_service.SyncStatus | None = None
        self.changed: set[str] = set()
        self.label = window.sync_label
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.sync_action = QAction("立即同步", window.qwidget())
        self.sync_action.setShortcut(QKeySequence("F9"))
        self.sync_action.setToolTip("把待上报的办件发送到省一体化政务服务平台，并取回办理状态（F9）")
        self.sync_action.triggered.connect(self.sync_requested)
        self.asked = False  # the clerk pressed 立即同步: the run's end is told even when nothing changed
        self.retry_action = QAction("重新提交", window.qwidget())
        self.retry_action.setToolTip("平台拒收的办件修正后重新提交")
        self.retry_action.setEnabled(False)
        self.retry_action.triggered.connect(self.retry_selected)
        self.withheld_action = QAction("平台结果待处理…", window.qwidget())
        self.withheld_action.setShortcut(QKeySequence("Shift+F9"))
        self.withheld_action.setToolTip(
            "平台办理结果暂未更新到本窗口的办件：办件编号、平台结果、说明和原因（Shift+F9）"
        )
        self.withheld_action.triggered.connect(self.show_withheld)
        self.withheld_dialog: WithheldDialog | None = None
        self.held: dict[str, sync_service.WithheldStatus] = {}  # case id → its withheld status, for the rows
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_now)
        self._attach()

    # -- wiring ---------------------------------------------------------------------------------------------------

    def _attach(self) -> None:
        window = self.window
        _toolbar(window).addAction(self.sync_action)
        view = window.case_view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addAction(self.retry_action)
        view.addAction(self.withheld_action)
        window.qwidget().addAction(self.withheld_action)  # Shift+F9 anywhere in the window
        self.label.linkActivated.connect(self._link_activated)
        window.case_model.style = self.row_style
        view.selectionModel().selectionChanged.connect(self._selection_changed)
        window.cases_loaded.connect(self._cases_loaded)
        window.case_decided.connect(self.sync_soon)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        # The enrolment check imports the sync client (crypto, http): it waits for the first status read,
        # which follows the case list's loading, so it stays off the path to the first paint.
        self.label.setText("同步：正在读取…")

    def shutdown(self) -> None:
        """Stop the timer and wait for a run in flight and for queued figure reads (at exit)."""
        self.timer.stop()
        self.pool.waitForDone(30_000)
        self.window.store_pool.waitForDone(30_000)

    def _cases_loaded(self, _rows: int = 0) -> None:
        self.read_status()
        self._selection_changed()
        if not self.started:
            self.started = True
            seconds = self.window.settings.sync_interval_seconds
            if seconds > 0:
                self.timer.start(seconds * 1000)
            self.sync_soon()

    # -- runs -----------------------------------------------------------------------------------------------------

    def sync_soon(self, _case: object = None) -> None:
        """A run shortly after an event (start, a decision), outside the handler that caused it."""
        QTimer.singleShot(0, self, self.sync_now)  # dropped if the window is gone by then

    def sync_requested(self) -> None:
        """立即同步 (F9): a run now, and the clerk is told what it did, or why none runs."""
        bar = self.window.statusBar()
        if self.running:
            bar.showMessage("正在同步，请稍候…", STATUS_MESSAGE_MS)
        elif not sync_service.is_enrolled(self.device_folder):
            bar.showMessage(NOT_ENROLLED_MESSAGE, STATUS_MESSAGE_MS)
        else:
            self.asked = True
            bar.showMessage("正在同步：连接省一体化政务服务平台…", STATUS_MESSAGE_MS)
        self.sync_now()

    def sync_now(self) -> None:
        """Start one background run unless one is running or this PC is not enrolled."""
        if self.running or self.window.hall is None:
            return
        if not sync_service.is_enrolled(self.device_folder):
            self._show()
            return
        self.running = True
        self.sync_action.setEnabled(False)
        self._show()
        db, device, data, key = self.window.db_path, self.device_folder, self.data_folder, self.public_key
        clock = self.window.clock
        Op(self.pool, lambda: sync_service.run_sync(db, device, data, clock=clock, public_key=key)).success(
            self._finished
        ).failure(self._crashed).run()

    def _finished(self, outcome: sync_service.SyncOutcome) -> None:
        if not isValid(self):
            return  # a result arriving after the window closed
        self.running = False
        self.sync_action.setEnabled(True)
        self.status = outcome.status
        report = outcome.report
        self.offline = report.stopped if report is not None else None
        if report is not None:
            self._announce(report)
            if self.asked and not (report.stopped or report.status_changes or report.quarantined or report.held):
                self.window.statusBar().showMessage(done_text(report), STATUS_MESSAGE_MS)
            if report.changed_cases or report.transfers:
                self.window.refresh_cases()
        self.asked = False
        if outcome.catalog is not None and outcome.catalog.installed:
            self._reload_catalog(outcome.catalog.installed)
        self._show()
        self.sync_finished.emit(outcome)

    def _crashed(self, exc: Exception) -> None:
        """A bug or a disk problem, not the network: say so in the status bar, keep working."""
        if not isValid(self):
            return  # a result arriving after the window closed
        self.running = False
        self.asked = False
        self.sync_action.setEnabled(True)
        self.offline = f"{type(exc).__name__}: {exc}"
        self._show()
        self.window.statusBar().showMessage(f"同步出错（办件已保存在本机）：{exc}", STATUS_MESSAGE_MS)

    def _announce(self, report: SyncReport) -> None:
        if report.stopped:
            self.window.statusBar().showMessage("未能连接省平台：办件已安全保存在本机，稍后自动重试", STATUS_MESSAGE_MS)
            return
        if report.status_changes:
            self.changed.update(str(c.case_id) for c in report.status_changes)
            counts = Counter(STATE_LABELS.get(c.state, str(c.state)) for c in report.status_changes)
            detail = "、".join(f"{label}{n}件" for label, n in counts.items())
            self.window.statusBar().showMessage(
                f"平台办理状态更新 {len(report.status_changes)} 件：{detail}（列表中加粗显示）", STATUS_MESSAGE_MS
            )
        elif report.quarantined:
            self.window.statusBar().showMessage(
                f"{len(report.quarantined)} 件办件被平台拒收，请在列表中右键“重新提交”", STATUS_MESSAGE_MS
            )
        elif report.held:
            self.window.statusBar().showMessage(
                f"{len(report.held)} 件办件的扫描件在采集它的窗口电脑上，待该窗口同步后自动上报", STATUS_MESSAGE_MS
            )

    def _reload_catalog(self, version: str) -> None:
        def loaded(result: loading.LoadedCatalog) -> None:
            if not isValid(self):
                return
            self.window.install_catalog(result)
            self.window.statusBar().showMessage(
                f"事项目录已更新到 {version} 版：新办件按新版办理，草稿和已有办件保持原版本", STATUS_MESSAGE_MS
            )
            self.catalog_installed.emit(version)

        hall = self.window.hall
        if hall is None:
            return
        Op(QThreadPool.globalInstance(), lambda: loading.load_catalog(hall)).success(loaded).failure(
            lambda e: self.window.statusBar().showMessage(f"新版事项目录未能加载：{e}", STATUS_MESSAGE_MS)
        ).run()

    # -- figures --------------------------------------------------------------------------------------------------

    def read_status(self) -> None:
        """Re-read the outbox figures on the store pool (after a refresh, a decision, a retry)."""
        hall = self.window.hall
        if hall is None:
            return
        Op(self.window.store_pool, lambda: sync_service.read_status(hall.store)).success(self._status_ready).failure(
            lambda _e: None  # figures are informative only; the next refresh tries again
        ).run()

    def _status_ready(self, status: sync_service.SyncStatus) -> None:
        if not isValid(self):
            return  # a result arriving after the window closed
        self.status = status
        self._show()
        self.status_read.emit(status)

    def _show(self) -> None:
        self.label.setText(status_text(self.status, self.offline, self.running, self._enrolled(), self.window.clock))
        tip = self.offline or (self.status.last_error if self.status else None)
        lines = [f"最近的错误：{tip}"] if tip else []
        withheld = self.withheld()
        self.held = {w.case_id: w for w in withheld}
        if withheld:
            lines.append(f"平台结果待处理 {len(withheld)} 件（Shift+F9 查看）：")
            lines.extend(f"{shown_number(w)}　{w.status_label}　{w.reason or ''}".rstrip() for w in withheld)
        self.label.setToolTip("\n".join(lines))
        if self.withheld_dialog is not None and self.withheld_dialog.isVisible():
            self.withheld_dialog.show_items(withheld)
        self.window.case_view.viewport().update()  # rows marked by these figures repaint

    def withheld(self) -> tuple[sync_service.WithheldStatus, ...]:
        """The platform statuses withheld as of the last figures read."""
        return self.status.withheld if self.status is not None else ()

    def _link_activated(self, link: str) -> None:
        if link == WITHHELD_LINK:
            self.show_withheld()

    def show_withheld(self) -> None:
        """平台结果待处理 (Shift+F9): the withheld statuses, one row each, beside the window (not modal)."""
        if self.withheld_dialog is None:
            self.withheld_dialog = WithheldDialog(self.window.qwidget(), self.locate_case)
        self.withheld_dialog.show_items(self.withheld())
        self.withheld_dialog.show()
        self.withheld_dialog.raise_()
        self.withheld_dialog.activateWindow()
        self.read_status()  # fresh figures replace these when they arrive

    def locate_case(self, case_id: str) -> None:
        """Select ``case_id`` in the case list on screen, or say why it cannot (an intake open, a filter)."""
        view, model, bar = self.window.case_view, self.window.case_model, self.window.statusBar()
        if not view.isVisible():
            bar.showMessage("请先回到办件列表（Ctrl+L），再定位该办件", STATUS_MESSAGE_MS)
            return
        for r in range(model.rowCount()):
            if str(model.row_at(r).id) == case_id:
                view.selectRow(r)
                view.setFocus()
                return
        bar.showMessage("该办件不在当前列表中：请清除查找和筛选条件后再试", STATUS_MESSAGE_MS)

    def _enrolled(self) -> bool:
        return sync_service.is_enrolled(self.device_folder)

    # -- the case list --------------------------------------------------------------------------------------------

    def row_style(self, row: CaseRow, role: int) -> Any:
        """Extra roles for the case list: quarantined rows in red with the reason, rows with a withheld platform
        status in orange with the platform's result and why it waits, changed rows in bold."""
        quarantined = row.state == CaseState.QUARANTINED
        changed = str(row.id) in self.changed
        held = self.held.get(str(row.id))
        if role == Qt.ItemDataRole.FontRole and changed:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and quarantined:
            return QUARANTINED_FG
        if role == Qt.ItemDataRole.BackgroundRole:
            return QUARANTINED_BG if quarantined else WITHHELD_BG if held else CHANGED_BG if changed else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if quarantined:
                reason = (self.status.quarantine_reasons.get(str(row.id)) if self.status else None) or "未说明"
                return f"平台拒收：{reason}\n修正后右键选择“重新提交”"
            if held is not None:
                return row_tooltip(held)
            if changed:
                return "平台办理状态刚刚更新"
        return None

    def selected_row(self) -> CaseRow | None:
        rows = self.window.case_view.selectionModel().selectedRows()
        return self.window.case_model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        row = self.selected_row()
        self.retry_action.setEnabled(row is not None and row.state == CaseState.QUARANTINED)
        if row is not None and str(row.id) in self.changed:
            self.changed.discard(str(row.id))  # the clerk has seen it
            model = self.window.case_model
            for index in self.window.case_view.selectionModel().selectedRows():
                last = model.index(index.row(), model.columnCount() - 1)
                model.dataChanged.emit(model.index(index.row(), 0), last)

    def retry_selected(self) -> None:
        """重新提交: put the selected quarantined case back in the outbox and sync."""
        row = self.selected_row()
        hall = self.window.hall
        if row is None or hall is None or row.state != CaseState.QUARANTINED:
            return
        case_id, clerk = uuid.UUID(str(row.id)), self.window.settings.clerk

        def done(_result: object) -> None:
            if not isValid(self):
                return
            self.window.statusBar().showMessage(f"办件 {row.number or ''} 已重新提交，等待上报", STATUS_MESSAGE_MS)
            self.window.refresh_cases()
            self.sync_soon()

        Op(self.window.store_pool, lambda: retry_refused(hall, case_id, clerk)).success(done).failure(
            lambda e: self.window.statusBar().showMessage(f"无法重新提交：{e}", STATUS_MESSAGE_MS)
        ).run()


def status_text(
    status: sync_service.SyncStatus | None, offline: str | None, running: bool, enrolled: bool, clock: Clock
) -> str:
    """The status-bar text (rich text: refused cases in red)."""
    if not enrolled:
        return "同步：本机未注册到省平台"
    parts = ["同步中…" if running else "离线" if offline else "在线"]
    if status is not None:
        parts.append(f"待上报 {status.pending}")
        if status.failed:
            parts.append(f"重试中 {status.failed}")
        refused = f"被拒 {status.quarantined}"
        parts.append(f'<span style="color:{QUARANTINED_FG.name()}">{refused}</span>' if status.quarantined else refused)
        if status.withheld:
            held = f"平台结果待处理 {len(status.withheld)}件"
            parts.append(f'<a href="{WITHHELD_LINK}" style="color:{WITHHELD_FG.name()}">{held}</a>')
        when = clock.local(status.last_success).strftime("%m-%d %H:%M") if status.last_success else "尚无"
        parts.append(f"上次同步 {when}")
    return "　".join(parts)


def done_text(report: SyncReport) -> str:
    """What a run the clerk asked for did, when nothing else was announced."""
    if not (report.sent or report.retries or report.transfers):
        return "同步完成：没有待上报的办件，办理状态均为最新"
    parts = [f"上报 {len(report.sent)} 件"]
    if report.retries:
        parts.append(f"{len(report.retries)} 件稍后重试")
    if report.transfers:
        parts.append(f"收到转交 {len(report.transfers)} 件")
    return "同步完成：" + "，".join(parts)


def _toolbar(window: WindowApi) -> QToolBar:
    main = window.qwidget()
    for bar in main.findChildren(QToolBar):
        if bar.windowTitle() == "主工具栏":
            bar.addSeparator()
            return bar
    return main.addToolBar("同步")
