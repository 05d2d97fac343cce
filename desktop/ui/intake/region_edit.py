"""The division part of an address: a GB/T 2260 picker typed like a line edit.

Type characters or pinyin initials (``hp``, ``和平``, ``syhp``) and Enter takes the first match (↓ chooses another)
and moves on to the street address; the field then holds the county's 6-digit code. The 3-digit township part
(GB/T 10114) is typed after the query (``hp001`` → 210102001) or after the code. A province or city taken lists its
cities or counties: keep typing (``210100`` then ``hp``). An empty field shows the hall's own division (the window
profile's), so a local address costs no key.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from desktop.forms import idnumbers, regions

POPUP_WIDTH = 380
_QUERY = re.compile(r"^(\d*)(\D*)(\d{0,6})$")


def parse(text: str) -> tuple[str, str, str]:
    """``2101hp001`` → (``2101``, ``hp``, ``001``): an optional code prefix that scopes the search, the query, and
    the township (and village) digits to put after the county picked."""
    found = _QUERY.match(text.strip())
    return (found.group(1), found.group(2).strip(), found.group(3)) if found else ("", text.strip(), "")


def matches(text: str, near: str = "") -> list[regions.Division]:
    """What ``text`` in the field proposes: a query after an optional code prefix (``2101hp``), or the children of
    a province or city code."""
    digits, query, _township = parse(text)
    if query:
        scope = digits[:6]
        while scope.endswith("00"):
            scope = scope[:-2]
        return [d for d in regions.search(query, near, limit=200) if d.code.startswith(scope)][:12]
    if len(digits) == 6 and digits.endswith("00"):
        scope = digits[:2] if digits.endswith("0000") else digits[:4]
        level = 2 if digits.endswith("0000") else 3
        children = [d for d in regions.divisions().values() if d.code.startswith(scope) and d.level == level]
        return children[:40]
    return []


class RegionEdit(QLineEdit):
    """A line edit whose value is a division code (6, 9 or 12 digits), with type-ahead over GB/T 2260."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, placeholderText="区划：名称、拼音首字母或代码", maxLength=20)
        self.default = ""
        self.near = ""
        self._found: list[regions.Division] = []
        self._completer: QCompleter | None = None
        self.textEdited.connect(self._propose)
        self.textChanged.connect(self._name)

    def _name(self, text: str) -> None:
        """The full name of the code shown (the pre-filled default's too) as the field's tooltip."""
        self.setToolTip((idnumbers.division_name(text) or "") if text.isdigit() else "")

    def set_default(self, code: str) -> None:
        """The hall's own division: shown while the field is empty, and the code picks are ranked near."""
        self.default = self.near = code
        if not self.text():
            super().setText(code)

    def setText(self, text: str | None) -> None:  # noqa: N802 - Qt's name
        super().setText(text or self.default)

    def _popup(self) -> QCompleter:
        if self._completer is None:
            self._completer = QCompleter(QStringListModel(self), self)
            self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            self._completer.setWidget(self)
            self._completer.activated[str].connect(self._chosen)  # type: ignore[index]
            popup = self._completer.popup()
            if popup is not None:
                popup.setMinimumWidth(POPUP_WIDTH)  # full names with their codes, wider than the field
        return self._completer

    def _propose(self, text: str) -> None:
        self._found = matches(text, self.near) if parse(text)[1] or _is_parent(text) else []
        if not self._found:
            popup = self._completer.popup() if self._completer is not None else None
            if popup is not None:
                popup.hide()
            return
        completer = self._popup()
        model = completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList([f"{d.path}　{d.code}" for d in self._found])
        completer.complete()

    def _chosen(self, line: str) -> None:
        self.pick(line.rsplit("　", 1)[-1])

    def pick(self, code: str) -> None:
        """Take ``code`` as if typed (the form hears it); a province or city lists what lies under it."""
        super().setText(code)
        self.textEdited.emit(code)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter takes the first match of what was typed (the form's Enter-to-next-field waits for a code)."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers()
        popup = self._completer.popup() if self._completer is not None else None
        listed = popup is not None and popup.isVisible()
        if enter and self._found and (listed or not self.text().isdigit()):
            row = popup.currentIndex().row() if popup is not None and listed else -1
            if popup is not None:
                popup.hide()
            chosen = self._found[row if 0 <= row < len(self._found) else 0]
            township = parse(self.text())[2] if chosen.level == 3 else ""
            self.pick(chosen.code + township)
            event.accept()
            if chosen.level == 3:
                self.focusNextChild()  # a county (and its township) taken: on to the street address
            return
        super().keyPressEvent(event)


def _is_parent(text: str) -> bool:
    return len(text) == 6 and text.isdigit() and text.endswith("00")
