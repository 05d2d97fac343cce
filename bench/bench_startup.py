"""Start-up: process start to the main window's first paint, against an empty PySide6 QMainWindow.

Both children are started the same way, in turn, and report their first paint the same way (an event
filter on the window); the parent times process start → that line. Each child loads what it measures
first (PySide6 for the empty window, the window app's module for yishi), then the bench's probe, as the
app starts with its own code. Each round starts the empty window and ours one after the other, in an
order that turns from round to round: the ratio judged (target ≤ 1.3×) is the median of the rounds' own
ratios, since on a shared machine one child can run at half speed and the next at full, and children
started together share that moment; the ratio of the medians is printed beside it. Also printed: the time
until the login has painted over the window (the clerk can type) and until the catalog and the case store
are loaded ("ready"), each timed in a child of its own. Each child also reports the CPU time its process
had used at the first paint.

A third child starts the window the way a clerk does, through the ``yishi`` command (``desktop.entry``
with no arguments: the installed script and the frozen binary), with the same target: what that command
imports before it hands over to the window app is part of the clerk's wait.

The children run as the installed app does: with compiled bytecode (pip and the frozen build ship it),
kept in a throwaway cache that the warm-up run fills; ``--source`` makes every child compile the
sources instead (PYTHONDONTWRITEBYTECODE, no cache), which costs the app, not the empty window.

    .venv/bin/python bench/bench_startup.py [ROUNDS] [--source] [--json]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import Figure, emit, wants_json

TARGET = 1.3
ROOT = Path(__file__).resolve().parents[1]

PAINT_FILTER = """
import time
from PySide6.QtCore import QObject, QEvent
class FirstPaint(QObject):
    def __init__(self):
        super().__init__()
        self.done = False
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            print("PAINT", time.process_time() * 1000, flush=True)
        return False
"""

BASELINE = (
    PAINT_FILTER
    + """
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
)

YISHI = (
    """
import argparse
from desktop.ui.application import build
"""
    + PAINT_FILTER
    + """
from PySide6.QtWidgets import QDialog
class LoginPaint(QObject):  # the first dialog the app paints after the window: the login, over it
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QDialog):
            app.removeEventFilter(self)
            print("LOGIN", flush=True)
        return False
class WindowThenLogin(FirstPaint):  # watches the whole app only once the window has painted
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            app.installEventFilter(login)
        return super().eventFilter(obj, event)
app, window = build(argparse.Namespace(db=None))
login = LoginPaint()
f = WindowThenLogin()
window.installEventFilter(f)
window.cases_loaded.connect(lambda _n: (print("READY", flush=True), app.quit()))
window.load_failed.connect(lambda message: (print("FAILED", message, flush=True), app.quit()))
app.exec()
"""
)

# The yishi command with no arguments; the probe joins the window that desktop.ui.application.build returns.
ENTRY = (
    """
import desktop.entry
from desktop.ui import application
"""
    + PAINT_FILTER
    + """
made = application.build
def probed(args):
    app, window = made(args)
    f = FirstPaint()
    window.installEventFilter(f)
    window.first_paint_probe = f
    return app, window
application.build = probed
desktop.entry.main([])
"""
)


