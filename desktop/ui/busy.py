"""A dialog busy while the store answers on its pool (a login, an unlock): what it says meanwhile, what it holds,
and how it words a store that did not answer.

Imports only Qt, so a dialog shown before the hall opens (the store unlock) uses it without importing the ORM on the
UI thread.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

VERIFYING = "正在验证…"
ERROR_STYLE = "color: #b00020"
NOTE_STYLE = "color: #555555"


def first_line(exc: BaseException) -> str:
    """What went wrong in one line: an error's first line, or its type's name when it says nothing (never a
    traceback in the window)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def out_of_reach(exc: BaseException) -> str:
    """The window's words for a store that did not answer (a center's server out of reach, a file unreadable)."""
    return f"无法访问办件库，请稍后重试（{first_line(exc)}）"


def say(label: QLabel, text: str, *, error: bool) -> None:
    """``text`` under the fields: red for what went wrong, grey for a note (正在验证…)."""
    label.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)
    label.setText(text)


def hold(busy: bool, fields: Iterable[QLineEdit], buttons: Iterable[QAbstractButton]) -> None:
    """While the store answers: the fields read-only (kept as typed, focus stays), the buttons disabled."""
    for field in fields:
        field.setReadOnly(busy)
    for button in buttons:
        button.setEnabled(not busy)
