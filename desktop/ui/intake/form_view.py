"""The merged form on screen: editors built from :class:`FormModel` rows, grouped by party.

The view writes every edit through ``FormModel.setData`` and reads values and errors back from the
model; it keeps no form state of its own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
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
from desktop.ui.intake.models import (
    CODE_ROLE,
    DERIVED_ROLE,
    ERROR_ROLE,
    GROUP_ROLE,
    HINT_ROLE,
    KIND_ROLE,
    OPTIONS_ROLE,
    FormModel,
)

_UPPER_KINDS = {"id_number", "uscc"}
_BOOL = {"是": True, "否": False}


class _EnterMovesOn(QObject):
    """Return/Enter in an editor moves focus to the next field (scanners end a code with Enter)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        is_key = event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
        if is_key and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():  # type: ignore[attr-defined]
            if isinstance(watched, QComboBox) and watched.view().isVisible():
                return False
            if isinstance(watched, QWidget):
                watched.focusNextChild()
                return True
        return False


class FieldEditor(QObject):
    """One field: its input widget(s) in a form row, and an inline error line in the row below.

    Signals:
        changed(object): the clerk changed the value (str, bool, dict for an address, or None).
    """

    changed = Signal(object)

    def __init__(self, kind: str, options: list[str], derived: bool, hint: str, enter: QObject) -> None:
        super().__init__()
        self.kind = kind
        self.derived = derived
        # Few widgets, palettes rather than style sheets, and the error line made on first use: a style sheet
        # per widget and a container with two labels per field made the form several times slower to build.
        self._error: QLabel | None = None
        self._form: QFormLayout | None = None
        self.extra = QLabel() if kind in ("id_number", "address") else None
        if self.extra is not None:
            self.extra.setPalette(_palette(QPalette.ColorRole.WindowText, "#555555"))
        self.inputs: list[QWidget] = []
        if kind in ("choice", "bool"):
            combo = QComboBox()
            combo.addItems(["", *(options if kind == "choice" else _BOOL)])
            combo.currentTextChanged.connect(self._emit)
            self.inputs.append(combo)
        elif kind == "address":
            division = QLineEdit(placeholderText="行政区划代码，如 210102")
            division.setMaxLength(12)
            division.setFixedWidth(170)
            detail = QLineEdit(placeholderText="详细地址")
            for edit in (division, detail):
                edit.textEdited.connect(self._emit)
            self.inputs += [division, detail]
        else:
            edit = QLineEdit(placeholderText=_placeholder(kind, hint))
            edit.setReadOnly(derived)
            if derived:
                edit.setPalette(_palette(QPalette.ColorRole.Base, "#f0f0f0"))
                edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            edit.textEdited.connect(self._emit)
            edit.editingFinished.connect(self._normalize)
            self.inputs.append(edit)
        for widget in self.inputs:
            widget.installEventFilter(enter)
        self.widget: QWidget = self.inputs[0]
        if len(self.inputs) > 1 or self.extra is not None:
            self.widget = QWidget()
            row = QHBoxLayout(self.widget)
            row.setContentsMargins(0, 0, 0, 0)
            for widget in self.inputs:
                row.addWidget(widget, 1 if widget is self.inputs[-1] else 0)
            if self.extra is not None:
                row.addWidget(self.extra)
        self.setParent(self.widget)  # lives as long as its row

    def place(self, form: QFormLayout, label: QLabel) -> None:
        form.addRow(label, self.widget)
        self._form = form

    def owns(self, widget: QWidget | None) -> bool:
        return widget is not None and (widget is self.widget or self.widget.isAncestorOf(widget))

    @property
    def error(self) -> QLabel:
        """The inline error line, in the form row under the field."""
        if self._error is None:
            self._error = QLabel()
            self._error.setPalette(_palette(QPalette.ColorRole.WindowText, "#c0392b"))
            self._error.setWordWrap(True)
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
        """Put ``value`` in the editor without emitting ``changed``."""
        for widget in self.inputs:
            widget.blockSignals(True)
        try:
            if self.kind in ("choice", "bool"):
                text = ("是" if value else "否") if isinstance(value, bool) else (value or "")
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
        text = ""
        if self.kind == "id_number" and isinstance(value, str):
            text = idnumbers.region_name(value) or ""
        elif self.kind == "address" and isinstance(value, dict):
            text = idnumbers.division_name(str(value.get("division", ""))) or ""
        if self.extra is not None:
            self.extra.setText(text)

    def _emit(self, *_args: object) -> None:
        self.changed.emit(self.value())

    def _normalize(self) -> None:
        if self.kind == "date":
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

    Signals:
        edited(str): the clerk changed the value of this element code.
    """

    edited = Signal(str)

    def __init__(self, model: FormModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.editors: dict[str, FieldEditor] = {}
        self._enter = _EnterMovesOn(self)
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
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 1)
            group = index.data(GROUP_ROLE)
            if group not in groups:
                box = QGroupBox(group)
                groups[group] = QFormLayout(box)
                groups[group].setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
                column.addWidget(box)
            code = index.data(CODE_ROLE)
            editor = FieldEditor(
                index.data(KIND_ROLE),
                index.data(OPTIONS_ROLE),
                index.data(DERIVED_ROLE),
                index.data(HINT_ROLE),
                self._enter,
            )
            editor.changed.connect(lambda value, c=code: self._write(c, value))
            label = QLabel(self.model.index(row, 0).data())
            label.setToolTip(code)
            editor.place(groups[group], label)
            self.editors[code] = editor
        column.addStretch(1)
        self.setWidget(page)
        self.sync_from_model()
        if focused in self.editors:
            self.editors[focused].focus()

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
        row = self.model.row_of(code)
        if row >= 0:
            self.model.setData(self.model.index(row, 1), value)
            self.edited.emit(code)

    def sync_from_model(self, *_args: QModelIndex) -> None:
        """Show derived values and errors (errors of untouched empty fields wait for the first submit)."""
        # One snapshot of the model rather than four role look-ups per row: this runs on every keystroke.
        for code, value, error, required in self.model.field_states():
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
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 1)
            if index.data(ERROR_ROLE):
                editor = self.editors[index.data(CODE_ROLE)]
                self.ensureWidgetVisible(editor.widget)
                editor.focus()
                return str(index.data(CODE_ROLE))
        return None

    def focus_first_field(self) -> None:
        for editor in self.editors.values():
            if not editor.derived:
                editor.focus()
                return
