"""The window app's entry: builds QApplication and the main window, runs it, or self-tests it."""

from __future__ import annotations

from desktop.ui import startup_gc  # noqa: F401 - first: no automatic garbage collection while the app loads

# isort: split
import argparse
import os
import sys
from collections.abc import Callable

# The window's Qt-free modules load before Qt (whose import hook then scans every module imported after it), and
# the hook's scan is made cheap before anything else imports Qt (desktop.ui.feature_scan): ~15 ms of the first paint.
from desktop import paths
from desktop import settings as settings_mod
from desktop.cases import clock, numbers, states  # noqa: F401 - the main window's, loaded before Qt (see above)
from desktop.ui import feature_scan  # noqa: F401 - before the Qt widgets and our Qt modules

# isort: split
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from desktop.ui.fonts import install_fallback_font, install_font, install_translations
from desktop.ui.gc_timer import UiThreadCollector
from desktop.ui.main_window import MainWindow


def build(args: argparse.Namespace) -> tuple[QApplication, MainWindow]:
    """The QApplication and the shown main window; loading continues in the background."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("yishi")
    app.aboutToQuit.connect(lock_store_keys)  # the store key leaves memory with the app (not on an idle lock)
    UiThreadCollector(app)
    family = install_font(app)
    settings = settings_mod.load()
    window = MainWindow(settings, paths.db_path_from(args, settings))
    window.resize(1366, 768)
    window.hide_cases()  # until someone signs in (desktop.ui.accounts_feature): nobody reads cases behind the login
    AfterFirstPaint(window, lambda: after_first_paint(app, window, family))
    window.show()
    # The first paint starts loading; this covers a platform that paints nothing before the event loop idles.
    QTimer.singleShot(250, window.start_loading)
    return app, window


def after_first_paint(app: QApplication, window: MainWindow, family: str) -> None:
    """What the first paint does not need: Qt's Chinese dialog buttons, the full font behind the subset, and the
    accounts feature (it attaches with the first case list, long after this)."""
    from desktop.ui.accounts_feature import attach_when_ready  # noqa: PLC0415 - off the first paint

    install_translations(app)
    install_fallback_font(family)
    attach_when_ready(window)  # login at start, idle lock, roles, 好差评, 督查工作台 (once the hall is open)


def lock_store_keys() -> None:
    """At quit: the store key of an encrypted store leaves this process's memory."""
    from desktop.services.encryption import lock_store_keys as forget  # noqa: PLC0415 - loaded with the store

    forget()


class AfterFirstPaint(QObject):
    """Runs ``work`` once the event loop is free after ``window``'s first paint (or 250 ms after it was made, on a
    platform that paints nothing before the event loop idles): what the first paint does not need."""

    def __init__(self, window: QObject, work: Callable[[], object]) -> None:
        super().__init__(window)
        self.work: Callable[[], object] | None = work
        window.installEventFilter(self)
        QTimer.singleShot(250, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and self.work is not None:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        work, self.work = self.work, None
        if work is not None:
            work()


def run(args: argparse.Namespace) -> int:
    app, _window = build(args)
    return int(app.exec())


def selftest(args: argparse.Namespace) -> int:
    """Open the store, load and validate the catalog, show the main window offscreen; exit 0 when all work."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the QApplication is made
    app, window = build(args)
    outcome: dict[str, object] = {}

    def check() -> None:
        if window.catalog is not None and window.hall is not None:
            outcome["ok"] = True
            app.quit()

    def failed(message: str) -> None:
        outcome["error"] = message
        app.quit()

    def timed_out() -> None:
        outcome["error"] = "timed out after 120 s"
        app.quit()

    window.catalog_ready.connect(check)
    window.cases_loaded.connect(lambda _n: check())
    window.load_failed.connect(failed)
    QTimer.singleShot(120_000, timed_out)
    app.exec()
    if not outcome.get("ok") or window.catalog is None:
        loaded = f"catalog {'loaded' if window.catalog else 'missing'}, store {'open' if window.hall else 'missing'}"
        print(f"selftest FAILED ({loaded}): {outcome.get('error', 'the app quit early')}", file=sys.stderr)
        return 1
    idx = window.catalog.index
    print(f"selftest OK: catalog {idx.version}, {len(idx.bundles)} bundles, store {window.db_path}")
    return 0
