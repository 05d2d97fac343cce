"""好差评 at the window: touch buttons, 差评 reasons, and the applicant's screen (a second screen when attached)."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from held_work import held
from PySide6.QtCore import QRect, Qt, QThreadPool
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "accounts"))  # the shared hall_cases helpers
from hall_cases import decided, open_hall, staff

from desktop.cases.ratings import BAD_REASONS
from desktop.cases.states import Decision
from desktop.services import ratings
from desktop.services.hall import Hall
from desktop.ui.rating import RatingFlow, RatingWindow, choose_screen


class SecondScreen:
    """The applicant's display, stubbed at the QScreen boundary (geometry is all the window reads)."""

    def geometry(self) -> QRect:
        return QRect(1366, 0, 1280, 1024)

    def availableGeometry(self) -> QRect:  # noqa: N802 - Qt's name
        return self.geometry()


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    opened = open_hall(tmp_path)
    yield opened
    opened.close()


def primary() -> QScreen:
    screen = QApplication.primaryScreen()
    assert screen is not None
    return screen


def test_the_applicant_screen_is_the_one_that_is_not_the_clerks() -> None:
    clerk, other = primary(), SecondScreen()
    assert choose_screen([clerk, other], clerk) == (other, True)  # type: ignore[list-item]
    assert choose_screen([clerk], clerk) == (clerk, False)


def test_with_a_second_screen_the_window_opens_full_screen_there(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    window = RatingWindow("2101020010326112800074")
    qtbot.addWidget(window)
    placed: list[object] = []
    monkeypatch.setattr(window, "setScreen", placed.append)  # a stub screen cannot host a real window
    assert window.show_for_applicant([primary(), SecondScreen()], primary())  # type: ignore[list-item]
    assert window.isFullScreen() and isinstance(placed[0], SecondScreen)


def test_without_a_second_screen_it_opens_on_the_clerks_screen(qtbot: QtBot) -> None:
    window = RatingWindow()
    qtbot.addWidget(window)
    assert not window.show_for_applicant([primary()], primary())
    assert window.isVisible() and not window.isFullScreen() and window.screen() is primary()


def test_buttons_are_big_and_take_no_keyboard_focus(qtbot: QtBot) -> None:
    window = RatingWindow()
    qtbot.addWidget(window)
    assert sorted(window.level_buttons) == [1, 2, 3, 4, 5]
    for button in [*window.level_buttons.values(), *window.reason_buttons.values()]:
        assert button.minimumHeight() >= 90 and button.focusPolicy() is Qt.FocusPolicy.NoFocus


def test_a_good_rating_is_stored_with_the_case(qtbot: QtBot, hall: Hall, pool: QThreadPool) -> None:
    people = staff(hall)
    case = decided(hall, Decision.ACCEPT)
    flow = RatingFlow(hall, people["wangf"], pool)
    window = flow.ask(case.id, case.number or "", [primary()], primary())
    qtbot.addWidget(window)
    with qtbot.waitSignal(flow.stored), qtbot.waitSignal(window.rated) as rated:
        qtbot.mouseClick(window.level_buttons[4], Qt.MouseButton.LeftButton)
    assert rated.args == [4, None]
    stored = hall.store.rating_of(case.id)
    assert stored is not None and (stored.level, stored.clerk) == (4, "wangf")


def test_a_bad_rating_asks_for_the_reason_first(qtbot: QtBot, hall: Hall, pool: QThreadPool) -> None:
    people = staff(hall)
    case = decided(hall, Decision.NOTIFY, clerk="lq")
    flow = RatingFlow(hall, people["lq"], pool)
    window = flow.ask(case.id, case.number or "", [primary()], primary())
    qtbot.addWidget(window)
    qtbot.mouseClick(window.level_buttons[1], Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == 1 and hall.store.rating_of(case.id) is None
    assert set(window.reason_buttons) == set(BAD_REASONS)
    with qtbot.waitSignal(flow.stored):
        qtbot.mouseClick(window.reason_buttons["efficiency"], Qt.MouseButton.LeftButton)
    stored = hall.store.rating_of(case.id)
    assert stored is not None and (stored.level, stored.reason) == (1, "efficiency")
    assert [r.case_id for r in hall.store.bad_ratings(open_only=True)] == [case.id]


def test_the_applicant_is_thanked_while_the_store_writes_off_the_ui_thread(
    qtbot: QtBot, hall: Hall, pool: QThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = staff(hall)
    case = decided(hall, Decision.ACCEPT)
    flow = RatingFlow(hall, people["wangf"], pool)
    window = flow.ask(case.id, case.number or "", [primary()], primary())
    qtbot.addWidget(window)
    with held(monkeypatch, ratings, "rate") as rate:
        qtbot.mouseClick(window.level_buttons[5], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(rate.entered.is_set)
        assert window.pages.currentWidget() is window.thanks and hall.store.rating_of(case.id) is None
        with qtbot.waitSignal(flow.stored):
            rate.release()
    assert rate.ran_off_the_ui_thread_once()
    stored = hall.store.rating_of(case.id)
    assert stored is not None and stored.level == 5


def test_a_second_rating_of_one_visit_is_told_to_the_clerk(qtbot: QtBot, hall: Hall, pool: QThreadPool) -> None:
    people = staff(hall)
    case = decided(hall, Decision.ACCEPT)
    flow = RatingFlow(hall, people["wangf"], pool)
    first = flow.ask(case.id, case.number or "", [primary()], primary())
    qtbot.addWidget(first)
    with qtbot.waitSignal(flow.stored):
        first.choose(5)
    again = flow.ask(case.id, case.number or "", [primary()], primary())  # the same visit, rated again
    qtbot.addWidget(again)
    with qtbot.waitSignal(flow.failed) as told:
        again.choose(4)
    assert flow.error is not None and told.args == ["评价未保存：该办件已评价（每次办理评价一次）"]
    stored = hall.store.rating_of(case.id)
    assert stored is not None and stored.level == 5
