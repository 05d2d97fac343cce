"""Screenshots of issue 10's screens into docs/screenshots/ (login, supervisor's workspace, rating window, PDF report).

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots_supervision.py window
    QT_QPA_PLATFORM=offscreen:configfile=FILE .venv/bin/python scripts/screenshots_supervision.py rating

(``rating`` wants two screens: FILE is an offscreen-platform JSON with a 1366x768 clerk screen and a second one.)
A sample hall is made in a temporary directory: accounts, a day of sample cases through the real pipeline, ratings.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop.cases.clock import stepping_clock
from desktop.cases.profile import Profile
from desktop.cases.ratings import FollowUpKind
from desktop.cases.roles import Role
from desktop.cases.states import Decision
from desktop.services import demo, ratings, reports
from desktop.services.catalogs import Catalogs
from desktop.services.hall import Hall
from desktop.store.repo import Store
from desktop.ui.fonts import install_font, install_translations
from desktop.ui.login import LoginDialog
from desktop.ui.rating import RatingWindow
from desktop.ui.supervision.workspace import SupervisorWorkspace
from desktop.ui.workers import serial_pool

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
DAY = date(2026, 11, 30)
PASSWORD = "sample-pass-1"


def sample_hall(folder: Path) -> Hall:
    clock = stepping_clock(datetime(2026, 11, 30, 0, 40, tzinfo=UTC), step=timedelta(seconds=1))  # 08:40 Beijing
    hall = Hall(Store(folder / "cases.sqlite3", clock=clock), clock, Catalogs(folder / "data"))
    store = hall.store
    store.add_account("admin", "系统管理员", Role.ADMIN, PASSWORD, actor="system")
    for username, name, role in (
        ("lixm", "李晓梅", Role.CLERK),
        ("wangf", "王芳", Role.CLERK),
        ("zhaom", "赵敏", Role.SUPERVISOR),
    ):
        store.add_account(username, name, role, PASSWORD, actor="admin")
    catalog = hall.catalogs.current()
    rng = random.Random(11)
    codes = sorted(catalog.index.bundles)
    kinds = [Decision.ACCEPT] * 5 + [Decision.DEFER] * 2 + [Decision.NOTIFY, Decision.REJECT]
    source = clock.source
    for n in range(26):
        clerk, window = (("lixm", "03"), ("wangf", "04"))[n % 3 == 0]
        profile = Profile(demo.DEMO_PROFILE[0], demo.DEMO_PROFILE[1], window, clerk)
        source.set(datetime(2026, 11, 30, 0, 40, tzinfo=UTC) + timedelta(minutes=17 * n + rng.randint(0, 9)))  # type: ignore[attr-defined]
        session = demo.sample_session(catalog, codes[(n * 7) % 12], clock, seed=n)
        kind = kinds[n % len(kinds)]
        demo.mark_all(session, kind.value, rng)
        if not session.assessment().allowed(kind):
            kind = Decision.ACCEPT if session.assessment().allowed(Decision.ACCEPT) else Decision.REJECT
        case = demo.decide_session(hall, catalog, session, kind, profile)
        level = rng.choice([5, 5, 5, 4, 4, 3, 2, 1]) if n % 4 else None
        if level is not None:
            operator = store.account(clerk)
            assert operator is not None
            reason = rng.choice(["efficiency", "guide", "attitude"]) if level <= 2 else None
            ratings.rate(hall, case.id, level, operator, reason=reason)
    supervisor = store.account("zhaom")
    assert supervisor is not None
    first_bad = store.bad_ratings()[-1]
    ratings.follow_up(
        hall, first_bad.case_id, supervisor, kind=FollowUpKind.VISIT, on=DAY, note="电话回访，已致歉并说明办理进度"
    )
    source.set(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))  # type: ignore[attr-defined]  # 12-02 10:00: some 容缺 overdue
    return hall


def save(widget: QWidget, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(OUT / name))
    print(OUT / name)


def asked(app: QApplication, login: LoginDialog) -> LoginDialog:
    """``login`` once the store has said whether this is the first run (it asks on the pool)."""
    login.show()
    while login.first_run is None:
        app.processEvents()
    app.processEvents()
    return login


def window_shots(app: QApplication, hall: Hall) -> None:
    login = asked(app, LoginDialog(hall, serial_pool()))
    login.username.setText("zhaom")
    app.processEvents()
    save(login, "40-login.png")
    login.close()
    supervisor = hall.store.account("zhaom")
    assert supervisor is not None
    names = {c: b.name for c, b in hall.catalogs.current().index.bundles.items()}
    pool = serial_pool()
    ws = SupervisorWorkspace(hall, supervisor, pool, center_name=demo.DEMO_PROFILE[0], bundle_names=names)
    ws.setWindowTitle("督查工作台")
    ws.resize(1366, 768)
    ws.show()
    while ws.current is None:
        app.processEvents()
    ws.first.setDate(QDate(DAY))
    ws.last.setDate(QDate(DAY))
    ws.refresh()
    shown = ws.current
    while ws.current is shown:
        app.processEvents()
    save(ws, "41-supervision-charts.png")
    ws.drill_down("clerk", "wangf")
    app.processEvents()
    save(ws, "42-supervision-drilldown.png")
    ws.tabs.setCurrentIndex(2)
    app.processEvents()
    save(ws, "43-supervision-deferred.png")
    ws.tabs.setCurrentIndex(6)
    app.processEvents()
    save(ws, "44-supervision-ratings.png")
    pdf = Path(tempfile.mkdtemp()) / "report.pdf"
    reports.write_pdf(reports.build_report(hall, DAY, DAY, center_name=demo.DEMO_PROFILE[0]), pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(OUT / "46-report-pdf")], check=True
    )
    print(OUT / "46-report-pdf-1.png")
    pool.waitForDone()


def rating_shot(app: QApplication) -> None:
    screens = app.screens()
    clerk = next((s for s in screens if s.name() == "clerk"), app.primaryScreen())
    window = RatingWindow("2101020040326113000012")
    second = window.show_for_applicant(screens, clerk)
    app.processEvents()
    print(f"on {window.screen().name()} full-screen={second} {window.geometry()}")
    QTimer.singleShot(0, lambda: None)
    app.processEvents()
    save(window, "45-rating-second-screen.png")
    window.choose(2)
    app.processEvents()
    save(window, "47-rating-reason.png")


def main() -> int:
    app = QApplication(sys.argv[:1])
    install_font(app)
    install_translations(app)
    if sys.argv[1:] == ["rating"]:
        rating_shot(app)
        return 0
    empty_dir = Path(tempfile.mkdtemp())
    empty = Hall(
        Store(empty_dir / "cases.sqlite3"), stepping_clock(datetime(2026, 11, 30, tzinfo=UTC)), Catalogs(empty_dir)
    )
    first_run = asked(app, LoginDialog(empty, serial_pool()))
    save(first_run, "39-first-run.png")
    first_run.close()
    empty.close()
    hall = sample_hall(Path(tempfile.mkdtemp()))
    window_shots(app, hall)
    hall.close()
    sys.stdout.flush()
    os._exit(0)  # PySide6's interpreter-exit collection can crash after offscreen grabs; nothing is left to save


if __name__ == "__main__":
    sys.exit(main())
