"""Screenshots of the hall's case list (filters above it), a case's detail view and an intake's checklist with a
内部流转 row into docs/screenshots/.

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots_case_list.py

A sample hall is made in a temporary directory (the demo accounts, a day of sample cases through the real pipeline,
a draft, a reprint); the main window opens on it as a supervisor would see it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from desktop import settings as settings_mod
from desktop.cases.clock import Clock, stepping_clock
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.services import demo
from desktop.services.catalogs import Catalogs
from desktop.services.hall import Hall
from desktop.store.repo import Store
from desktop.ui.fonts import install_font, install_translations
from desktop.ui.gc_timer import UiThreadCollector
from desktop.ui.main_window import MainWindow

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def sample_store(folder: Path) -> tuple[Path, uuid.UUID]:
    """A store with a morning's cases; returns its path and a rejected case to open."""
    db = folder / "cases.sqlite3"
    clock = stepping_clock(Clock().now() - timedelta(hours=1), step=timedelta(seconds=5))  # today, for the window
    hall = Hall(Store(db, clock=clock), clock, Catalogs(folder / "data"))
    accounts = demo.ensure_demo_accounts(hall)
    catalog = hall.catalogs.current()
    clerk = next(a for a in accounts if a.role == "clerk")  # 李晓梅
    profile = Profile(demo.DEMO_PROFILE[0], demo.DEMO_PROFILE[1], demo.DEMO_PROFILE[2], clerk.username)
    demo.seed_store(hall, catalog, profile, count=14)
    firm = next(code for code, b in catalog.index.bundles.items() if b.name == "企业开办")
    rejected = demo.decide_sample(hall, catalog, firm, Decision.REJECT, profile, seed=5)
    supervisor = next(a for a in accounts if a.role == "supervisor")
    hall.store.record(supervisor.username, "reprint", {"document": "reject"}, rejected.id)
    hall.store.new_draft(firm, catalog.version, profile)
    hall.close()
    return db, rejected.id


def save(widget: QWidget, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(OUT / name))
    print(OUT / name)


def wait(app: QApplication, done: Callable[[], bool], limit: int = 4000) -> None:
    for _ in range(limit):
        if done():
            return
        app.processEvents()
        time.sleep(0.005)
    raise SystemExit("timed out")


def main() -> int:
    app = QApplication(sys.argv[:1])
    install_font(app)
    install_translations(app)
    collector = UiThreadCollector()  # as in the app: garbage is collected on the UI thread, never on a pool thread
    folder = Path(tempfile.mkdtemp())
    db, rejected = sample_store(folder)
    s = settings_mod.Settings()
    s.center_name, s.division_code, s.window_code, s.clerk = demo.DEMO_PROFILE
    window = MainWindow(s, db, folder / "settings.json", data_dir=folder / "data")
    window.offer_drafts_on_start = False
    window.resize(1366, 768)
    window.show()
    window.start_loading()
    wait(app, lambda: window.catalog is not None and window.case_model.rowCount() > 0)
    wait(app, lambda: window.case_filters.clerk.count() > 1)  # the supervisor's clerk filter, filled off the UI thread
    window.case_filters.by_date.setChecked(True)
    window.case_filters.state.setCurrentIndex(window.case_filters.state.findData("queued"))
    wait(app, lambda: window.store_pool.activeThreadCount() == 0 and window.case_model.rowCount() > 0)
    for _ in range(20):
        app.processEvents()
    window.case_view.setFocus()
    window.case_view.selectRow(0)
    app.processEvents()
    save(window, "50-case-list-filters.png")
    window.case_filters.state.setCurrentIndex(0)
    wait(app, lambda: window.store_pool.activeThreadCount() == 0)
    opened: list[QWidget] = []
    assert window.case_actions is not None
    window.case_actions.detail_opened.connect(opened.append)
    window.case_actions.show_case(rejected)
    wait(app, lambda: bool(opened))
    dialog = opened[0]
    dialog.resize(1300, 700)
    app.processEvents()
    save(dialog, "51-case-detail-items.png")
    dialog.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
    app.processEvents()
    save(dialog, "52-case-detail-timeline.png")
    dialog.close()
    window.settings.clerk = "lixm"  # the operator is a signed-in account (the store refuses any other)
    window.start_intake("LNYJS001")  # 新生儿出生: the 出生医学证明 flows from one item to the next
    wait(app, lambda: window.intake is not None)
    assert window.intake is not None
    window.intake.widget.tabs.setCurrentIndex(2)  # 材料
    app.processEvents()
    save(window, "53-checklist-internal-flow.png")
    collector.stop()
    sys.stdout.flush()
    os._exit(0)  # PySide6's interpreter-exit collection can crash after grabs; nothing is left to save


if __name__ == "__main__":
    sys.exit(main())
