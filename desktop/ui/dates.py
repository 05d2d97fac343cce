"""Business dates into Qt's date type: QDate from its parts, since not every supported PySide6 takes a ``date``."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)
