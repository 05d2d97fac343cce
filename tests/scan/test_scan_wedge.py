"""Keyboard-wedge detection: fast bursts ending in Return become one scan; typing reaches the field."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6", exc_type=ImportError)

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from desktop.ui.wedge import WedgeDetector

pytestmark = pytest.mark.gui

SCAN = "210102001032611280007K"


@pytest.fixture
def field(qtbot):  # type: ignore[no-untyped-def]
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    return edit


def _detector(edit: QLineEdit) -> tuple[WedgeDetector, list[str], list[str]]:
    detector = WedgeDetector(edit, max_interval_ms=35, min_length=6)
    edit.installEventFilter(detector)
    scans: list[str] = []
    submitted: list[str] = []
    detector.scanned.connect(scans.append)
    edit.returnPressed.connect(lambda: submitted.append(edit.text()))
    return detector, scans, submitted


def test_fast_burst_ending_in_return_is_one_scan_and_not_typed(field: QLineEdit) -> None:
    _, scans, submitted = _detector(field)
    QTest.keyClicks(field, SCAN)  # no delay: a scanner's burst
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert scans == [SCAN]
    assert field.text() == ""
    assert submitted == []


def test_slow_typing_reaches_the_field_unchanged(field: QLineEdit, qtbot) -> None:  # type: ignore[no-untyped-def]
    _, scans, submitted = _detector(field)
    QTest.keyClicks(field, "Zhang San 3", delay=80)
    QTest.keyClick(field, Qt.Key.Key_Return, delay=80)
    assert scans == []
    assert field.text() == "Zhang San 3"
    assert submitted == ["Zhang San 3"]


def test_short_fast_burst_is_typing_and_enter_still_submits(field: QLineEdit) -> None:
    _, scans, submitted = _detector(field)
    QTest.keyClicks(field, "abc")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert scans == []
    assert field.text() == "abc"
    assert submitted == ["abc"]


def test_fast_burst_without_return_is_replayed_as_typing(field: QLineEdit, qtbot) -> None:  # type: ignore[no-untyped-def]
    _, scans, _ = _detector(field)
    QTest.keyClicks(field, "paste-like burst")
    qtbot.waitUntil(lambda: field.text() == "paste-like burst", timeout=2000)
    assert scans == []


def test_typing_then_a_scan_keeps_both_apart(field: QLineEdit, qtbot) -> None:  # type: ignore[no-untyped-def]
    _, scans, _ = _detector(field)
    QTest.keyClicks(field, "note ", delay=80)
    qtbot.waitUntil(lambda: field.text() == "note ", timeout=2000)
    QTest.keyClicks(field, "YISHI:1;N=1;Q=2")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert scans == ["YISHI:1;N=1;Q=2"]
    assert field.text() == "note "


def test_shortcuts_pass_through_and_end_a_burst(field: QLineEdit) -> None:
    _, scans, _ = _detector(field)
    QTest.keyClicks(field, "abcdefgh")
    QTest.keyClick(field, Qt.Key.Key_Backspace)
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert scans == []
    assert field.text() == "abcdefg"


def test_installed_on_the_application_sees_the_focused_field(field: QLineEdit, qapp) -> None:  # type: ignore[no-untyped-def]
    detector = WedgeDetector(field)
    qapp.installEventFilter(detector)
    scans: list[str] = []
    detector.scanned.connect(scans.append)
    try:
        QTest.keyClicks(field, SCAN)
        QTest.keyClick(field, Qt.Key.Key_Return)
    finally:
        qapp.removeEventFilter(detector)
    assert scans == [SCAN]
    assert field.text() == ""
