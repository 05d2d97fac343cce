"""Open the 办理结果 dialog after a decision, and again (重新打印) for a decided case of the list.

The case is read back from the store on ``window.store_pool`` (after the decision's own commit, which
ran on the same ordered thread), so the dialog always shows what was stored.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from desktop import settings as settings_mod
from desktop.ui.workers import Op

if TYPE_CHECKING:
    from desktop.services.cases import Case
    from desktop.services.catalogs import CatalogInUse
    from desktop.services.hall import Hall
    from desktop.settings import Settings
    from desktop.ui.loading import CaseRow
    from desktop.ui.result_dialog import ResultDialog
    from desktop.ui.window_api import WindowApi
    from printing.from_case import CaseDocuments


class ResultFlow(QObject):
    """The window's print path: result dialog after ``case_decided``, reprint action and context menu.

    Signals:
        dialog_opened(object): a :class:`ResultDialog` is on screen.
    """

    dialog_opened = Signal(object)

    def __init__(self, window: WindowApi) -> None:
        super().__init__(window.qwidget())
        self.window = window
        self.dialog: ResultDialog | None = None
        main = window.qwidget()
        self.reprint_action = QAction("重新打印", main)
        self.reprint_action.setShortcut(QKeySequence("Ctrl+P"))
        self.reprint_action.setToolTip("重新打印所选办件的受理回执、告知书或流转单 (Ctrl+P)")
        self.reprint_action.triggered.connect(self.reprint_selected)
        toolbar = main.findChild(QToolBar)
        if toolbar is not None:
            toolbar.addAction(self.reprint_action)
        else:
            main.addAction(self.reprint_action)
        view = window.case_view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._popup)
        window.case_decided.connect(self._decided)
        window.intake_opened.connect(self.close_dialog)  # the next applicant's intake takes the keyboard

    def _decided(self, case: Case) -> None:
        self.show_case(case.id, first=True)

    # -- the case list ----------------------------------------------------------------------------------------

    def selected_row(self) -> CaseRow | None:
        index = self.window.case_view.currentIndex()
        return self.window.case_model.row_at(index.row()) if index.isValid() else None

    def reprint_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            self.window.statusBar().showMessage("请先在办件列表中选择一个办件", 5000)
        elif not row.decision:
            self.window.statusBar().showMessage("该办件尚未作出办理决定，没有可打印的文书", 5000)
        else:
            self.show_case(uuid.UUID(row.id))

    def context_menu(self, pos: QPoint) -> QMenu | None:
        """The case list's menu at ``pos`` (viewport coordinates); ``None`` off the rows."""
        index = self.window.case_view.indexAt(pos)
        if not index.isValid():
            return None
        self.window.case_view.setCurrentIndex(index)
        row = self.window.case_model.row_at(index.row())
        menu = QMenu(self.window.case_view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        action = menu.addAction("重新打印…", self.reprint_selected)
        action.setEnabled(bool(row.decision))
        return menu

    def _popup(self, pos: QPoint) -> None:
        menu = self.context_menu(pos)
        if menu is not None:
            menu.popup(self.window.case_view.viewport().mapToGlobal(pos))

    # -- the dialog -------------------------------------------------------------------------------------------

    def show_case(self, case_id: uuid.UUID, *, first: bool = False) -> None:
        """Read the decided case and show its documents (in the background, then on the UI thread); ``first`` after
        the decision itself, otherwise what is printed counts as a reprint."""
        w = self.window
        if w.hall is None or w.catalog is None:
            return
        hall, current, settings = w.hall, w.catalog, w.settings
        Op(w.store_pool, lambda: _read_documents(hall, current, case_id, settings)).success(
            partial(self._loaded, first=first)
        ).failure(self._load_failed).run()

    def _audit_output(self, docs: CaseDocuments, first: bool, what: str, path: str = "") -> None:
        """Every document printed or saved is audited under the signed-in operator (off the UI thread)."""
        from desktop.services.documents import record_output  # noqa: PLC0415 - reportlab loads with the first dialog

        hall, operator, case_id = self.window.hall, self.window.settings.clerk, uuid.UUID(docs.case_id)
        if hall is not None and operator:
            record = partial(record_output, hall, operator, case_id, what, first=first, path=path)
            Op(self.window.store_pool, record).run()

    def _loaded(self, docs: CaseDocuments, *, first: bool = False) -> None:
        if not shiboken6.isValid(self):  # the window closed while the case was read
            return
        from desktop.ui.result_dialog import ResultDialog  # noqa: PLC0415 - reportlab loads with the first result dialog

        self.close_dialog()
        self.dialog = ResultDialog(docs, self.window.settings.printer_name, self.window.qwidget())
        self.dialog.printer_changed.connect(self._save_printer)
        self.dialog.printed.connect(lambda key, _printer: self._audit_output(docs, first, key))
        self.dialog.saved.connect(lambda path: self._audit_output(docs, first, "pdf", path))
        self.dialog.show()
        self.dialog.first_print_button().setFocus()
        self.dialog_opened.emit(self.dialog)

    def close_dialog(self, *_args: Any) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
            if not self.dialog.jobs:  # a dialog still printing stays (hidden) until its jobs report
                self.dialog.deleteLater()
            self.window.qwidget().activateWindow()  # keyboard shortcuts of the intake need the window active
        self.dialog = None

    def _load_failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        from printing.from_case import NotDecided  # noqa: PLC0415 - reportlab loads with the first result dialog

        if isinstance(exc, NotDecided):
            text = "该办件尚未作出办理决定，没有可打印的文书"
        else:
            text = f"无法读取办件，文书未生成：{exc}"
        self.window.statusBar().showMessage(text, 10000)

    def _save_printer(self, name: str) -> None:
        self.window.settings.printer_name = name
        settings_mod.save(self.window.settings, self.window.settings_path)


def _read_documents(hall: Hall, current: CatalogInUse, case_id: uuid.UUID, settings: Settings) -> CaseDocuments:
    """Pool thread: the stored case as documents (printing is imported here, not at window start)."""
    from desktop.services.documents import case_documents_of  # noqa: PLC0415 - reportlab loads with the first result dialog

    return case_documents_of(hall, current, case_id, settings)
