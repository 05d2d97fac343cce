"""Scanning in the main window: keyboard-wedge scans anywhere, scanned pictures, attached scans.

Each scan is classified (desktop.scan.payload) and routed by kind:

- our receipt QR or a case number → the case is looked up on the store pool; a 补正/退件 case (or a
  draft) is opened for the returning applicant, any other case is found in the list with its state;
- an ID number or credit code → during an intake, the form field it was aimed at, else the first
  empty field of that kind; outside an intake, a search of the case list;
- an e-licence identifier → on the checklist step, the current material becomes 电子证照;
- anything else is shown in the status bar, never guessed; invalid or hostile text only warns.

A scan aimed at a text box that has no use for it (or made while a dialog is open) is delivered to
that box as plain typing, so the scanner still works as a keyboard there.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPlainTextEdit, QTextEdit, QToolBar

from desktop.cases.numbers import format_number
from desktop.cases.states import STATE_LABELS, CaseState
from desktop.scan.files import (
    ATTACHMENT_FILTER,
    PICTURE_FILTER,
    AttachmentRefusedError,
    attachment_problem,
    is_picture,
)
from desktop.scan.payload import PayloadKind as K
from desktop.scan.payload import classify
from desktop.services.cases import find_by_number
from desktop.services.intake import attach_scan
from desktop.ui.case_model import ID_ROLE
from desktop.ui.intake.scans import fill_identifier, link_attachment, mark_elicence
from desktop.ui.wedge import WedgeDetector
from desktop.ui.workers import Op

if TYPE_CHECKING:
    from desktop.scan.job import ScanReport
    from desktop.scan.payload import Payload
    from desktop.services.cases import Attachment, CaseDetail
    from desktop.services.hall import Hall
    from desktop.ui.intake.host import IntakeHost
    from desktop.ui.intake.scans import Outcome
    from desktop.ui.window_api import WindowApi

MESSAGE_MS = 15_000
SHOWN_CHARS = 80


def _shown(text: str) -> str:
    """Scanned text cut to one status-bar line."""
    line = " ".join(text.split())
    return line if len(line) <= SHOWN_CHARS else line[: SHOWN_CHARS - 1] + "…"


def _typeable(widget: QObject | None) -> bool:
    if isinstance(widget, QLineEdit):
        return widget.isEnabled() and not widget.isReadOnly()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.isEnabled() and not widget.isReadOnly()
    return False


class ScanController(QObject):
    """Everything the main window does with scans.

    Signals:
        handled(str, str): a scan was dealt with: its payload kind (``PayloadKind`` value, or "typed"
            when it was delivered as plain typing) and the Chinese message shown to the clerk.
        attached(object): a scanned file was stored and linked; carries the store's Attachment row.
    """

    handled = Signal(str, str)
    attached = Signal(object)

    def __init__(self, window: WindowApi) -> None:
        super().__init__(window.qwidget())
        self.window = window
        self.wedge: WedgeDetector | None = None
        self.picture_pool = QThreadPool(self)
        self.picture_pool.setMaxThreadCount(2)
        self._last_dir = str(Path.home())
        self.scan_action = QAction("扫描图片识别…", self)
        self.scan_action.setToolTip("从图片文件中识别二维码或条码（回执、营业执照、电子证照…）")
        self.scan_action.triggered.connect(self.scan_picture_file)
        self.camera_action = QAction("拍摄材料…", self)
        self.camera_action.triggered.connect(self.capture_from_camera)
        self._add_actions()
        self._to_select: uuid.UUID | None = None
        window.intake_opened.connect(self._intake_opened)
        window.cases_loaded.connect(self._select_found)
        if window.settings.scanner_wedge:
            self.install_wedge()

    def _add_actions(self) -> None:
        from desktop.ui.camera import camera_available  # noqa: PLC0415 - QtMultimedia is optional and slow to load

        main = self.window.qwidget()
        bar = main.findChild(QToolBar)
        actions = [self.scan_action] + ([self.camera_action] if camera_available() else [])
        for action in actions:
            if bar is not None:
                bar.addAction(action)
            else:
                main.addAction(action)

    # -- the keyboard wedge ----------------------------------------------------------------------------------------

    def install_wedge(self) -> WedgeDetector:
        """Watch the whole application for scanner bursts (idempotent)."""
        if self.wedge is None:
            self.wedge = WedgeDetector(self, max_interval_ms=self.window.settings.wedge_max_interval_ms)
            self.wedge.scanned.connect(self.wedge_scanned)
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self.wedge)
        return self.wedge

    def remove_wedge(self) -> None:
        if self.wedge is not None:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self.wedge)
            self.wedge.deleteLater()
            self.wedge = None

    def wedge_scanned(self, text: str) -> None:
        """A burst from the wedge: route it, or hand it back as typing."""

        aimed = self.wedge.target if self.wedge is not None else None
        if QApplication.activeModalWidget() is not None:
            self._retype(aimed)  # a dialog is open: the scanner is just a keyboard there
            return
        self.route(classify(text), aimed=aimed)

    def _retype(self, aimed: QObject | None) -> bool:
        if self.wedge is None or not _typeable(aimed):
            return False
        self.wedge.retype()
        self.handled.emit("typed", "")
        return True

    # -- routing ---------------------------------------------------------------------------------------------------

    def route(self, payload: Payload, *, aimed: QObject | None = None, material: str | None = None) -> None:
        """Act on one classified scan; ``aimed`` is the widget a wedge scan was typed into, ``material``
        the checklist row a scanned picture belongs to."""

        if payload.kind is K.INVALID:
            self.show(K.INVALID, f"扫描内容无效：{payload.problem or '无法识别'}，未写入任何内容", warning=True)
        elif payload.kind in (K.RECEIPT, K.CASE_NUMBER):
            self.find_case(payload)
        elif payload.kind is K.ELICENCE:
            self._elicence(payload, material)
        elif payload.kind in (K.RESIDENT_ID, K.USCC):
            self._identifier(payload, aimed)
        elif not self._retype(aimed):
            what = payload.problem or "扫描内容不是本系统可用的编号"
            self.show(K.UNKNOWN, f"{what}：{_shown(payload.text)}")

    def show(self, kind: str, message: str, *, warning: bool = False) -> None:
        """Put a scan's outcome in the status bar (warnings also beep)."""
        self.window.statusBar().showMessage(message, MESSAGE_MS)
        if warning:
            QApplication.beep()
        self.handled.emit(str(kind), message)

    def _show_outcome(self, kind: str, outcome: Outcome) -> None:
        self.show(kind, outcome.message, warning=outcome.warning)

    def _identifier(self, payload: Payload, aimed: QObject | None) -> None:

        kind = "id_number" if payload.kind == "resident_id" else "uscc"
        intake = self.window.intake
        if intake is not None and not intake.closed:
            outcome = fill_identifier(intake.widget, kind, payload.value, aimed)
            if outcome is not None:
                self._show_outcome(payload.kind, outcome)
                return
        if self._retype(aimed):
            return
        if intake is not None:
            return self.show(payload.kind, f"扫描到 {payload.value}，办理中无处可填", warning=True)
        self.window.case_search.setText(payload.value)
        self.window.show_cases()
        self.show(payload.kind, f"按证件号查找办件：{payload.value}")

    def _elicence(self, payload: Payload, material: str | None) -> None:

        intake = self.window.intake
        if intake is None or intake.closed:
            self.show(payload.kind, f"电子证照标识 {payload.value}：请在办件的“材料”步骤扫描", warning=True)
            return
        self._show_outcome(payload.kind, mark_elicence(intake.widget, payload.value, material))

    # -- cases by receipt / case number ----------------------------------------------------------------------------

    def find_case(self, payload: Payload) -> None:
        """Look the case up on the store pool, then open it or show it (on the UI thread)."""
        hall = self.window.hall
        if hall is None:
            self.show(payload.kind, "办件库尚未打开，请稍后再扫描", warning=True)
            return
        number = payload.value
        Op(self.window.store_pool, lambda: find_by_number(hall, number)).success(
            lambda detail: self._case_found(payload, detail)
        ).failure(lambda exc: self.show(payload.kind, f"查找办件失败：{exc}", warning=True)).run()

    def _case_found(self, payload: Payload, detail: CaseDetail | None) -> None:

        number = format_number(payload.value)
        if detail is None:
            return self.show(payload.kind, f"本机没有办件 {number}（可能不是本窗口受理的办件）", warning=True)
        case = detail.case
        if payload.query_code and payload.query_code != case.query_code:
            return self.show(payload.kind, f"回执上的查询密码与办件 {number} 不符，请核对回执", warning=True)
        state = STATE_LABELS.get(case.state, str(case.state))
        intake = self.window.intake
        if case.state in (CaseState.DRAFT, CaseState.SUPPLEMENT_NOTIFIED, CaseState.RETURNED):
            if intake is not None:
                same = intake.case_id == case.id
                text = "正在办理该办件" if same else f"请先结束当前办件，再打开办件 {number}"
                return self.show(payload.kind, text, warning=not same)
            self.window.open_case(case.id)
            return self.show(payload.kind, f"打开办件 {number}（{state}），可继续补正")
        who = f"，申请人 {case.applicant_name}" if case.applicant_name else ""
        self.show(payload.kind, f"办件 {number}：{state}{who}")
        if intake is None:
            self._select_case(case.id, case.number or payload.value)

    def _select_case(self, case_id: uuid.UUID, number: str) -> None:
        window = self.window
        window.case_search.blockSignals(True)
        window.case_search.setText(number)
        window.case_search.blockSignals(False)
        self._to_select = case_id
        window.show_cases()

    def _select_found(self, _rows: int) -> None:
        """Once the refreshed list holds the scanned case, select it."""

        model = self.window.case_model
        for row in range(model.rowCount()):
            if self._to_select is not None and model.index(row, 0).data(ID_ROLE) == str(self._to_select):
                self.window.case_view.selectRow(row)
                self._to_select = None
                return

    # -- pictures and attachments ----------------------------------------------------------------------------------

    def choose_file(self, title: str, filters: str) -> Path | None:
        """Ask the clerk for a file (tests replace this)."""
        name, _ = QFileDialog.getOpenFileName(self.window.qwidget(), title, self._last_dir, filters)
        if not name:
            return None
        self._last_dir = str(Path(name).parent)
        return Path(name)

    def scan_picture_file(self) -> None:
        """The 扫描图片识别… action: decode a chosen picture and route what is in it."""

        path = self.choose_file("扫描图片识别", PICTURE_FILTER)
        if path is not None:
            self.decode_file(path)

    def decode_file(self, path: Path, material: str | None = None) -> None:
        """Decode ``path`` on a worker thread; its codes are routed like scans (``material``: its row)."""
        from desktop.scan.job import scan_picture  # noqa: PLC0415 - Pillow and the decoders load on first use

        Op(self.picture_pool, lambda: scan_picture(path)).success(
            lambda report: self._picture_scanned(report, material)
        ).failure(lambda exc: self.show("picture", f"识别失败：{exc}", warning=True)).run()

    def _picture_scanned(self, report: ScanReport, material: str | None) -> None:
        if report.error or not report.hits:
            self.show("picture", report.message, warning=bool(report.error))
            return
        for hit in report.hits:
            self.route(hit.payload, material=material)

    def _intake_opened(self, host: IntakeHost) -> None:
        host.widget.attach_requested.connect(lambda code, h=host: self.attach(h, code))

    def attach(self, host: IntakeHost, material: str) -> None:
        """附加扫描件…: choose a picture or PDF and store it with the material."""

        path = self.choose_file("附加扫描件", ATTACHMENT_FILTER)
        if path is not None:
            self.attach_file(host, material, path)

    def attach_file(self, host: IntakeHost, material: str, path: Path) -> None:
        """Store ``path`` (sha256, on the store pool) and link it; pictures are then decoded."""
        hall, case_id = self.window.hall, host.case_id
        if hall is None:
            return
        limit = max(1, self.window.settings.attachment_max_mb) * 1024 * 1024
        Op(self.window.store_pool, lambda: _store_attachment(hall, case_id, material, path, limit)).success(
            lambda row: self._attached(host, material, path, row)
        ).failure(lambda exc: self._attach_failed(path, exc)).run()

    def _attached(self, host: IntakeHost, material: str, path: Path, row: Attachment) -> None:

        if self.window.intake is host and not host.closed:
            link_attachment(host.widget, material, row.sha256)
        self.show("attachment", f"已附加扫描件 {path.name}（SHA-256 {row.sha256[:12]}…）")
        self.attached.emit(row)
        if is_picture(path):
            self.decode_file(path, material)

    def _attach_failed(self, path: Path, exc: Exception) -> None:

        why = str(exc) if isinstance(exc, AttachmentRefusedError) else f"无法保存（{type(exc).__name__}）"
        self.show("attachment", f"扫描件 {path.name} 未附加：{why}", warning=True)

    # -- document camera (only with PySide6-Addons) ----------------------------------------------------------------

    def capture_from_camera(self) -> None:
        """拍摄材料…: take a picture with the document camera; on the checklist it is attached to the
        current material, elsewhere it is only decoded."""
        from desktop.ui.camera import capture_picture  # noqa: PLC0415 - QtMultimedia is optional and slow to load

        path = capture_picture(self.window.qwidget())
        if path is None:
            return
        intake = self.window.intake
        if intake is not None and not intake.closed and intake.widget.tabs.currentIndex() == 2:
            row = intake.widget.checklist.table.currentIndex().row()
            if row >= 0:
                self.attach_file(intake, intake.widget.checklist.model.entry(row).code, path)
                return
        self.decode_file(path)


def _store_attachment(hall: Hall, case_id: uuid.UUID, material: str, path: Path, max_bytes: int) -> Attachment:
    """Store pool thread: check the file, then keep it by content and link it to the case."""
    problem = attachment_problem(path, max_bytes)
    if problem:
        raise AttachmentRefusedError(problem)
    return attach_scan(hall, case_id, material, path)
