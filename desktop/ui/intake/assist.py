"""Fewer keys in the merged form: copy buttons (同申请人, 同法定代表人, 同户籍地址; Ctrl+D in the field), the
hall's own division pre-filled in every address, word lists and pinyin initials in text fields and drop-downs, and
``MMDD`` dates (:mod:`desktop.ui.intake.suggest`).

Attached to a :class:`FormView` after it is built; it decorates each rebuild (the view rebuilds when the answers
change the form) and writes copies through the view, as if the clerk had typed them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from desktop.forms import regions
from desktop.forms.copying import CopyOption, copied_values, copy_options, option_at
from desktop.forms.session import IntakeSession
from desktop.forms.validate import is_empty
from desktop.ui.intake.form_view import FormView
from desktop.ui.intake.region_edit import RegionEdit
from desktop.ui.intake.suggest import OptionInitials, WordSuggestions, short_date
from desktop.ui.workers import Op

COPY_KEYS = "Ctrl+D"


class FormAssist:
    """Copy buttons and region defaults for one intake's form view."""

    def __init__(self, view: FormView, session: IntakeSession, home_division: str = "") -> None:
        self.view = view
        self.session = session
        self.home_division = home_division
        self.options: list[CopyOption] = []
        self.buttons: dict[str, list[QPushButton]] = {}  # party code -> its group's copy buttons
        self.initials = OptionInitials(view)
        shortcut = QShortcut(QKeySequence(COPY_KEYS), view, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.copy_here)
        view.model.modelReset.connect(self.decorate)  # after the view's own rebuild (connected first)
        self.decorate()
        if not regions.divisions.cache_info().currsize:  # the picker's data (~0.5 s) before the first query
            Op(QThreadPool.globalInstance(), regions.divisions).run()

    def labels_at(self, code: str) -> list[str]:
        """The copies offered in field ``code``'s group (its own first)."""
        party = code.split(".", 1)[0]
        return [o.label for o in self.options if o.element == code or (o.element is None and o.party == party)]

    def decorate(self) -> None:
        elements = self.session.idx.elements
        lists = self.session.idx.catalog.word_lists
        produced = {f.code for f in self.session.form.fields if f.produced_by}
        for code, editor in self.view.editors.items():
            first = editor.inputs[0]
            if code in produced:  # issued by an item of this case (内部流转): no Tab stop, a click still edits it
                for widget in editor.inputs:
                    widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            if isinstance(first, RegionEdit) and self.home_division:
                first.set_default(self.home_division)
                editor.show_value(self.session.values.get(code))  # the name beside it, for the default too
            elif isinstance(first, QComboBox) and not editor.derived:
                self.initials.watch(first)
            elif isinstance(first, QLineEdit) and not editor.derived:
                suggest = elements[code].suggest if code in elements else None
                if suggest in lists:
                    WordSuggestions(first, lists[suggest])
                if editor.kind == "date":
                    first.editingFinished.connect(lambda e=first, c=code: self._short_date(e, c))
        self.options = copy_options(self.session)
        self.buttons = {}
        page = self.view.widget()
        boxes = {box.title(): box for box in page.findChildren(QGroupBox)} if page is not None else {}
        labels = {p.code: p.label for p in self.session.idx.catalog.parties}
        for party in dict.fromkeys(o.party for o in self.options):
            box = boxes.get(labels.get(party, party))
            form = box.layout() if box is not None else None
            if not isinstance(form, QFormLayout):
                continue
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            for option in (o for o in self.options if o.party == party):
                button = QPushButton(option.label)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard copies with Ctrl+D in the field
                targets = "、".join(self.session.idx.elements[t].label for t in option.targets)
                button.setToolTip(f"复制到：{targets}（在该栏按 {COPY_KEYS}）")
                button.clicked.connect(lambda _on=False, o=option: self.copy(o))
                line.addWidget(button)
                self.buttons.setdefault(party, []).append(button)
            line.addStretch(1)
            form.insertRow(0, "", row)

    def _short_date(self, edit: QLineEdit, code: str) -> None:
        element = self.session.idx.elements.get(code)
        iso = short_date(edit.text(), self.session.clock.today(), not_future=bool(element and element.not_future))
        if iso is not None:
            edit.setText(iso)
            edit.textEdited.emit(iso)  # the field editor hears it as typed

    def copy(self, option: CopyOption) -> list[str]:
        """Write the option's values through the view; the cursor goes to the next empty field after them."""
        written = copied_values(self.session, option)
        for code, value in written.items():
            self.view.set_value(code, value)
        if written:
            self._focus_after(option.targets[-1])
        return list(written)

    def copy_here(self) -> None:
        """Ctrl+D: the copy of the field with the cursor (its own 同…, else its group's first)."""
        held = self.view.editor_holding(self.view.focusWidget())
        option = option_at(self.options, held[0]) if held else None
        if option is not None:
            self.copy(option)

    def _focus_after(self, code: str) -> None:
        codes = list(self.view.editors)
        start = codes.index(code) + 1 if code in codes else len(codes)
        values = self.session.values
        for later in codes[start:]:
            editor = self.view.editors[later]
            if not editor.derived and is_empty(values.get(later)):
                self.view.ensureWidgetVisible(editor.widget)
                editor.focus()
                return
