"""The window app's entry: builds QApplication and the main window, runs it, or self-tests it."""

from __future__ import annotations

import argparse
import os
import sys

from desktop import paths
from desktop import settings as settings_mod


def build(args: argparse.Namespace) -> tuple[object, object]:
    """The QApplication and the shown main window; loading continues in the background."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.ui.fonts import install_font, install_translations
    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("yishi")
    from desktop.ui.gc_timer import UiThreadCollector

    UiThreadCollector(app)
    install_font(app)  # type: ignore[arg-type]
    install_translations(app)  # type: ignore[arg-type]
    settings = settings_mod.load()
    window = MainWindow(settings, paths.db_path_from(args, settings))
    window.resize(1366, 768)
    window.show()
    # The first paint starts loading; this covers a platform that paints nothing before the event loop idles.
    QTimer.singleShot(250, window.start_loading)
    return app, window


def run(args: argparse.Namespace) -> int:
    app, _window = build(args)
    return int(app.exec())  # type: ignore[attr-defined]


def selftest(args: argparse.Namespace) -> int:
    """Open the store, load and validate the catalog, show the main window offscreen; exit 0 when all work."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer

    app, window = build(args)
    outcome: dict[str, object] = {}

    def check() -> None:
        if window.catalog is not None and window.store is not None:  # type: ignore[attr-defined]
            outcome["ok"] = True
            app.quit()  # type: ignore[attr-defined]

    def failed(message: str) -> None:
        outcome["error"] = message
        app.quit()  # type: ignore[attr-defined]

    def timed_out() -> None:
        outcome["error"] = "timed out after 120 s"
        app.quit()  # type: ignore[attr-defined]

    window.catalog_ready.connect(check)  # type: ignore[attr-defined]
    window.cases_loaded.connect(lambda _n: check())  # type: ignore[attr-defined]
    window.load_failed.connect(failed)  # type: ignore[attr-defined]
    QTimer.singleShot(120_000, timed_out)
    app.exec()  # type: ignore[attr-defined]
    if not outcome.get("ok"):
        loaded = f"catalog {'loaded' if window.catalog else 'missing'}, store {'open' if window.store else 'missing'}"  # type: ignore[attr-defined]
        print(f"selftest FAILED ({loaded}): {outcome.get('error', 'the app quit early')}", file=sys.stderr)
        return 1
    idx = window.catalog  # type: ignore[attr-defined]
    print(f"selftest OK: catalog {idx.version}, {len(idx.bundles)} bundles, store {window.db_path}")  # type: ignore[attr-defined]
    return 0
