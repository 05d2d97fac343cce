"""Start-up: process start to the main window's first paint, against an empty PySide6 QMainWindow.

Both children are started the same way and report their first paint the same way (an event
filter on the window); the parent times process start → that line. Prints medians and the ratio
(target ≤ 1.3×), plus the time until the catalog and the case store are loaded ("ready").

    .venv/bin/python bench/bench_startup.py [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAINT_FILTER = """
from PySide6.QtCore import QObject, QEvent
class FirstPaint(QObject):
    def __init__(self):
        super().__init__()
        self.done = False
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            print("PAINT", flush=True)
        return False
"""

BASELINE = PAINT_FILTER + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1366, 768)
f = FirstPaint()
w.installEventFilter(f)
w.show()
from PySide6.QtCore import QTimer
QTimer.singleShot(1500, app.quit)
app.exec()
"""

YISHI = PAINT_FILTER + """
import argparse, time
from desktop.ui.application import build
app, window = build(argparse.Namespace(db=None))
f = FirstPaint()
window.installEventFilter(f)
window.repaint()
window.cases_loaded.connect(lambda _n: (print("READY", flush=True), app.quit()))
app.exec()
"""


def run(code: str, env: dict[str, str], wanted: tuple[str, ...]) -> dict[str, float]:
    """Milliseconds from process start to each wanted line; the child is stopped once all arrived
    (how it shuts down is not what is measured)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    marks: dict[str, float] = {}
    assert proc.stdout is not None
    try:
        while not set(wanted) <= marks.keys():
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"child ended before {set(wanted) - marks.keys()}")
            marks.setdefault(line.strip(), (time.perf_counter() - start) * 1000)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    return marks


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    tmp = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "YISHI_DB": str(tmp / "cases.sqlite3"),
        "YISHI_CONFIG": str(tmp / "settings.json"),
    }
    run(YISHI, env, ("PAINT", "READY"))  # first run migrates the store and warms the OS file cache for both
    base, ours, ready = [], [], []
    for _ in range(rounds):
        base.append(run(BASELINE, env, ("PAINT",))["PAINT"])
        marks = run(YISHI, env, ("PAINT", "READY"))
        ours.append(marks["PAINT"])
        ready.append(marks["READY"])
    b, o, r = statistics.median(base), statistics.median(ours), statistics.median(ready)
    print(f"rounds: {rounds}")
    print(f"empty QMainWindow first paint   {b:7.0f} ms  (baseline)")
    print(f"yishi main window first paint   {o:7.0f} ms  ratio {o / b:.2f}  (target <= 1.30)")
    print(f"yishi ready (catalog + store)   {r:7.0f} ms  ratio {r / b:.2f}")


if __name__ == "__main__":
    main()
