"""The case detail view (办件详情) and what the case list does besides reopening an intake: open a decided case's
detail (Enter / double-click, or Ctrl+I on any case), reprint its documents through the result dialog, delete a draft
(Delete, with confirmation, audited under the signed-in operator), and fill the supervisor's clerk filter.

Everything is read and written through ``desktop.services.case_list`` on the window's store pool.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.states import CaseState
from desktop.services.case_list import CaseRecord, case_record, clerk_choices, delete_draft
from desktop.ui.workers import Op

if TYPE_CHECKING:
    from desktop.ui.loading import CaseRow
    from desktop.ui.window_api import WindowApi

ITEM_COLUMNS = ("事项", "办理部门", "办理结果", "理由/依据", "承诺办结日期")
MATERIAL_COLUMNS = ("材料", "核验情况", "份数", "容缺期限", "扫描件")
ATTACHMENT_COLUMNS = ("材料与附件", "加入时间")
TIMELINE_COLUMNS = ("时间（北京时间）", "操作人", "操作", "说明")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], grey: Sequence[bool] = ()) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = QTableWidgetItem(text)
            if r < len(grey) and grey[r]:
                cell.setForeground(Qt.GlobalColor.gray)
            table.setItem(r, c, cell)
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


class CaseDetailDialog(QDialog):
    """One case: who and what, its items and outcomes (with reasons), materials and scans, its timeline; 打印文书
    (Alt+P) for a decided case. Ctrl+Tab moves between the tabs; Esc closes.

    Signals:
        reprint_requested(object): the case (uuid.UUID) whose documents to show in the result dialog.
    """

    reprint_requested = Signal(object)

    def __init__(self, record: CaseRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setWindowTitle(f"办件详情 · {record.number}")
        head = QFormLayout()
        when = record.decided_at or record.created_at
        pairs = (
            ("办件编号", record.number),
            ("一件事", record.bundle),
            ("申请人", "　".join(t for t in (record.applicant, record.applicant_id, record.phone) if t) or "—"),
            (
                "办件状态",
                record.state_label + (f"　办理结果：{record.decision_label}" if record.decision_label else ""),
            ),
            ("窗口人员", record.clerk),
            ("决定时间" if record.decided_at else "新建时间", when.strftime("%Y-%m-%d %H:%M")),
        )
        for label, text in pairs:
            value = QLabel(text)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            head.addRow(label, value)
        if record.reason:
            head.addRow("理由/告知内容", QLabel(record.reason, wordWrap=True))
        if record.voided:
            voided = QLabel(f"已作废：{record.voided}")
            voided.setStyleSheet("color: #c0392b")
            head.addRow("作废", voided)
        self.items = _table(
            ITEM_COLUMNS,
            [(i.name, i.department, i.outcome, i.reason, i.promised) for i in record.items],
            [not i.applies for i in record.items],
        )
        self.materials = _table(
            MATERIAL_COLUMNS,
            [
                (
                    m.name,
                    m.status,
                    str(m.copies or ""),
                    m.deadline.isoformat() if m.deadline else "",
                    str(m.scans or ""),
                )
                for m in record.materials
            ],
        )
        self.attachments = _table(
            ATTACHMENT_COLUMNS, [(a.name, a.added_at.strftime("%Y-%m-%d %H:%M")) for a in record.attachments]
        )
        self.timeline = _table(
            TIMELINE_COLUMNS,
            [(t.at.strftime("%Y-%m-%d %H:%M:%S"), t.operator, t.action, t.detail) for t in record.timeline],
        )
        materials_page = QWidget()
        column = QVBoxLayout(materials_page)
        column.addWidget(self.materials, 2)
        column.addWidget(QLabel(f"扫描件（{len(record.attachments)}份）"))
        column.addWidget(self.attachments, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.items, "事项与办理结果")
        self.tabs.addTab(materials_page, "材料与附件")
        self.tabs.addTab(self.timeline, "办理记录")
        self.print_button = QPushButton("打印文书(&P)…")
        self.print_button.setToolTip("在办理结果窗口中查看并重新打印本办件的文书")
        self.print_button.setEnabled(record.printable)
        self.print_button.clicked.connect(self._reprint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(1100, 640)
        self.tabs.setFocus()

    def _reprint(self) -> None:
        if self.record.printable:
            self.reprint_requested.emit(self.record.id)


class CaseListActions(QObject):
    """The case list's detail view, draft deletion and clerk filter, attached to the main window.

    Signals:
        detail_opened(object): a :class:`CaseDetailDialog` is on screen.
        confirm_opened(object): the 删除草稿 confirmation (a QMessageBox) is on screen.
        draft_deleted(object): the deleted draft's id (uuid.UUID), after the store committed.
    """

    detail_opened = Signal(object)
    confirm_opened = Signal(object)
    draft_deleted = Signal(object)

    def __init__(self, window: WindowApi) -> None:
        main = window.qwidget()
        super().__init__(main)
        self.window = window
        self.dialog: CaseDetailDialog | None = None
        self._clerks_loaded = False
        view = window.case_view
        self.detail_action = QAction("办件详情", main)
        self.detail_action.setShortcut(QKeySequence("Ctrl+I"))
        self.detail_action.setToolTip("查看所选办件的事项、材料、文书和办理记录 (Ctrl+I)")
        self.detail_action.triggered.connect(self.detail_selected)
        self.delete_action = QAction("删除草稿", view)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.delete_action.setToolTip("删除所选的草稿（须确认，记入审计日志）(Delete)")
        view.addAction(self.delete_action)
        toolbar = main.findChild(QToolBar)
        if toolbar is not None:
            toolbar.addAction(self.detail_action)
            toolbar.addAction(self.delete_action)
        else:
            main.addAction(self.detail_action)
        window.cases_loaded.connect(self._load_clerks)

    # -- the detail view --------------------------------------------------------------------------------------

    def selected_row(self) -> CaseRow | None:
        index = self.window.case_view.currentIndex()
        return self.window.case_model.row_at(index.row()) if index.isValid() else None

    def detail_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            self.window.statusBar().showMessage("请先在办件列表中选择一个办件", 5000)
        else:
            self.show_case(uuid.UUID(row.id))

    def show_case(self, case_id: uuid.UUID) -> None:
        """Read the case whole on the store pool, then show it."""
        w = self.window
        if w.hall is None or w.catalog is None:
            return
        hall, current = w.hall, w.catalog
        Op(w.store_pool, lambda: case_record(hall, current, case_id)).success(self._loaded).failure(
            lambda e: self.window.statusBar().showMessage(f"无法读取办件：{e}", 10000)
        ).run()

    def _loaded(self, record: CaseRecord) -> None:
        if not shiboken6.isValid(self):
            return
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
        self.dialog = CaseDetailDialog(record, self.window.qwidget())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.reprint_requested.connect(self._reprint)
        self.dialog.open()
        self.detail_opened.emit(self.dialog)

    def _reprint(self, case_id: uuid.UUID) -> None:
        """The result dialog's path (audited as a reprint), over the detail view."""
        flow = self.window.result_flow
        if flow is not None:
            flow.show_case(case_id)

    # -- deleting a draft -------------------------------------------------------------------------------------

    def delete_selected(self) -> QMessageBox | None:
        """删除草稿 after a confirmation (default: 取消); any other case is refused with why."""
        row = self.selected_row()
        w = self.window
        if row is None or w.hall is None:
            return None
        if row.state is not CaseState.DRAFT or row.decision is not None:
            w.statusBar().showMessage("只能删除尚未作出办理决定的草稿；已决定的办件须由督查人员作废", 8000)
            return None
        operator = w.settings.clerk
        if not operator:
            w.statusBar().showMessage("请先登录", 5000)
            return None
        name = row.applicant_name or "未填写申请人"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "删除草稿",
            f"确定删除这份草稿吗？\n{row.bundle_name}　{name}\n删除后不能恢复，并记入审计日志（操作人：{operator}）。",
            QMessageBox.StandardButton.NoButton,
            w.qwidget(),
        )
        delete = box.addButton("删除(&D)", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        case_id = uuid.UUID(row.id)
        box.buttonClicked.connect(lambda b: self._confirmed(case_id, operator) if b is delete else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.confirm_opened.emit(box)
        return box

    def _confirmed(self, case_id: uuid.UUID, operator: str) -> None:
        hall = self.window.hall
        if hall is None:
            return
        Op(self.window.store_pool, lambda: delete_draft(hall, case_id, operator)).success(
            lambda _r: self._deleted(case_id)
        ).failure(lambda e: self.window.statusBar().showMessage(f"草稿未删除：{e}", 10000)).run()

    def _deleted(self, case_id: uuid.UUID) -> None:
        self.window.statusBar().showMessage("草稿已删除", 5000)
        self.window.refresh_cases()
        self.draft_deleted.emit(case_id)

    # -- the supervisor's clerk filter ------------------------------------------------------------------------

    def _load_clerks(self, *_args: Any) -> None:
        hall = self.window.hall
        if hall is None or self._clerks_loaded:
            return
        self._clerks_loaded = True
        Op(self.window.store_pool, lambda: clerk_choices(hall)).success(self.window.case_filters.set_clerks).run()

    def reload_clerks(self) -> None:
        """After accounts changed."""
        self._clerks_loaded = False
        self._load_clerks()
