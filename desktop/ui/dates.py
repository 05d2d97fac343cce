"""Business dates into and out of Qt's date types: built from their parts, since not every supported PySide6 takes
a ``date`` (and ``QDate.toPython`` is typed as any object)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDateEdit


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def day_of(edit: QDateEdit) -> dt.date:
    """The day a date editor shows."""
    shown = edit.date()
    return dt.date(shown.year(), shown.month(), shown.day())
