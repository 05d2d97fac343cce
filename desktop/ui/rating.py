"""好差评 at the window: after a decision the applicant rates the service with big touch buttons, no keyboard.

The window opens full-screen on a second screen when one is attached (the applicant's display); otherwise it opens
on the clerk's screen, sized to be turned toward the applicant. A 差评 (不满意 / 非常不满意) asks for the reason from
the categories of 国办发〔2019〕51号.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.ratings import BAD_REASONS, LEVELS, is_bad
from desktop.services import ratings
from desktop.services.accounts import AccountInfo
from desktop.services.hall import Hall
from desktop.services.ratings import RatingError
from desktop.ui.workers import Op

LEVEL_COLOURS = {5: "#1b7f3b", 4: "#3c9a4f", 3: "#8a8a2a", 2: "#c0661a", 1: "#b00020"}
THANKS_MS = 2500


def choose_screen(screens: Sequence[QScreen], clerk_screen: QScreen | None) -> tuple[QScreen | None, bool]:
    """The applicant's screen and whether to go full-screen: another screen than the clerk's when there is one."""
    for screen in screens:
        if screen is not clerk_screen:
            return screen, True
    return clerk_screen, False


def _big_button(text: str, colour: str, height: int = 110) -> QPushButton:
    button = QPushButton(text)
    button.setMinimumHeight(height)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # touch only: no keyboard focus ring
    button.setStyleSheet(
        f"QPushButton {{ font-size: 28px; color: white; background: {colour}; border-radius: 14px; padding: 12px; }}"
        "QPushButton:pressed { background: #333; }"
    )
    return button


class RatingWindow(QWidget):
    """请您对本次服务进行评价: five levels, then (for a 差评) the reason, then thanks.

    Signals:
        rated(int, object): the level and the reason code (``None`` unless a 差评).
        skipped(): the applicant declined to rate.
    """

    rated = Signal(int, object)
    skipped = Signal()

    def __init__(self, case_number: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("服务评价")
        self.setStyleSheet("background: #f5f7fa")
        self.level: int | None = None
        self.pages = QStackedWidget()
        self.level_buttons: dict[int, QPushButton] = {}
        self.reason_buttons: dict[str, QPushButton] = {}
        self.pages.addWidget(self._levels_page(case_number))
        self.pages.addWidget(self._reasons_page())
        self.thanks = QLabel("感谢您的评价！")
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setStyleSheet("font-size: 40px; color: #1b7f3b")
        self.pages.addWidget(self.thanks)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    def _levels_page(self, case_number: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel("请您对本次服务进行评价")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size: 40px; font-weight: bold; color: #222")
        layout.addWidget(title)
        if case_number:
            sub = QLabel(f"办件编号 {case_number}")
            sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
            sub.setStyleSheet("font-size: 20px; color: #555")
            layout.addWidget(sub)
        for level in sorted(LEVELS, reverse=True):
            stars = "★" * level + "☆" * (5 - level)
            button = _big_button(f"{LEVELS[level]}　{stars}", LEVEL_COLOURS[level])
            button.clicked.connect(lambda _c=False, lv=level: self.choose(lv))
            self.level_buttons[level] = button
            layout.addWidget(button)
        skip = QPushButton("不评价")
        skip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        skip.setMinimumHeight(60)
        skip.setStyleSheet("font-size: 20px; color: #555")
        skip.clicked.connect(self.skipped)
        skip.clicked.connect(self.close)
        layout.addWidget(skip)
        return page

    def _reasons_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel("很抱歉给您带来不便，请选择不满意的原因")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size: 32px; font-weight: bold; color: #b00020")
        layout.addWidget(title)
        grid = QGridLayout()
        for n, (code, label) in enumerate(BAD_REASONS.items()):
            button = _big_button(label, "#5a6472", 90)
            button.setStyleSheet(button.styleSheet().replace("font-size: 28px", "font-size: 22px"))
            button.clicked.connect(lambda _c=False, c=code: self.give_reason(c))
            self.reason_buttons[code] = button
            grid.addWidget(button, n // 2, n % 2)
        layout.addLayout(grid)
        back = QPushButton("返回")
        back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        back.setMinimumHeight(60)
        back.setStyleSheet("font-size: 20px")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        layout.addWidget(back)
        return page

    def choose(self, level: int) -> None:
        self.level = level
        if is_bad(level):
            self.pages.setCurrentIndex(1)
        else:
            self._done(level, None)

    def give_reason(self, code: str) -> None:
        assert self.level is not None
        self._done(self.level, code)

    def _done(self, level: int, reason: str | None) -> None:
        self.rated.emit(level, reason)
        self.pages.setCurrentWidget(self.thanks)
        QTimer.singleShot(THANKS_MS, self.close)

    def show_for_applicant(self, screens: Sequence[QScreen], clerk_screen: QScreen | None) -> bool:
        """Show on the applicant's screen; True when that is a second screen (full-screen there)."""
        screen, second = choose_screen(screens, clerk_screen)
        if screen is not None:
            self.setScreen(screen)
            self.move(screen.geometry().topLeft())
        if second:
            self.showFullScreen()
        else:
            if screen is not None:
                area = screen.availableGeometry()
                self.resize(min(900, area.width()), min(760, area.height()))
                self.move(area.center() - self.rect().center())
            self.show()
        return second


class RatingFlow(QObject):
    """After each decision: open the rating window for that case and store what the applicant chose (on the
    window's store pool: the applicant sees 感谢您的评价 at once, whatever the store's network is doing).

    Signals:
        stored(object): the Rating the store now holds.
        failed(str): the rating was not stored (rated already, voided meanwhile, the store out of reach): for the
            clerk, never the applicant.
    """

    stored = Signal(object)
    failed = Signal(str)

    def __init__(self, hall: Hall, operator: AccountInfo, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hall, self.operator, self.pool = hall, operator, pool
        self.window: RatingWindow | None = None
        self.error: str | None = None

    def ask(
        self, case_id: uuid.UUID, case_number: str, screens: Sequence[QScreen], clerk_screen: QScreen | None
    ) -> RatingWindow:
        window = RatingWindow(case_number)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.rated.connect(lambda level, reason: self._store(case_id, level, reason))
        window.show_for_applicant(screens, clerk_screen)
        self.window = window
        return window

    def _store(self, case_id: uuid.UUID, level: int, reason: str | None) -> None:
        hall, operator = self.hall, self.operator
        Op(self.pool, lambda: ratings.rate(hall, case_id, level, operator, reason=reason)).success(
            self._stored
        ).failure(self._not_stored).run()

    def _stored(self, rating: object) -> None:
        self.stored.emit(rating)

    def _not_stored(self, exc: Exception) -> None:
        self.error = str(exc)
        self.failed.emit(f"评价未保存：{not_stored_reason(exc)}")


def not_stored_reason(exc: Exception) -> str:
    """Why a rating was not stored, in the clerk's words."""
    text = str(exc)
    if isinstance(exc, RatingError):
        if "rated already" in text:
            return "该办件已评价（每次办理评价一次）"
        if "voided case" in text:
            return "办件尚未办结或已作废"
        return text
    return "办件库暂时无法访问"
