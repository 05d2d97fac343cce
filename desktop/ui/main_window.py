"""The main window: bundle picker, case list, intake, status bar."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import settings as settings_mod
from desktop.cases.clock import Clock
from desktop.cases.numbers import format_number
from desktop.cases.states import DECISION_LABELS, STATE_LABELS, CaseState, Decision
from desktop.ui.bundle_picker import BundlePicker, build_model
from desktop.ui.later import Later
from desktop.ui.workers import Op, serial_pool, shared_pool

if TYPE_CHECKING:
    import uuid

    from PySide6.QtCore import QModelIndex, QThreadPool
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QTableView

    from desktop.cases.profile import Profile
    from desktop.services.cases import Case, CaseDetail, CaseSummary
    from desktop.services.catalogs import CatalogInUse
    from desktop.services.hall import Hall
    from desktop.services.intake import OpenedIntake
    from desktop.ui import loading
    from desktop.ui.case_detail import CaseListActions
    from desktop.ui.case_filters import CaseFilterBar
    from desktop.ui.case_model import CaseTableModel
    from desktop.ui.intake.host import IntakeHost
    from desktop.ui.result_flow import ResultFlow
    from desktop.ui.scanning import ScanController
    from desktop.ui.sync_status import SyncPanel

REOPENABLE = frozenset({CaseState.DRAFT, CaseState.SUPPLEMENT_NOTIFIED, CaseState.RETURNED})


def hall_clock(settings: settings_mod.Settings) -> tuple[Clock, str | None]:
    """The hall's clock from its time-zone setting; a bad setting must not stop the window: the default hall
    zone then, and the problem to show."""
    try:
        return Clock.for_zone(settings.time_zone), None
    except ValueError as exc:
        return Clock(), str(exc)


class MainWindow(QMainWindow):
    """The window a clerk works in all day.

    Signals:
        hall_ready(): the hall (store, clock, catalogs) is open; the catalog in use may still be loading.
        catalog_ready(): the catalog is loaded and the picker filled.
        cases_loaded(int): the case list was refreshed with this many rows.
        intake_opened(object): an IntakeHost is on screen.
        case_decided(object): a decision was committed; carries the stored Case.
        load_failed(str): the catalog or the store could not be loaded (English, for logs and the self-test).
        deferred_dialog_opened(object): the 补齐容缺材料 dialog for a 容缺受理 case is on screen.
    """

    hall_ready = Signal()
    catalog_ready = Signal()
    cases_loaded = Signal(int)
    intake_opened = Signal(object)
    case_decided = Signal(object)
    load_failed = Signal(str)
    deferred_dialog_opened = Signal(object)
    intake_assists = True  # copy keys, region defaults, proposals in the form (off: the plain form)
    # the account and password that unlocked an encrypted store: the accounts feature signs them in, then drops them
    store_login: tuple[str, str] | None = None

    def __init__(
        self,
        settings: settings_mod.Settings,
        db_path: Path | str,
        settings_path: Path | None = None,
        *,
        data_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.settings_path = settings_path
        self.db_path = db_path
        self.data_dir = data_dir  # installed catalog updates (None: the user data dir)
        self.clock, self.zone_problem = hall_clock(settings)
        self.hall: Hall | None = None  # made on the store pool thread
        self.catalog: CatalogInUse | None = None  # what new intakes use: hall.catalogs.current()
        self.intake: IntakeHost | None = None
        self._drafts_offered = False
        self._loading_started = False
        self.offer_drafts_on_start = True
        # the account whose own cases the list shows (a clerk); None: every case (a supervisor)
        self.case_scope: str | None = None
        self.cases_shown = True  # False while nobody is signed in (hide_cases): the list then shows no case
        self._shortcuts: list[tuple[QAction, str]] = []  # bound after the first paint (_complete_controls)
        self._store_pool: QThreadPool | None = None  # made with the first store work (store_pool)
        self.setWindowTitle("一件事一次办 · 综合受理窗口")
        self.picker = BundlePicker()
        self._case_model: CaseTableModel | None = None  # made with its view, after the first paint (case_model)
        self.case_search = QLineEdit(placeholderText="查找办件：编号、申请人、证件号或信用代码、电话、一件事名称")
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
        self.show_profile()
        self.picker.picked.connect(self.start_intake)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self.case_search.textChanged.connect(lambda _t: self._search_timer.start())
        self._search_timer.timeout.connect(self.refresh_cases)
        self.scanning: ScanController | None = None
        self.case_actions: CaseListActions | None = None
        self.result_flow: ResultFlow | None = None
        self.sync_panel: SyncPanel | None = None

    def qwidget(self) -> QMainWindow:
        return self

    @property
    def store_pool(self) -> QThreadPool:
        """The one-thread pool every store read and write of the window runs on, in order; made when first asked
        for (loading, after the first paint: its type costs that paint)."""
        if self._store_pool is None:
            self._store_pool = serial_pool()
        return self._store_pool

    def _attach_features(self) -> None:
        """Scanning, printing and sync attach when loading starts: their imports stay off the first paint."""
        from desktop.ui.result_flow import ResultFlow  # noqa: PLC0415 - printing stays off the first paint
        from desktop.ui.scanning import ScanController  # noqa: PLC0415 - scanning stays off the first paint
        from desktop.ui.sync_status import SyncPanel  # noqa: PLC0415 - the sync client stays off the first paint

        self.scanning = ScanController(self)  # wedge scans, 扫描图片识别…, 附加扫描件…
        self.result_flow = ResultFlow(self)  # result dialog after a decision, 重新打印 from the case list
        self.sync_panel = SyncPanel(self)
        from desktop.ui.case_detail import CaseListActions  # noqa: PLC0415 - the ORM stays off the first paint

        self.case_actions = CaseListActions(self)  # 办件详情 (Enter / Ctrl+I), 删除草稿 (Delete), the clerk filter

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
        # The filters and the table are made after the first paint (desktop.ui.later), in the room kept for them:
        # nothing is on them before the catalog is loaded and someone has signed in.
        room = QWidget()
        room.setMinimumHeight(self.case_search.sizeHint().height())
        self._filters = Later(layout, self._make_filters, slot=room)
        self._table = Later(layout, self._make_case_view, stretch=1)
        return page

    @property
    def case_filters(self) -> CaseFilterBar:
        """Status, local days, bundle and clerk above the list (desktop/ui/case_filters.py)."""
        return self._filters.get()

    @property
    def case_model(self) -> CaseTableModel:
        if self._case_model is None:
            from desktop.ui.case_model import CaseTableModel  # noqa: PLC0415 - made after the first paint

            self._case_model = CaseTableModel(self.clock)
        return self._case_model

    @property
    def case_view(self) -> QTableView:
        return self._table.get()

    def _make_filters(self) -> CaseFilterBar:
        from desktop.ui.case_filters import CaseFilterBar  # noqa: PLC0415 - made after the first paint

        bar = CaseFilterBar(self.clock)
        bar.changed.connect(self.refresh_cases)
        return bar

    def _make_case_view(self) -> QTableView:
        """The case list's view: whole rows, one at a time, striped, without row numbers."""
        from PySide6.QtWidgets import QAbstractItemView, QTableView  # noqa: PLC0415 - made after the first paint

        view = QTableView()
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        view.setModel(self.case_model)
        view.activated.connect(self._open_case)  # Enter, or a double-click
        return view

    def _actions(self) -> None:
        bar = self.addToolBar("主工具栏")
        bar.setMovable(False)
        spec = (
            ("新建办件", "Ctrl+N", self.focus_picker),
            ("办件列表", "Ctrl+L", self.show_cases),
            ("窗口档案", "", self.edit_profile),
            ("当日统计", "Ctrl+T", self.review_day),
            ("刷新", "F5", self.refresh_cases),
        )
        for text, keys, slot in spec:
            action = QAction(self)  # QAction(text, self) would weigh QIcon's overloads, loading its large enums
            action.setText(text)
            if keys:
                self._shortcuts.append((action, keys))
            action.triggered.connect(slot)
            bar.addAction(action)

    def _complete_controls(self) -> None:
        """What the first paint does not show, added once the window has painted (no key reaches it before): the
        toolbar's keys (QKeySequence and its enums cost that paint, and setShortcut(str) would load Qt's whole enum
        namespace) and the search fields' clear buttons (shown only over typed text; their icon costs the paint)."""
        from PySide6.QtGui import QKeySequence  # noqa: PLC0415 - off the first paint

        for action, keys in self._shortcuts:
            action.setShortcuts([QKeySequence.fromString(keys)])
        self._shortcuts = []
        for search in (self.picker.search, self.case_search):
            search.setClearButtonEnabled(True)
        # Made now, they join the end of the window's Tab chain: Tab follows the screen again.
        chain = (self.picker.search, self.picker.tree, self.case_search, *self.case_filters.tab_chain(), self.case_view)
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def show_profile(self) -> None:
        s = self.settings
        if s.profile_complete():
            text = f"{s.center_name}　{s.window_code}号窗口　窗口人员：{s.clerk}"
        elif s.center_name and s.division_code and s.window_code:
            text = f"{s.center_name}　{s.window_code}号窗口　请登录"
        else:
            text = "请先在“窗口档案”中填写服务中心、区划代码和窗口编号"
        if self.zone_problem:
            text += f"　（时区设置无效，按 {self.clock.tz.key} 计算日期）"
        self.profile_label.setText(text)

    # -- loading (off the UI thread) -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._loading_started:
            # Loading imports heavy libraries on pool threads; starting it after the first paint keeps
            # them from competing with that paint for the interpreter.
            QTimer.singleShot(0, self.start_loading)

    def start_loading(self) -> None:
        """Open the hall (store, clock, catalogs), then load the catalog in use, in the background after the first
        paint."""
        if self._loading_started:
            return
        self._loading_started = True
        from desktop.ui import loading  # noqa: PLC0415 - its dataclasses and lock stay off the first paint

        self._complete_controls()
        db = self.db_path
        Op(self.store_pool, lambda: loading.store_needs_login(db)).success(self._open_hall).failure(
            self._load_failed
        ).run()
        Op(shared_pool(), loading.warm_imports).run()  # overlaps the store's opening

    def _open_hall(self, needs_login: bool = False) -> None:
        """Open the hall on the store pool; an encrypted store with no key at hand first asks for 账户 and 密码
        (the account's wrap unlocks it; the same credentials then sign in, see desktop.ui.store_unlock)."""
        if needs_login:
            from desktop.ui.store_unlock import ask_store_login  # noqa: PLC0415 - only for an encrypted store

            ask_store_login(self, self.db_path, self.store_pool, self._store_unlocked, self.close)
            return
        from desktop.ui import loading  # noqa: PLC0415 - off the first paint (imported by start_loading)

        db, settings, clock, data = self.db_path, self.settings, self.clock, self.data_dir
        Op(self.store_pool, lambda: loading.open_hall(db, settings, clock, data)).success(self._hall_opened).failure(
            self._load_failed
        ).run()

    def _store_unlocked(self, username: str, password: str) -> None:
        self.store_login = (username, password)
        self._open_hall()

    def _hall_opened(self, hall: Hall) -> None:
        from desktop.ui import loading  # noqa: PLC0415 - off the first paint (imported by start_loading)

        self.hall = hall
        if hall.offline:
            self.statusBar().addPermanentWidget(QLabel("离线：中心服务器不可达，办件暂存本机，恢复后自动上报"))
        # The login first (desktop.ui.accounts_feature): its imports have the interpreter to themselves, and the
        # clerk types while the catalog loads. A listener's error is reported, not raised here: loading goes on.
        self.hall_ready.emit()
        load = Op(shared_pool(), lambda: loading.load_catalog(hall)).success(self.install_catalog)
        QTimer.singleShot(0, self, load.failure(self._load_failed).run)  # not for a window already gone
        # Features attach once the store thread has imported the ORM (importing it here, on the UI thread, while
        # that thread did too once left pydantic half-initialised), and after the login has painted.
        QTimer.singleShot(0, self, self._attach_features)
        self.run_daily_backup()
        backups = QTimer(self, interval=3_600_000)  # hourly: a window left open past midnight backs up the new day
        backups.timeout.connect(self.run_daily_backup)
        backups.start()

    def run_daily_backup(self) -> None:
        """Today's copy of the store in the configured backup folder (once a day; the timer asks hourly)."""
        from desktop.services.backup import daily_backup  # noqa: PLC0415 - loaded after the store, off the first paint

        db, settings, clock = self.db_path, self.settings, self.clock
        Op(self.store_pool, lambda: daily_backup(db, settings, clock)).failure(
            lambda e: self.statusBar().showMessage(f"每日备份失败：{e}（请检查“备份文件夹”设置）", 15000)
        ).run()

    def install_catalog(self, loaded: loading.LoadedCatalog) -> None:
        """Put the catalog in use (at start, or after sync installed a newer one) behind the picker."""
        idx = loaded.catalog.index
        self.catalog = loaded.catalog
        self.case_model.bundle_names = {b.code: b.name for b in idx.catalog.bundles}
        self.case_filters.set_bundles(self.case_model.bundle_names)
        self.picker.set_catalog(build_model(idx, loaded.reductions, loaded.keys), len(idx.bundles))
        self.catalog_ready.emit()
        self.refresh_cases()
        if self.offer_drafts_on_start and self.cases_shown:
            self.offer_drafts()

    def _load_failed(self, exc: Exception) -> None:
        from PySide6.QtWidgets import QMessageBox  # noqa: PLC0415 - its enums stay off the first paint

        self.load_failed.emit(f"{type(exc).__name__}: {exc}")
        # Not modal: the window stays usable (and a self-test is not stuck behind a dialog nobody sees).
        box = QMessageBox(QMessageBox.Icon.Critical, "启动失败", f"无法加载数据：{exc}", parent=self)
        box.open()

    def hide_cases(self) -> None:
        """Nobody is signed in (the app's login at start, an idle lock): the list shows no case, and drafts wait."""
        self.cases_shown = False
        if self._case_model is not None:  # none made yet: the list has shown nothing
            self._case_model.set_rows([])

    def show_cases_to(self, scope: str | None) -> None:
        """Someone signed in: the list shows ``scope``'s own cases (a clerk) or every case (None, a supervisor), and
        a draft left by a crash is offered."""
        self.case_scope, self.cases_shown = scope, True
        self.refresh_cases()
        if self.offer_drafts_on_start:
            self.offer_drafts()

    def refresh_cases(self) -> None:
        if self.hall is None or self.catalog is None:
            return
        if not self.cases_shown:
            self._cases_ready([])  # still "loaded": the accounts feature attaches on the first list
            return
        text = self.case_search.text().strip() or None
        hall, names, current = self.hall, self.case_model.bundle_names, self.catalog
        size = self.case_model.PAGE
        choice = self.case_filters.choice(self.case_scope)
        from desktop.ui.case_filters import filtered_rows  # noqa: PLC0415 - loaded with the filters (case_filters)

        rows = lambda: filtered_rows(hall, current, names, text, choice, limit=size)  # noqa: E731
        Op(self.store_pool, rows).success(self._cases_ready).run()

    def _cases_ready(self, rows: list[loading.CaseRow]) -> None:
        text = self.case_search.text().strip() or None
        choice = self.case_filters.choice(self.case_scope)
        self.case_model.set_rows(rows, more=lambda last, deliver: self._more_cases(text, last, deliver, choice))
        self.case_view.resizeColumnsToContents()
        self.cases_loaded.emit(len(rows))

    def _more_cases(self, text: str | None, last: loading.CaseRow, deliver: Callable[[Any], None], choice: Any) -> None:
        """The case list's next page, read on the store pool (the model asks when the view scrolls near its end)."""
        hall, names, size, current = self.hall, self.case_model.bundle_names, self.case_model.PAGE, self.catalog
        if hall is not None:
            from desktop.ui.case_filters import filtered_rows  # noqa: PLC0415 - loaded with the filters

            page = lambda: filtered_rows(hall, current, names, text, choice, after=last.page_key, limit=size)  # noqa: E731
            Op(self.store_pool, page).success(deliver).run()

    # -- actions ------------------------------------------------------------------------------------------------

    def focus_picker(self) -> None:
        self.picker.search.setFocus()
        self.picker.search.selectAll()

    def show_cases(self) -> None:
        self.stack.setCurrentIndex(0)
        self.refresh_cases()

    def review_day(self) -> None:
        """The supervisor's counts for a day (today by default)."""
        if self.hall is None:
            return
        from desktop.ui.day_review import DayReviewDialog  # noqa: PLC0415 - opened rarely, off the first paint

        DayReviewDialog(self).open()

    def edit_profile(self) -> bool:
        from desktop.ui.profile_dialog import ProfileDialog  # noqa: PLC0415 - opened rarely, off the first paint

        dialog = ProfileDialog(self.settings, self)
        if not dialog.exec():
            return False
        dialog.apply_to(self.settings)
        # the operator is whoever signs in, never a stored name: it is kept in memory only
        settings_mod.save(replace(self.settings, clerk=""), self.settings_path)
        self.show_profile()
        return True

    def profile(self) -> Profile | None:
        from desktop.cases.profile import Profile  # noqa: PLC0415 - off the first paint, asked at the first intake

        s = self.settings
        try:
            return Profile(s.center_name, s.division_code, s.window_code, s.clerk)
        except ValueError:
            return None

    def start_intake(self, bundle_code: str) -> None:
        if self.catalog is None or self.hall is None or self.intake is not None:
            return
        if self.profile() is None and self.settings.clerk and not self.edit_profile():
            return
        profile = self.profile()
        if profile is None:  # nobody signed in, or the profile is still incomplete
            self.statusBar().showMessage("请先登录并填写窗口档案，再新建办件", 10000)
            return
        from desktop.services.intake import open_intake  # noqa: PLC0415 - the ORM stays off the first paint

        hall, catalog = self.hall, self.catalog
        Op(self.store_pool, lambda: open_intake(hall, catalog, bundle_code, profile)).success(
            self._show_intake
        ).failure(lambda e: self._store_failed(f"无法新建办件：{e}")).run()

    def open_case(self, case_id: uuid.UUID) -> None:
        """Resume a draft, or reopen a 补正/退件 case when the applicant returns (under the catalog it began
        with, when that one is at hand)."""
        if self.intake is not None or self.profile() is None or self.hall is None or self.catalog is None:
            return
        from desktop.services.intake import reopen_intake  # noqa: PLC0415 - the ORM stays off the first paint

        hall, catalog, clerk = self.hall, self.catalog, self.settings.clerk
        Op(self.store_pool, lambda: reopen_intake(hall, catalog, case_id, clerk)).success(self._show_intake).failure(
            lambda e: self._store_failed(f"无法打开办件：{e}")
        ).run()

    def _show_intake(self, opened: OpenedIntake) -> None:
        from desktop.ui.intake.host import IntakeHost  # noqa: PLC0415 - the intake screen loads on first use

        profile = self.profile()
        assert profile is not None and self.hall is not None
        self.intake = IntakeHost(self.hall, self.store_pool, opened, profile, assists=self.intake_assists)
        self.intake.decided.connect(self._intake_decided)
        self.intake.failed.connect(self._store_failed)
        self.intake.save_failed.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.intake.widget.cancelled.connect(self.close_intake)
        self.stack.addWidget(self.intake.widget)
        self.stack.setCurrentWidget(self.intake.widget)
        self.picker.hide()  # the intake takes the window's whole width while it is on screen
        self.intake.widget.tabs.setCurrentIndex(0)
        self.intake.widget.situations.focus_first()
        self.intake_opened.emit(self.intake)

    def close_intake(self) -> None:
        if self.intake is None:
            return
        self.intake.save_now()
        widget = self.intake.widget
        self.stack.removeWidget(widget)
        widget.deleteLater()
        self.intake = None
        self.picker.show()
        self.show_cases()
        self.focus_picker()  # the next applicant's bundle is typed at once, no Ctrl+N

    def _intake_decided(self, case: Case) -> None:
        label = DECISION_LABELS[case.decision] if case.decision else ""
        number = format_number(case.number) if case.number else ""
        self.statusBar().showMessage(f"{label}：办件编号 {number}", 10000)
        self.close_intake()
        self.case_decided.emit(case)

    def _store_failed(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # noqa: PLC0415 - its enums stay off the first paint

        QMessageBox.warning(self, "办件库", message)

    def _open_case(self, index: QModelIndex) -> None:
        import uuid  # noqa: PLC0415 - uuid (and the platform module it loads) stays off the first paint

        from desktop.ui.case_model import ID_ROLE  # noqa: PLC0415 - loaded with the list, after the first paint

        case_id = index.data(ID_ROLE)
        row = self.case_model.row_at(index.row())
        if case_id and row.state in REOPENABLE:
            self.open_case(uuid.UUID(case_id))
        elif case_id and row.decision == Decision.DEFER:
            self.complete_deferred(uuid.UUID(case_id))
        elif case_id and self.case_actions is not None:  # a decided case: 办件详情
            self.case_actions.show_case(uuid.UUID(case_id))
        elif case_id:
            self.statusBar().showMessage(f"办件 {row.number or ''}：{STATE_LABELS.get(row.state, row.state)}", 5000)

    def complete_deferred(self, case_id: uuid.UUID) -> None:
        """A 容缺受理 case whose applicant returned with the deferred materials."""
        if self.hall is None:
            return
        from desktop.services.cases import case_detail  # noqa: PLC0415 - the ORM stays off the first paint

        hall = self.hall
        Op(self.store_pool, lambda: case_detail(hall, case_id)).success(self._show_deferred).run()

    def _show_deferred(self, detail: CaseDetail) -> None:
        from desktop.ui.deferred_dialog import DeferredDialog  # noqa: PLC0415 - opened rarely, off the first paint

        assert self.hall is not None
        dialog = DeferredDialog(self.hall, self.store_pool, self.settings.clerk, detail, self)
        dialog.supplied.connect(lambda _case: self.refresh_cases())
        dialog.open()
        self.deferred_dialog_opened.emit(dialog)

    def offer_drafts(self) -> None:
        """After a crash, offer the newest open draft with everything that was typed."""
        if self.hall is None or self.catalog is None or self._drafts_offered:
            return
        self._drafts_offered = True
        from desktop.services.cases import drafts  # noqa: PLC0415 - the ORM stays off the first paint

        hall = self.hall
        Op(self.store_pool, lambda: drafts(hall)).success(self._drafts_found).run()

    def _drafts_found(self, drafts: list[CaseSummary]) -> None:
        if not drafts or self.intake is not None or self.catalog is None:
            return
        from PySide6.QtWidgets import QMessageBox  # noqa: PLC0415 - its enums stay off the first paint

        newest = drafts[0]
        bundles = self.catalog.index.bundles
        name = bundles[newest.bundle_code].name if newest.bundle_code in bundles else ""
        answer = QMessageBox.question(
            self, "未完成的办件", f"发现{len(drafts)}件未完成的草稿。是否继续办理最近的一件（{name}）？"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.open_case(newest.id)
