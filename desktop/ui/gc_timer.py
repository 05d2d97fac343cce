"""Python's garbage collection on the UI thread only.

A cycle holding Qt objects collected on a worker thread frees widgets there and crashes Qt. Like
Anki's ``GarbageCollector``: automatic collection off, a timer on the UI thread collects instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class UiThreadCollector(QObject):
    """Collects garbage from a UI-thread timer while it lives; restores automatic collection on ``stop``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> None:
        # Young objects often; everything only when generation 0 has been collected many times.
        gc.collect(0 if gc.get_count()[1] < 10 else 2)

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        gc.enable()
