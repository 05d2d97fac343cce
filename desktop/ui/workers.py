"""Run long work off the UI thread and hand the result back as a signal.

Modelled on Anki's ``CollectionOp``: ``Op(pool, fn).success(cb).failure(cb).run()``. ``fn`` runs
on a pool thread and must not touch widgets; the callbacks run on the UI thread.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Signal

if TYPE_CHECKING:
    from PySide6.QtCore import QThreadPool


class _Relay(QObject):
    """Carries a result across threads.

    Signals:
        done(object): ``fn`` returned this value.
        failed(object): ``fn`` raised this exception.
    """

    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the UI, which shows it
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._deliver(self.relay.failed, exc)
        else:
            self._deliver(self.relay.done, result)

    @staticmethod
    def _deliver(signal: Any, value: object) -> None:
        with contextlib.suppress(RuntimeError):  # the app quit while this ran: nobody is left to tell
            signal.emit(value)


_live: set[_Relay] = set()  # keep relays alive until their signal is delivered


class Op:
    """One background operation with UI-thread callbacks."""

    def __init__(self, pool: QThreadPool, fn: Callable[[], Any]) -> None:
        self.pool = pool
        self.fn = fn
        self._success: Callable[[Any], None] = lambda _r: None
        self._failure: Callable[[Exception], None] | None = None

    def success(self, callback: Callable[[Any], None]) -> Op:
        self._success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> Op:
        self._failure = callback
        return self

    def run(self) -> None:
        relay = _Relay()
        _live.add(relay)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            _live.discard(relay)
            # The relay's connections hold closures over the relay: delete it here, on the UI thread,
            # rather than leave the cycle to a garbage collection that may run on a pool thread.
            relay.deleteLater()
            if _receiver_alive(callback):
                callback(value)

        relay.done.connect(lambda r: finish(self._success, r))
        relay.failed.connect(lambda e: finish(self._failure or _reraise, e))
        self.pool.start(_Task(self.fn, relay))


def _receiver_alive(callback: Callable[[Any], None]) -> bool:
    """False for a method of a Qt object already deleted (the window closed while the work ran)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _reraise(exc: Exception) -> None:
    raise exc


def serial_pool() -> QThreadPool:
    """A one-thread pool: store writes run in order (autosave before decide) on one connection."""
    from PySide6.QtCore import QThreadPool  # noqa: PLC0415 - its type costs the main window's first paint

    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    pool.setExpiryTimeout(-1)
    return pool


def shared_pool() -> QThreadPool:
    """Qt's global pool, for work that may run beside other work (loading the catalog, listing printers)."""
    from PySide6.QtCore import QThreadPool  # noqa: PLC0415 - its type costs the main window's first paint

    return QThreadPool.globalInstance()
