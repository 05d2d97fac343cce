"""The merged form of the largest bundle: build time against a flat form of as many fields, and the
time from a keystroke in an ID field to its validation message.

All forms are built in the same run on the same QApplication (offscreen), in turn, each round: the
baselines are a QFormLayout of plain QLineEdits with one label each, and a flat QFormLayout of the
same editors as ours (a drop-down for a choice, two boxes for an address) with no engine, model or
validation. Target: merged ≤ 2× the flat form of the same editors. ``--json`` prints bench/report.py's
shape as the last line.

    .venv/bin/python bench/bench_form.py [ROUNDS] [--json]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QScrollArea, QWidget

from bench.report import Figure, emit, wants_json
from desktop.cases.clock import Clock
from desktop.catalog.export import load_index
from desktop.forms.session import IntakeSession
from desktop.ui.fonts import install_font
from desktop.ui.intake.form_view import FormView
from desktop.ui.intake.models import FormModel

CLOCK = Clock()  # the hall's clock: today in Asia/Shanghai, for the form's date rules
TARGET = 2.0


def flat_form(n: int) -> QScrollArea:
    """The plainest form: one label and one QLineEdit per field."""
    area = QScrollArea()
    page = QWidget()
    layout = QFormLayout(page)
    for i in range(n):
        layout.addRow(QLabel(f"字段{i}"), QLineEdit())
    area.setWidget(page)
    return area


def flat_kinds_form(kinds: list[str]) -> QScrollArea:
    """A flat form with the same editor per field as ours (a drop-down for a choice, two boxes for an
    address), but no merge engine, no groups, no model, no validation."""
    area = QScrollArea()
    page = QWidget()
    layout = QFormLayout(page)
    for i, kind in enumerate(kinds):
        if kind in ("choice", "bool"):
            editor: QWidget = QComboBox()
            editor.addItems(["", "甲", "乙"])  # type: ignore[attr-defined]
        elif kind == "address":
            editor = QWidget()
            row = QHBoxLayout(editor)
            row.addWidget(QLineEdit())
            row.addWidget(QLineEdit())
        else:
            editor = QLineEdit()
        layout.addRow(QLabel(f"字段{i}"), editor)
    area.setWidget(page)
    return area


def build_ms(fn: Callable[[], QWidget]) -> float:
    """Build, show and lay out one form; milliseconds until the event loop is idle again."""
    start = time.perf_counter()
    widget = fn()
    widget.resize(1000, 700)
    widget.show()
    QApplication.processEvents()
    elapsed = (time.perf_counter() - start) * 1000
    widget.deleteLater()
    QApplication.processEvents()
    return elapsed


def main() -> None:
    as_json = wants_json()
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    app = QApplication(sys.argv[:1])
    install_font(app)
    idx = load_index()

    def size(code: str) -> int:
        return len(IntakeSession(idx, code, clock=CLOCK).form.fields)

    largest = max(idx.bundles, key=size)
    n = size(largest)

    def merged() -> FormView:
        session = IntakeSession(idx, largest, clock=CLOCK)
        return FormView(FormModel(session))

    kinds = [f.element.kind.value for f in IntakeSession(idx, largest, clock=CLOCK).form.fields]
    builds: dict[str, Callable[[], QWidget]] = {
        "lines": lambda: flat_form(n),
        "same": lambda: flat_kinds_form(kinds),
        "merged": merged,
    }
    for build in builds.values():
        for _ in range(2):
            build_ms(build)  # warm all: the first widgets pay for font and style caches
    times: dict[str, list[float]] = {name: [] for name in builds}
    for _ in range(rounds):  # interleaved, so a busy moment of a shared machine hits all three alike
        for name, build in builds.items():
            times[name].append(build_ms(build))
    base, same, ours = (statistics.median(times[name]) for name in ("lines", "same", "merged"))
    print(f"largest bundle: {idx.bundles[largest].name} ({largest}), {n} fields in its merged form, {rounds} rounds")
    print(f"flat form, {n} line edits              {base:7.1f} ms  (baseline)")
    print(f"flat form, same {n} editors as ours    {same:7.1f} ms  ratio {same / base:.2f}")
    print(
        f"merged form (engine + model + view)   {ours:7.1f} ms  ratio {ours / same:.2f} to same editors "
        f"(target <= {TARGET:.2f}), {ours / base:.2f} to line edits"
    )

    session = IntakeSession(idx, largest, clock=CLOCK)
    view = FormView(FormModel(session))
    view.resize(1000, 700)
    view.show()
    editor = next(e for e in view.editors.values() if e.kind == "id_number" and not e.derived)
    line = editor.inputs[0]
    keystrokes = []
    for digit in "21010219900101123":  # 17 digits, then a wrong check character
        start = time.perf_counter()
        QTest.keyClick(line, digit)
        keystrokes.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    QTest.keyClick(line, Qt.Key.Key_5)
    last = (time.perf_counter() - start) * 1000
    assert editor.error.text(), "the wrong check character must show a message"
    key = statistics.median(keystrokes)
    shown = editor.error.text()
    print(f"keystroke → validation message  median {key:.2f} ms, final key (message shown: {shown}) {last:.2f} ms")
    app.quit()
    if as_json:
        emit(
            "form",
            [
                Figure(f"flat form, {n} line edits", base, "ms"),
                Figure(f"flat form, the same {n} editors", same, "ms", ratio=same / base),
                Figure("merged form (engine + model + view)", ours, "ms", ratio=ours / same, target=TARGET),
                Figure("merged form against the line edits", ours, "ms", ratio=ours / base),
                Figure("keystroke to its validation, median", key, "ms"),
                Figure("last keystroke to the message shown", last, "ms"),
            ],
        )


if __name__ == "__main__":
    main()
