"""A widget made after the window's first paint, in a place kept for it by an empty frame.

The case list's table and the bundle picker's tree are empty at the first paint (no catalog yet, no case shown
before sign-in), yet their types, scroll bars and headers cost that paint several milliseconds. Until they are made,
an empty frame drawn as an empty item view is (a sunken panel over the base colour) holds their place, so nothing
moves or changes colour when they arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QBoxLayout, QFrame, QWidget

W = TypeVar("W", bound=QWidget)

# QFrame.Shape.StyledPanel | QFrame.Shadow.Sunken as plain ints: the shape and shadow enums cost the first paint.
_SUNKEN_PANEL = 0x0006 | 0x0030


def _placeholder() -> QFrame:
    frame = QFrame()
    frame.setFrameStyle(_SUNKEN_PANEL)
    frame.setBackgroundRole(QPalette.ColorRole.Base)
    frame.setAutoFillBackground(True)  # the base colour of an empty view's viewport
    return frame


class Later(Generic[W]):
    """``make()``'s widget at ``layout``'s end (with ``stretch``), made on first use of :meth:`get`; until then
    ``slot`` keeps its place (by default an empty frame drawn as an empty item view)."""

    def __init__(
        self, layout: QBoxLayout, make: Callable[[], W], stretch: int = 0, slot: QWidget | None = None
    ) -> None:
        self._layout = layout
        self._make: Callable[[], W] | None = make
        self._widget: W | None = None
        self._slot = slot if slot is not None else _placeholder()
        layout.addWidget(self._slot, stretch)

    @property
    def made(self) -> bool:
        return self._widget is not None

    def get(self) -> W:
        """The widget, made now (in the kept place) if it was not yet."""
        if self._widget is None:
            assert self._make is not None
            widget, self._make = self._make(), None
            self._layout.replaceWidget(self._slot, widget)
            self._slot.hide()
            self._slot.deleteLater()
            self._widget = widget
        return self._widget
