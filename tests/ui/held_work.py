"""A service function held on the worker thread that called it until the test lets it go.

While it is held, whatever the test checks on the UI thread (a dialog's 正在验证…, a second Enter) proves the UI
thread is not waiting for the store; the threads it was called on prove where the work ran.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest


class Held:
    """Wraps ``fn``: records the calling thread, then waits until :meth:`release` before calling ``fn``."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.threads: list[int] = []
        self.entered = threading.Event()
        self.released = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        self.entered.set()
        if not self.released.wait(20):
            raise TimeoutError("the test never released the held call")
        return self.fn(*args, **kwargs)

    def release(self) -> None:
        self.released.set()

    def ran_off_the_ui_thread_once(self) -> bool:
        return len(self.threads) == 1 and self.threads[0] != threading.get_ident()


@contextmanager
def held(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> Iterator[Held]:
    """``module.name`` held for the block (released on the way out, whatever happened in it)."""
    wrapper = Held(getattr(module, name))
    monkeypatch.setattr(module, name, wrapper)
    try:
        yield wrapper
    finally:
        wrapper.release()
