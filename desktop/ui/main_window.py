"""The main window: bundle picker, case list, intake, status bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import settings as settings_mod
from desktop.ui import loading
from desktop.ui.bundle_picker import BundlePicker, build_model
from desktop.ui.case_model import ID_ROLE, CaseTableModel
from desktop.ui.profile_dialog import ProfileDialog
from desktop.ui.workers import Op, serial_pool


class MainWindow(QMainWindow):
    """The window a clerk works in all day.

    Signals:
        catalog_ready(): the catalog is loaded and the picker filled.
        cases_loaded(int): the case list was refreshed with this many rows.
    """

    catalog_ready = Signal()
    cases_loaded = Signal(int)

    def __init__(self, settings: settings_mod.Settings, db_path: Path, settings_path: Path | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.settings_path = settings_path
        self.db_path = db_path
        self.catalog: Any = None
        self.store: Any = None
        self.store_pool = serial_pool()
        self.setWindowTitle("一件事一次办 · 综合受理窗口")
        self.picker = BundlePicker()
        self.case_model = CaseTableModel()
        self.case_view = QTableView()
        self.case_view.setModel(self.case_model)
        self.case_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.case_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.case_view.setAlternatingRowColors(True)
        self.case_view.verticalHeader().hide()
        self.case_view.horizontalHeader().setStretchLastSection(True)
        self.case_search = QLineEdit(placeholderText="查找办件：编号、申请人姓名或证件号")
        self.case_search.setClearButtonEnabled(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._case_page())
        splitter = QSplitter()
        splitter.addWidget(self.picker)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 986])
        self.setCentralWidget(splitter)
        self.profile_label = QLabel()
        self.sync_label = QLabel("同步：未连接")
        self.statusBar().addWidget(self.profile_label, 1)
        self.statusBar().addPermanentWidget(self.sync_label)
        self._actions()
        self._show_profile()
        self.picker.picked.connect(self.start_intake)
        self.case_search.textChanged.connect(lambda _t: self._search_timer.start())
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.refresh_cases)
        self.case_view.doubleClicked.connect(self._open_case)

    # -- layout -------------------------------------------------------------------------------------------------

    def _case_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        title = QLabel("办件列表")
        title.setStyleSheet("font-size: 16px; font-weight: bold")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.case_search, 2)
        layout.addLayout(top)
        layout.addWidget(self.case_view, 1)
        return page

    def _actions(self) -> None:
        bar = self.addToolBar("主工具栏")
        bar.setMovable(False)
        spec = (
            ("新建办件", "Ctrl+N", self.focus_picker),
            ("办件列表", "Ctrl+L", self.show_cases),
            ("窗口档案", "", self.edit_profile),
            ("刷新", "F5", self.refresh_cases),
        )
        for text, keys, slot in spec:
            action = QAction(text, self)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            bar.addAction(action)

    def _show_profile(self) -> None:
        s = self.settings
        if s.profile_complete():
            self.profile_label.setText(f"{s.center_name}　{s.window_code}号窗口　窗口人员：{s.clerk}")
        else:
            self.profile_label.setText("请先在“窗口档案”中填写服务中心、区划代码、窗口编号和窗口人员")

    # -- loading (off the UI thread) -----------------------------------------------------------------------------

    def start_loading(self) -> None:
        """Load the catalog and open the store in the background, after the first paint."""
        Op(self.store_pool, lambda: loading.open_store(self.db_path)).success(self._store_opened).failure(
            self._load_failed
        ).run()
        from PySide6.QtCore import QThreadPool

        Op(QThreadPool.globalInstance(), loading.load_catalog).success(self._catalog_loaded).failure(
            self._load_failed
        ).run()

    def _catalog_loaded(self, loaded: loading.LoadedCatalog) -> None:
        self.catalog = loaded.index
        self.case_model.bundle_names = {b.code: b.name for b in loaded.index.catalog.bundles}
        self.picker.set_catalog(build_model(loaded.index, loaded.reductions, loaded.keys), len(loaded.index.bundles))
        self.catalog_ready.emit()
        self.refresh_cases()

    def _store_opened(self, store: Any) -> None:
        self.store = store
        self.refresh_cases()

    def _load_failed(self, exc: Exception) -> None:
        QMessageBox.critical(self, "启动失败", f"无法加载数据：{exc}")

    def refresh_cases(self) -> None:
        if self.store is None or self.catalog is None:
            return
        text = self.case_search.text().strip() or None
        store, names = self.store, self.case_model.bundle_names
        Op(self.store_pool, lambda: loading.case_rows(store, names, text)).success(self._cases_ready).run()

    def _cases_ready(self, rows: list[Any]) -> None:
        self.case_model.set_rows(rows)
        self.case_view.resizeColumnsToContents()
        self.cases_loaded.emit(len(rows))

    # -- actions ------------------------------------------------------------------------------------------------

    def focus_picker(self) -> None:
        self.picker.search.setFocus()
        self.picker.search.selectAll()

    def show_cases(self) -> None:
        self.stack.setCurrentIndex(0)
        self.refresh_cases()

    def edit_profile(self) -> bool:
        dialog = ProfileDialog(self.settings, self)
        if not dialog.exec():
            return False
        dialog.apply_to(self.settings)
        settings_mod.save(self.settings, self.settings_path)
        self._show_profile()
        return True

    def start_intake(self, bundle_code: str) -> None:
        if self.catalog is None or self.store is None:
            return
        if not self.settings.profile_complete() and not self.edit_profile():
            return
        self.statusBar().showMessage(f"开始受理：{self.catalog.bundles[bundle_code].name}", 3000)

    def _open_case(self, index: Any) -> None:
        case_id = index.data(ID_ROLE)
        if case_id:
            self.statusBar().showMessage(f"办件 {index.siblingAtColumn(0).data()}", 3000)
