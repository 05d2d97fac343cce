"""Type-ahead for the merged form's text fields and drop-downs, by characters or pinyin initials.

- A text field with a catalog word list (民族, 开户银行): typing proposes the words (``hz`` → 汉族, ``gs`` →
  中国工商银行); Enter takes the first (↓ another) and moves on to the next field, as Enter does in the form.
- A drop-down: a letter chooses the next option whose pinyin initials start with the letters typed in a row
  (``z`` → 子女, ``sm`` → 随母); Qt's own search only matches the option's characters.
- A drop-down of options without digits: a digit chooses the n-th option (性别: 1 男, 2 女, as GB/T 2261.1 codes them).
- A date field: ``MMDD`` is read as this year's date and ``DD`` as this month's (the year or month before when that
  is still to come and the field takes no future date), besides the form's ``YYYYMMDD``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QCompleter, QLineEdit

TYPE_AHEAD_MS = 1000  # letters typed within this of each other extend the drop-down's search


@cache
def initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - loaded by the catalog's search keys before any form

    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


def ranked(words: list[str], typed: str) -> list[str]:
    """Words starting with ``typed`` (characters or initials) first, then those containing it."""
    q = typed.strip().lower()
    if not q:
        return []
    starts = [w for w in words if w.startswith(typed.strip()) or initials(w).startswith(q)]
    inside = [w for w in words if w not in starts and (typed.strip() in w or q in initials(w))]
    return starts + inside


class WordSuggestions(QObject):
    """Proposes a word list in one line edit; the chosen word reaches the form as if typed."""

    def __init__(self, edit: QLineEdit, words: list[str]) -> None:
        super().__init__(edit)
        self.edit = edit
        self.words = words
        self.found: list[str] = []
        self.completer = QCompleter(QStringListModel(self), self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(edit)
        popup = self.completer.popup()
        assert popup is not None
        self.popup: QAbstractItemView = popup
        popup.setMinimumWidth(320)
        self.completer.activated[str].connect(self.pick)  # type: ignore[index]
        edit.textEdited.connect(self._propose)
        edit.installEventFilter(self)

    def _propose(self, text: str) -> None:
        self.found = [] if text in self.words else ranked(self.words, text)[:15]
        if not self.found:
            self.popup.hide()
            return
        model = self.completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(self.found)
        self.completer.complete()

    def pick(self, word: str) -> None:
        self.popup.hide()
        self.found = []
        self.edit.setText(word)
        self.edit.textEdited.emit(word)  # the field editor hears it as typed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        key = event.key() if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) else None
        if self.found and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():  # type: ignore[attr-defined]
            row = self.popup.currentIndex().row() if self.popup.isVisible() else -1
            self.pick(self.found[row if 0 <= row < len(self.found) else 0])
            self.edit.focusNextChild()  # Enter takes the word and moves on, as Enter does in the form
            return True
        return False


class OptionInitials(QObject):
    """Letters choose a drop-down's option by its pinyin initials (one filter for all of a form's drop-downs)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.typed = ""
        self.last: QObject | None = None
        self.clock = QElapsedTimer()

    def watch(self, combo: QComboBox) -> None:
        combo.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QComboBox) or event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            return False
        text = event.text().lower()
        options = [watched.itemText(i) for i in range(watched.count())]
        if len(text) == 1 and text.isdigit() and not any(o[:1].isdigit() for o in options):
            if 0 < int(text) < len(options):  # 1 男 2 女 (GB/T 2261.1): the n-th option
                watched.setCurrentIndex(int(text))
            return True
        if len(text) != 1 or not text.isascii() or not text.isalpha():
            return False
        if watched is not self.last or not self.clock.isValid() or self.clock.elapsed() > TYPE_AHEAD_MS:
            self.typed = ""
        self.last = watched
        self.clock.restart()
        self.typed += text
        hit = next((i for i, o in enumerate(options) if o and initials(o).startswith(self.typed)), -1)
        if hit >= 0:
            watched.setCurrentIndex(hit)
        return True


def short_date(text: str, today: dt.date, *, not_future: bool) -> str | None:
    """``MMDD`` as an ISO date in ``today``'s year, ``D`` or ``DD`` in ``today``'s month; the year (month) before
    when that is still to come and ``not_future``. None when ``text`` is no such date."""
    text = text.strip()
    if not text.isdigit() or len(text) not in (1, 2, 4):
        return None
    month, day = (int(text[:2]), int(text[2:])) if len(text) == 4 else (today.month, int(text))
    earlier = (today.year - 1, month) if len(text) == 4 else _month_before(today.year, month)
    for year, in_month in ((today.year, month), earlier):
        try:
            value = dt.date(year, in_month, day)
        except ValueError:  # no such day this time (31 in a short month, 29 February): the one before, if any
            continue
        if not (not_future and value > today):
            return value.isoformat()
    return None


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)
