"""What the window's features (scanning, the result dialog, sync, the day review) use of the main window.

They are attached to the window and reach it through this protocol, never by importing ``main_window``: no import
cycle, and each feature says exactly what it needs.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import QThreadPool, SignalInstance
    from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QStatusBar, QTableView

    from desktop.cases.clock import Clock
    from desktop.cases.profile import Profile
    from desktop.services.catalogs import CatalogInUse
    from desktop.services.hall import Hall
    from desktop.settings import Settings
    from desktop.ui.case_filters import CaseFilterBar
    from desktop.ui.case_model import CaseTableModel
    from desktop.ui.intake.host import IntakeHost
    from desktop.ui.loading import LoadedCatalog


class ShowsDocuments(Protocol):
    """The result dialog's path (desktop.ui.result_flow.ResultFlow): a decided case's documents, to reprint."""

    def show_case(self, case_id: uuid.UUID, *, first: bool = False) -> None: ...


class WindowApi(Protocol):
    """The main window's public face: its hall (store, clock, catalogs) once open, the catalog in use, the case
    list, the intake on screen and the signals features listen to."""

    settings: Settings
    settings_path: Path | None
    db_path: Path | str
    clock: Clock
    hall: Hall | None
    catalog: CatalogInUse | None
    intake: IntakeHost | None
    store_login: tuple[str, str] | None  # who unlocked an encrypted store (signed in once the hall is open)
    case_search: QLineEdit
    sync_label: QLabel

    # the case list's view, model and filters are made after the first paint, when first asked for
    @property
    def case_view(self) -> QTableView: ...

    @property
    def case_model(self) -> CaseTableModel: ...

    @property
    def case_filters(self) -> CaseFilterBar: ...

    @property
    def store_pool(self) -> QThreadPool:
        """The one-thread pool of the window's store work (made with the first of it)."""
        ...

    @property
    def result_flow(self) -> ShowsDocuments | None: ...

    @property
    def hall_ready(self) -> SignalInstance: ...

    @property
    def cases_loaded(self) -> SignalInstance: ...

    @property
    def intake_opened(self) -> SignalInstance: ...

    @property
    def case_decided(self) -> SignalInstance: ...

    def qwidget(self) -> QMainWindow:
        """The window as a Qt parent and for its toolbars."""
        ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt's name

    def refresh_cases(self) -> None: ...

    def hide_cases(self) -> None: ...

    def show_cases_to(self, scope: str | None) -> None: ...

    def show_profile(self) -> None: ...

    def show_cases(self) -> None: ...

    def open_case(self, case_id: uuid.UUID) -> None: ...

    def install_catalog(self, loaded: LoadedCatalog) -> None: ...

    def profile(self) -> Profile | None: ...
