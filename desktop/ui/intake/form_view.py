"""The merged form on screen: editors built from :class:`FormModel` rows, grouped by party.

The view writes every edit through ``FormModel.set_value`` and shows the values and errors of the rows the model
says changed; it keeps no form state of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.forms import idnumbers
from desktop.ui.intake.models import FieldSpec, FormModel
from desktop.ui.intake.region_edit import RegionEdit

_UPPER_KINDS = {"id_number", "uscc"}
_BOOL = {"是": True, "否": False}


class FieldEditor:
    """One field: its input widget(s) in a form row, and an inline error line in the row below.

    A plain Python object, not a QObject: the inputs' own signals call ``on_change(code, value)`` when the clerk
    changes the value (str, bool, dict for an address, or None). Few widgets, palettes rather than style sheets, no
    event filter, and the error line made on first use: a style sheet or a filter per widget and a container with two
    labels per field made the form several times slower to build.
    """

    def __init__(self, spec: FieldSpec, on_change: Callable[[str, Any], None]) -> None:
        self.code = spec.code
        self.kind = spec.kind
        self.derived = spec.derived
        self._on_change = on_change
        self._error: QLabel | None = None
        self._form: QFormLayout | None = None
        self.extra: QLabel | None = None
        self.inputs: list[QWidget] = []
        if spec.kind in ("choice", "bool"):
            combo = QComboBox()
            if spec.derived:  # 性别 from the ID number: shown, not a Tab stop
                combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            combo.addItems(["", *(spec.options if spec.kind == "choice" else _BOOL)])
            combo.currentTextChanged.connect(self._emit)
            self.inputs.append(combo)
        elif spec.kind == "address":
            division = RegionEdit()
            division.setFixedWidth(170)
            detail = QLineEdit(placeholderText="详细地址")
            for edit in (division, detail):
                edit.textEdited.connect(self._emit)
            self.inputs += [division, detail]
        else:
            edit = QLineEdit(placeholderText=_placeholder(spec.kind, spec.hint))
            if spec.derived:
                edit.setReadOnly(True)
                edit.setPalette(_palette(QPalette.ColorRole.Base, "#f0f0f0"))
                edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            else:
                edit.textEdited.connect(self._emit)
            if spec.kind == "date":
                edit.editingFinished.connect(self._normalize)
            self.inputs.append(edit)
        self.widget: QWidget = self.inputs[0]
        if spec.kind in ("id_number", "address"):
            # What the app reads from the value (the region of an ID number or a division code) beside the input.
            self.extra = QLabel()
            self.extra.setPalette(_palette(QPalette.ColorRole.WindowText, "#555555"))
            self.widget = QWidget()
            row = QHBoxLayout(self.widget)
            row.setContentsMargins(0, 0, 0, 0)
            for widget in self.inputs:
                row.addWidget(widget, 1 if widget is self.inputs[-1] else 0)
            row.addWidget(self.extra)

    def place(self, form: QFormLayout, label: str) -> None:
        form.addRow(label, self.widget)
        self._form = form

    def owns(self, widget: QWidget | None) -> bool:
        return widget is not None and (widget is self.widget or self.widget.isAncestorOf(widget))

    @property
    def error(self) -> QLabel:
        """The inline error line, in the form row under the field."""
        if self._error is None:
            self._error = QLabel(wordWrap=True)
            self._error.setPalette(_palette(QPalette.ColorRole.WindowText, "#c0392b"))
            self._error.hide()
            if self._form is not None:
                position: Any = self._form.getWidgetPosition(self.widget)  # (row, role); stubs say object
                self._form.insertRow(int(position[0]) + 1, "", self._error)
        return self._error

    def value(self) -> Any:
        if self.kind in ("choice", "bool"):
            text = self.inputs[0].currentText()  # type: ignore[attr-defined]
            return (_BOOL.get(text) if self.kind == "bool" else text) or None
        if self.kind == "address":
            division, detail = (w.text().strip() for w in self.inputs)  # type: ignore[attr-defined]
            return {"division": division, "detail": detail} if division or detail else None
        text = self.inputs[0].text().strip()  # type: ignore[attr-defined]
        if self.kind in _UPPER_KINDS:
            text = text.upper().replace(" ", "")
        return text or None

    def show_value(self, value: Any) -> None:
        """Put ``value`` in the editor without calling ``on_change``."""
        for widget in self.inputs:
            widget.blockSignals(True)
        try:
            if self.kind in ("choice", "bool"):
                text = ("是" if value else "否") if isinstance(value, bool) else (value or "")
                if self.inputs[0].currentText() != str(text):  # type: ignore[attr-defined]
                    self.inputs[0].setCurrentText(str(text))  # type: ignore[attr-defined]
            elif self.kind == "address":
                value = value if isinstance(value, dict) else {}
                for widget, key in zip(self.inputs, ("division", "detail"), strict=True):
                    if widget.text() != str(value.get(key, "")):  # type: ignore[attr-defined]
                        widget.setText(str(value.get(key, "")))  # type: ignore[attr-defined]
            elif self._differs(value):
                self.inputs[0].setText("" if value is None else str(value))  # type: ignore[attr-defined]
        finally:
            for widget in self.inputs:
                widget.blockSignals(False)
        self._show_extra(value)

    def _differs(self, value: Any) -> bool:
        """Whether the line edit must be rewritten to show ``value``: not while the clerk's text means the
        same (a space typed between two words is kept; ID numbers and credit codes show upper-cased)."""
        text = self.inputs[0].text()  # type: ignore[attr-defined]
        if text == ("" if value is None else str(value)):
            return False
        return self.kind in _UPPER_KINDS or self.value() != value

    def show_error(self, message: str) -> None:
        if not message and self._error is None:
            return
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _show_extra(self, value: Any) -> None:
        """What the app read from the value: the region of an ID number or a division code."""
        if self.extra is None:
            return
        text = ""
        if self.kind == "id_number" and isinstance(value, str):
            text = idnumbers.region_name(value) or ""
        elif self.kind == "address":  # an empty address names the division its picker shows (the hall's own)
            division = (value.get("division") if isinstance(value, dict) else "") or self.inputs[0].text()  # type: ignore[attr-defined]
            text = idnumbers.division_name(str(division)) or ""
        if self.extra.text() != text:
            self.extra.setText(text)

    def _emit(self, *_args: object) -> None:
        self._on_change(self.code, self.value())

    def _normalize(self) -> None:
        text = self.inputs[0].text().strip()  # type: ignore[attr-defined]
        if len(text) == 8 and text.isdigit():
            self.inputs[0].setText(f"{text[:4]}-{text[4:6]}-{text[6:]}")  # type: ignore[attr-defined]
            self._emit()

    def focus(self) -> None:
        self.inputs[0].setFocus(Qt.FocusReason.OtherFocusReason)


@cache
def _palette(role: QPalette.ColorRole, color: str) -> QPalette:
    palette = QPalette()
    palette.setColor(role, QColor(color))
    return palette


def _placeholder(kind: str, hint: str) -> str:
    return hint or {
        "date": "YYYY-MM-DD",
        "id_number": "18位公民身份号码",
        "uscc": "18位统一社会信用代码",
        "phone": "手机或固定电话",
        "money": "金额",
        "count": "整数",
    }.get(kind, "")


class FormView(QScrollArea):
    """Editors for every row of a :class:`FormModel`, grouped by party in a scrolling page.

    An edit goes to ``FormModel.set_value`` once; the model signals the rows it changed (the field itself and any
    value derived from it) and only their editors are updated. Return/Enter in an editor moves to the next field
    (scanners end a code with Enter): line edits and closed drop-downs pass the key up to this view.

    Signals:
        edited(str): the clerk changed the value of this element code.
    """

    edited = Signal(str)

    def __init__(self, model: FormModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.editors: dict[str, FieldEditor] = {}
        self._shown_errors = False
        self.setWidgetResizable(True)
        self.model.modelReset.connect(self.rebuild)
        self.model.dataChanged.connect(self.sync_from_model)
        self.rebuild()

    def rebuild(self) -> None:
        focused = next((c for c, e in self.editors.items() if e.owns(self.focusWidget())), None)
        page = QWidget()
        column = QVBoxLayout(page)
        self.editors = {}
        groups: dict[str, QFormLayout] = {}
        for spec in self.model.field_specs():
            form = groups.get(spec.group)
            if form is None:
                box = QGroupBox(spec.group)
                form = groups[spec.group] = QFormLayout(box)
                form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
                column.addWidget(box)
            editor = FieldEditor(spec, self._write)
            editor.place(form, spec.label)
            editor.widget.setToolTip(spec.code)
            self.editors[spec.code] = editor
        column.addStretch(1)
        self.setWidget(page)
        self.sync_from_model()
        if focused in self.editors:
            self.editors[focused].focus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Return/Enter that an editor passed up (it does not use it) moves to the next field."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers()
        if enter and self.editor_holding(self.focusWidget()) is not None:
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def set_value(self, code: str, value: Any) -> bool:
        """Write ``value`` as if the clerk had entered it (a scan); False when the form has no such field."""
        if self.model.row_of(code) < 0:
            return False
        self._write(code, value)
        return True

    def editor_holding(self, widget: QObject | None) -> tuple[str, FieldEditor] | None:
        """The field whose editor is (or contains) ``widget``, e.g. the one a scan was aimed at."""
        if not isinstance(widget, QWidget):
            return None
        for code, editor in self.editors.items():
            if editor.owns(widget):
                return code, editor
        return None

    def _write(self, code: str, value: Any) -> None:
        if self.model.set_value(code, value):
            self.edited.emit(code)

    def sync_from_model(self, top: QModelIndex | None = None, bottom: QModelIndex | None = None, *_roles: Any) -> None:
        """Show derived values and errors of the rows ``top``..``bottom`` (all without them); errors of untouched
        empty fields wait for the first submit."""
        states = self.model.field_states()
        if top is not None and bottom is not None and top.isValid():
            states = states[top.row() : bottom.row() + 1]
        for code, value, error, required in states:
            editor = self.editors.get(code)
            if editor is None:
                continue
            editor.show_value(value)
            untouched_required = value in (None, "") and required
            editor.show_error(error if (self._shown_errors or not untouched_required) else "")

    def focus_first_error(self) -> str | None:
        """Show every error and put the cursor in the first field that has one."""
        self._shown_errors = True
        self.sync_from_model()
        for code, _value, error, _required in self.model.field_states():
            if error and code in self.editors:
                editor = self.editors[code]
                self.ensureWidgetVisible(editor.widget)
                editor.focus()
                return code
        return None

    def focus_first_field(self) -> None:
        for editor in self.editors.values():
            if not editor.derived:
                editor.focus()
                return
