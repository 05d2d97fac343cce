"""The merged form of the largest bundle: build time against a flat form of as many fields, and the
time from a keystroke in an ID field to its validation message.

Both forms are built in the same run on the same QApplication (offscreen): the flat baseline is a
QFormLayout of plain QLineEdits with one label each. Target: merged ≤ 50 ms and ≤ 2× the baseline.

    .venv/bin/python bench/bench_form.py [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QScrollArea, QWidget

from desktop.cases.clock import Clock
from desktop.catalog.export import load_index
from desktop.forms.session import IntakeSession
from desktop.ui.fonts import install_font
from desktop.ui.intake.form_view import FormView
from desktop.ui.intake.models import FormModel

CLOCK = Clock()  # the hall's clock: today in Asia/Shanghai, for the form's date rules

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


def ms(fn: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        widget = fn()  # type: ignore[operator]
        widget.resize(1000, 700)
        widget.show()
        QApplication.processEvents()
        times.append((time.perf_counter() - start) * 1000)
        widget.deleteLater()
        QApplication.processEvents()
    return statistics.median(times)


def main() -> None:
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
    for build in (lambda: flat_form(n), lambda: flat_kinds_form(kinds), merged):
        ms(build, 2)  # warm all: the first widgets pay for font and style caches
    base = ms(lambda: flat_form(n), rounds)
    same = ms(lambda: flat_kinds_form(kinds), rounds)
    ours = ms(merged, rounds)
    print(f"largest bundle: {idx.bundles[largest].name} ({largest}), {n} fields in its merged form")
    print(f"flat form, {n} line edits              {base:7.1f} ms  (baseline)")
    print(f"flat form, same {n} editors as ours    {same:7.1f} ms  ratio {same / base:.2f}")
    print(
        f"merged form (engine + model + view)   {ours:7.1f} ms  ratio {ours / base:.2f} to line edits, "
        f"{ours / same:.2f} to same editors  (target <= 50 ms and <= 2.00)"
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
    print(f"keystroke → validation message  median {statistics.median(keystrokes):.2f} ms, "
          f"final key (message shown: {editor.error.text()}) {last:.2f} ms")
    app.quit()


if __name__ == "__main__":
    main()