def run(code: str, env: dict[str, str], wanted: tuple[str, ...]) -> dict[str, float]:
    """Milliseconds from process start to each wanted line (and ``CPU``: the child's CPU milliseconds at its
    first paint); the child is stopped once all arrived (how it shuts down is not what is measured)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT
    )
    marks: dict[str, float] = {}
    assert proc.stdout is not None
    try:
        while not set(wanted) <= marks.keys():
            line = proc.stdout.readline()
            if not line or line.startswith("FAILED"):
                raise RuntimeError(f"child ended before {set(wanted) - marks.keys()}: {line.strip()}")
            mark, *cpu = line.split()
            marks.setdefault(mark, (time.perf_counter() - start) * 1000)
            if cpu:
                marks.setdefault("CPU", float(cpu[0]))
    finally:
        proc.kill()
        proc.wait(timeout=30)
    return marks


def child_env(tmp: Path, source: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "YISHI_DB": str(tmp / "cases.sqlite3"),
        "YISHI_CONFIG": str(tmp / "settings.json"),
    }
    env.pop("PYTHONPYCACHEPREFIX", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if source:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")  # the tree stays clean
    return env


def main() -> None:
    as_json = wants_json()
    source = "--source" in sys.argv
    if source:
        sys.argv.remove("--source")
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory() as tmp:
        env = child_env(Path(tmp), source)
        # The first runs migrate the store, fill the bytecode cache and warm the OS file cache for both.
        run(BASELINE, env, ("PAINT",))
        run(YISHI, env, ("PAINT", "LOGIN", "READY"))
        run(ENTRY, env, ("PAINT",))
        runs = Runs()
        children = {"base": BASELINE, "ours": YISHI, "entry": ENTRY}
        for n in range(rounds):
            # The three first paints one after the other (a round shares the machine's moment), each taking each
            # place in turn: a child that follows another's kill may find the machine busier.
            names = list(children)
            for name in names[n % 3 :] + names[: n % 3]:
                marks = run(children[name], env, ("PAINT",))
                getattr(runs, name).append(marks["PAINT"])
                if name != "entry":
                    getattr(runs, f"{name}_cpu").append(marks["CPU"])
            marks = run(YISHI, env, ("LOGIN", "READY"))
            runs.login.append(marks["LOGIN"])
            runs.ready.append(marks["READY"])
    print(f"rounds: {rounds}, {'sources compiled in every child' if source else 'compiled bytecode, as installed'}")
    report(runs, "startup" + ("-source" if source else ""), as_json)


@dataclass
class Runs:
    """Milliseconds from process start, one entry per round."""

    base: list[float] = field(default_factory=list)
    ours: list[float] = field(default_factory=list)
    entry: list[float] = field(default_factory=list)
    login: list[float] = field(default_factory=list)
    ready: list[float] = field(default_factory=list)
    base_cpu: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)


def paired(values: list[float], baseline: list[float]) -> float:
    """The median of each round's ratio to the empty window started just before it."""
    return statistics.median(v / b for v, b in zip(values, baseline, strict=True))


def report(runs: Runs, name: str, as_json: bool) -> None:
    m = statistics.median
    b, o, e, li, r = m(runs.base), m(runs.ours), m(runs.entry), m(runs.login), m(runs.ready)
    bc, oc = m(runs.base_cpu), m(runs.ours_cpu)
    po, pe, pc = paired(runs.ours, runs.base), paired(runs.entry, runs.base), paired(runs.ours_cpu, runs.base_cpu)
    print("ratios: the median of each round's ratio to its own empty window (in brackets: of the medians)")
    print(f"empty QMainWindow first paint   {b:7.0f} ms  (baseline)")
    print(f"yishi main window first paint   {o:7.0f} ms  ratio {po:.2f} ({o / b:.2f})  (target <= {TARGET:.2f})")
    print(f"  through the yishi command     {e:7.0f} ms  ratio {pe:.2f} ({e / b:.2f})  (target <= {TARGET:.2f})")
    print(f"CPU time at first paint         {oc:7.0f} ms  ratio {pc:.2f} ({oc / bc:.2f}), the empty window {bc:.0f} ms")
    print(f"yishi login painted             {li:7.0f} ms  ratio {li / b:.2f}")
    print(f"yishi ready (catalog + store)   {r:7.0f} ms  ratio {r / b:.2f}")
    if as_json:
        emit(
            name,
            [
                Figure("empty QMainWindow first paint", b, "ms"),
                Figure("main window first paint", o, "ms", ratio=po, target=TARGET),
                Figure("main window first paint, ratio of the medians", o, "ms", ratio=o / b),
                Figure("main window first paint through the yishi command", e, "ms", ratio=pe, target=TARGET),
                Figure("empty QMainWindow CPU time at first paint", bc, "ms"),
                Figure("main window CPU time at first paint", oc, "ms", ratio=pc),
                Figure("login painted over the window", li, "ms", ratio=li / b),
                Figure("ready: catalog and store loaded", r, "ms", ratio=r / b),
            ],
        )


if __name__ == "__main__":
    main()
