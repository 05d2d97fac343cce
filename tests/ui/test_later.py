"""A widget made after the first paint takes the place its slot kept, once (desktop.ui.later)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from desktop.ui.later import Later


def _page(qtbot: QtBot) -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    layout.addWidget(QLabel("above"))
    return page, layout


def _at(layout: QVBoxLayout, index: int) -> QWidget:
    item = layout.itemAt(index)
    widget = item.widget() if item is not None else None
    assert widget is not None
    return widget


def test_the_widget_is_made_on_first_use_in_the_place_and_stretch_its_slot_kept(qtbot: QtBot) -> None:
    page, layout = _page(qtbot)
    made: list[QTableView] = []

    def make() -> QTableView:
        made.append(QTableView())
        return made[-1]

    later = Later(layout, make, stretch=3)
    layout.addWidget(QLabel("below"))
    page.show()
    slot = _at(layout, 1)
    assert not later.made and made == [] and slot.isVisible()
    view = later.get()
    assert made == [view] and later.made
    assert _at(layout, 1) is view and layout.stretch(1) == 3
    assert layout.count() == 3 and not slot.isVisible()
    qtbot.waitUntil(view.isVisible)  # a layout shows a child it adopts once the event loop runs
    assert later.get() is view and made == [view]  # made once


def test_the_kept_place_has_the_size_the_widget_then_gets(qtbot: QtBot) -> None:
    page, layout = _page(qtbot)
    later = Later(layout, QTableView, stretch=1)
    page.resize(600, 400)
    page.show()
    qtbot.waitExposed(page)
    kept = _at(layout, 1).geometry()
    view = later.get()
    qtbot.waitUntil(lambda: view.geometry() == kept)


def test_a_given_slot_keeps_the_place_instead_of_the_empty_frame(qtbot: QtBot) -> None:
    _page_widget, layout = _page(qtbot)
    room = QWidget()
    room.setMinimumHeight(27)
    later = Later(layout, QLabel, slot=room)
    assert _at(layout, 1) is room
    label = later.get()
    assert _at(layout, 1) is label
