"""The installed Qt binding keeps the reference counts of None, True and False.

PySide6 6.12.0 on CPython 3.11 returns None from every void method without taking a reference: each call of
``setText`` or ``setEnabled`` drops one, and after some hours of clerk's work None is freed and the window aborts
(``Fatal Python error: none_dealloc``). From CPython 3.12 these objects are immortal and the counts never move.
pyproject.toml caps PySide6 below 6.12 for this; this test says whether a newer binding may come in.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit

CALLS = 2_000


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def _lost(call: Callable[[], object]) -> list[int]:
    """References to None, True and False that ``CALLS`` calls lost; growth (objects the calls keep) is no loss."""
    before = _counts()
    for _ in range(CALLS):
        call()
    return [max(0, b - a) for b, a in zip(before, _counts(), strict=True)]


@pytest.mark.parametrize(
    "name",
    ["void setter", "void slot", "bool getter", "bool setter", "model reset", "key click"],
)
def test_qt_calls_keep_the_counts_of_none_true_and_false(qapp: QApplication, name: str) -> None:
    edit = QLineEdit()
    box = QCheckBox()
    proxy = QSortFilterProxyModel()
    source = QStringListModel(["甲", "乙"])
    proxy.setSourceModel(source)
    calls: dict[str, Callable[[], object]] = {
        "void setter": lambda: edit.setText("张三"),
        "void slot": edit.clear,
        "bool getter": edit.isReadOnly,
        "bool setter": lambda: box.setChecked(True),
        "model reset": proxy.invalidate,
        "key click": lambda: QTest.keyClick(edit, Qt.Key.Key_A),
    }
    # a leaking binding loses one a call; a few may go with objects the calls happened to free
    assert max(_lost(calls[name])) < CALLS // 20
