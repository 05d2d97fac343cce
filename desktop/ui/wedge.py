"""Tell a keyboard-wedge barcode scanner from a person typing.

A wedge scanner "types" its payload as a burst of key presses a few milliseconds apart, then
Return. People rarely type faster than one key per ~60 ms. So printable key presses are held back
while they keep coming fast; a burst ending in Return becomes one ``scanned`` signal and never
reaches the focused field, and anything else is replayed to its widget unchanged (after at most
``max_interval_ms`` delay, which a typist cannot notice).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | (Qt.KeyboardModifier.MetaModifier)
)
MAX_BURST_CHARS = 4096


def _copy(event: QKeyEvent) -> QKeyEvent:
    return QKeyEvent(
        event.type(),
        event.key(),
        event.modifiers(),
        event.nativeScanCode(),
        event.nativeVirtualKey(),
        event.nativeModifiers(),
        event.text(),
        event.isAutoRepeat(),
        event.count(),
    )


class WedgeDetector(QObject):
    """Event filter that turns keyboard-wedge scanner bursts into a signal and lets typing through.

    Install it on the widget that receives the scans, or on the QApplication to catch scans wherever
    the focus is: ``app.installEventFilter(WedgeDetector(window))``.

    Signals:
        scanned(str): a burst of at least ``min_length`` characters, each within ``max_interval_ms`` of
            the previous, ended by Return/Enter. The characters and the Return are swallowed; while the
            signal is handled, ``target`` is the widget they were aimed at and ``retype()`` delivers them
            to it as ordinary typing after all.
    """

    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, max_interval_ms: int = 35, min_length: int = 6) -> None:
        super().__init__(parent)
        self.max_interval_ms = max_interval_ms
        self.min_length = min_length
        self._held: list[tuple[QObject, QKeyEvent]] = []
        self._text: list[str] = []
        self._last_ns = 0
        self._replaying = False
        self._swallow_release: int | None = None
        self._last_burst: list[tuple[QObject, QKeyEvent]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max_interval_ms)
        self._timer.timeout.connect(self.flush)

    def flush(self) -> None:
        """Replay held key events to their widgets (the burst turned out to be typing)."""
        self._timer.stop()
        held, self._held, self._text = self._held, [], []
        self._replaying = True
        try:
            for target, event in held:
                QCoreApplication.sendEvent(target, event)
        finally:
            self._replaying = False

    @property
    def target(self) -> QObject | None:
        """The widget the last swallowed burst was aimed at (None before any scan)."""
        return self._last_burst[0][0] if self._last_burst else None

    def retype(self, *, replace: bool = False) -> None:
        """Deliver the last swallowed burst and its Return to its widget, as if it had been typed.

        ``replace`` selects the text of a line edit first, so the burst replaces it as typing over a
        selection does. Each burst can be retyped once.
        """
        burst, self._last_burst = self._last_burst, []
        if not burst:
            return
        target = burst[0][0]
        if replace and isinstance(target, QLineEdit):
            target.selectAll()
        self._replaying = True
        try:
            for widget, event in burst:
                QCoreApplication.sendEvent(widget, event)
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                enter = QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
                QCoreApplication.sendEvent(target, enter)
        finally:
            self._replaying = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if self._replaying or not isinstance(watched, QWidget):
            return False  # QWindow deliveries precede the widget's when installed on the application
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._press(watched, event)
        if event.type() == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent):
            return self._release(watched, event)
        return False

    def _gap_ok(self, now_ns: int) -> bool:
        return (now_ns - self._last_ns) <= self.max_interval_ms * 1_000_000

    def _press(self, watched: QObject, event: QKeyEvent) -> bool:
        now = time.monotonic_ns()
        if self._held and not self._gap_ok(now):
            self.flush()
        if event.key() in _ENTER_KEYS:
            return self._enter(now)
        text = event.text()
        printable = len(text) == 1 and text.isprintable() and not (event.modifiers() & _COMMAND_MODIFIERS)
        if not printable:
            if text:  # Backspace, Tab, shortcuts...: end of any burst, the key goes through in order
                self.flush()
            return False  # bare modifiers (a scanner's Shift) neither break nor join a burst
        if len(self._text) >= MAX_BURST_CHARS:
            self.flush()
        self._held.append((watched, _copy(event)))
        self._text.append(text)
        self._last_ns = now
        self._timer.start()
        return True

    def _enter(self, now_ns: int) -> bool:
        if self._held and len(self._text) >= self.min_length and self._gap_ok(now_ns):
            payload = "".join(self._text)
            self._timer.stop()
            self._last_burst, self._held, self._text = self._held, [], []
            self._swallow_release = int(Qt.Key.Key_Return)
            self.scanned.emit(payload)
            return True
        self.flush()
        return False

    def _release(self, watched: QObject, event: QKeyEvent) -> bool:
        if event.key() in _ENTER_KEYS and self._swallow_release is not None:
            self._swallow_release = None
            return True
        if self._held and event.text() and event.text().isprintable():
            self._held.append((watched, _copy(event)))  # keep press/release order for the replay
            return True
        return False
