"""Screenshots of every intake step at 1366×768, for looking at what a clerk sees.

Usage: python tools/screenshots.py OUTDIR [BUNDLE_NAME ...]
Runs on whatever Qt platform is set (offscreen or a real X display such as Xvfb).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop import settings as settings_mod
from desktop.cases.decisions import IDENTITY_KEYS, MaterialStatus
from desktop.cases.states import Decision
from desktop.forms.decision import Mark
from desktop.services import demo
from desktop.ui.fonts import install_font, install_translations
from desktop.ui.intake.decision_page import DecisionPage
from desktop.ui.main_window import MainWindow


def wait(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def plan_decision(page: DecisionPage) -> None:
    """一次性告知 for every item, then 受理 for each item the rule lets through (as a clerk would set them)."""
    if not page.buttons[Decision.NOTIFY].isEnabled():
        return
    page.choose(Decision.NOTIFY)
    for row in page.rows:
        row.set_outcome(Decision.ACCEPT)
        if page.problems():
            row.set_outcome(Decision.NOTIFY)
    page.refresh_plan()
    page.confirm_button.setFocus()


def shoot_bundle(window: MainWindow, out: Path, n: int, name: str) -> None:
    """The four intake steps of bundle ``name`` as ``{n}1-situations.png`` … ``{n}4-decision.png``."""
    assert window.catalog is not None
    code = next(b.code for b in window.catalog.index.catalog.bundles if b.name == name)
    window.start_intake(code)
    while window.intake is None:
        wait(100)
    intake = window.intake.widget
    wait()
    window.grab().save(str(out / f"{n}1-situations.png"))
    intake.tabs.setCurrentIndex(1)
    session = window.intake.session
    rng = random.Random(3)
    demo.fill(session, rng)
    emptied = next(k for k in session.values if k not in IDENTITY_KEYS)
    kept = session.values[emptied]
    session.set_value(emptied, None)  # one field left empty shows its message
    intake.form_model.refresh()
    intake.form.focus_first_error()
    wait()
    window.grab().save(str(out / f"{n}2-form.png"))
    intake.tabs.setCurrentIndex(2)
    entries = session.checklist
    for e in entries[:-1]:
        session.set_mark(e.code, Mark(MaterialStatus.CHECKED, max(1, e.copies)))
    intake.checklist.model.refresh()
    wait()
    window.grab().save(str(out / f"{n}3-checklist.png"))
    if n > 1:  # the first bundle shows the form's problem named on the decision step; the others a valid form
        session.set_value(emptied, kept)
        intake.form_model.refresh()
    intake.tabs.setCurrentIndex(3)
    plan_decision(intake.decision)
    wait()
    window.grab().save(str(out / f"{n}4-decision.png"))
    window.close_intake()
    wait()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("bundles", nargs="*", default=["公民身后一件事", "企业开办"])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    install_font(app)
    install_translations(app)
    tmp = Path(tempfile.mkdtemp())
    s = settings_mod.Settings()
    s.center_name, s.division_code, s.window_code, s.clerk = demo.DEMO_PROFILE
    window = MainWindow(s, tmp / "cases.sqlite3", tmp / "settings.json")
    window.offer_drafts_on_start = False
    window.resize(1366, 768)
    window.show()
    window.start_loading()
    while window.catalog is None or window.hall is None:
        wait(100)
    window.grab().save(str(args.out / "00-main.png"))
    for n, name in enumerate(args.bundles, 1):
        shoot_bundle(window, args.out, n, name)
    window.store_pool.waitForDone()
    return 0


if __name__ == "__main__":
    sys.exit(main())
