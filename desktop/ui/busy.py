"""A dialog busy while the store answers on its pool (a login, an unlock): what it says meanwhile and what it holds.

Imports only Qt, so a dialog shown before the hall opens (the store unlock) uses it without importing the ORM on the
UI thread.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

VERIFYING = "正在验证…"
ERROR_STYLE = "color: #b00020"
NOTE_STYLE = "color: #555555"


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
