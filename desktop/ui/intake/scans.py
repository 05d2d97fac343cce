"""What a scan does inside an open intake: fill an ID-number or credit-code field, mark a material as
电子证照, link a stored scan to its material.

Every write goes through the form view / checklist model, exactly as a clerk's edit does, so the
draft is autosaved and the screen shows the new value. Nothing here is guessed: a field that is
already filled is not overwritten unless the clerk aimed the scan at it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject

from desktop.cases.decisions import MaterialStatus
from desktop.ui.intake.widget import IntakeWidget

CHECKLIST_STEP = 2
USCC_FIELD = "enterprise.uscc"
_KIND_NAMES = {"id_number": "公民身份号码", "uscc": "统一社会信用代码"}


@dataclass(frozen=True)
class Outcome:
    """What happened, in Chinese for the status bar; ``warning`` when nothing could be done."""

    message: str
    written: bool = False
    warning: bool = False


def _fields(widget: IntakeWidget, kind: str) -> list[tuple[str, str]]:
    """(code, label) of the fields of ``kind`` the clerk can edit, in form order."""
    return [
        (f.code, f.element.label)
        for f in widget.session.form.fields
        if f.element.kind.value == kind and f.element.derive is None
    ]


def _fill(widget: IntakeWidget, code: str, label: str, value: str, aimed: QObject | None) -> Outcome:
    held = widget.form.editor_holding(aimed)
    kind = widget.form.editors[code].kind
    widget.form.set_value(code, value)
    editor = widget.form.editors.get(code)  # the form may have been rebuilt by the new value
    if held is not None and held[0] == code and editor is not None:
        editor.inputs[-1].focusNextChild()  # what Return after typing does in the form
    return Outcome(f"已将扫描的{_KIND_NAMES[kind]}填入“{label}”：{value}", True)


def fill_identifier(widget: IntakeWidget, kind: str, value: str, aimed: QObject | None) -> Outcome | None:
    """Put a validated ID number (``kind`` "id_number") or credit code ("uscc") into the form.

    The field the scan was aimed at wins; else the first empty field of that kind (``enterprise.uscc``
    first for a credit code). Returns None when the scan was aimed at some other text field: then it
    is plain typing and belongs to that field.
    """
    name = _KIND_NAMES[kind]
    held = widget.form.editor_holding(aimed)
    if held is not None:
        code, editor = held
        if editor.kind == kind and not editor.derived:
            label = next((lbl for c, lbl in _fields(widget, kind) if c == code), code)
            return _fill(widget, code, label, value, aimed)
        if editor.kind in _KIND_NAMES:
            return Outcome(f"该栏应填写{_KIND_NAMES[editor.kind]}，扫描到的是{name}，未填写", warning=True)
        return None
    fields = _fields(widget, kind)
    if kind == "uscc":
        fields.sort(key=lambda f: f[0] != USCC_FIELD)
    values = widget.session.effective_values()
    for code, label in fields:
        if values.get(code) == value:
            return Outcome(f"该{name}已填在“{label}”中")
    empty = next(((c, lbl) for c, lbl in fields if not values.get(c)), None)
    if empty is None:
        why = "都已填写" if fields else "本办件表单中没有"
        return Outcome(f"扫描到{name} {value}，但{name}栏{why}，未填写；如需更改，请先点击该栏再扫描", warning=True)
    return _fill(widget, *empty, value, aimed)


def mark_elicence(widget: IntakeWidget, identifier: str, material: str | None = None) -> Outcome:
    """Mark ``material`` (default: the checklist's current row, on the checklist step) as 电子证照."""
    page = widget.checklist
    if material is None:
        if widget.tabs.currentIndex() != CHECKLIST_STEP:
            return Outcome("电子证照标识请在“材料”步骤扫描，并先选中要代替的材料", warning=True)
        row = page.table.currentIndex().row()
    else:
        row = next((r for r in range(page.model.rowCount()) if page.model.entry(r).code == material), -1)
    if row < 0:
        return Outcome("请先在材料清单中选中要用电子证照代替的材料", warning=True)
    entry = page.model.entry(row)
    if not entry.material.elicence:
        return Outcome(f"“{entry.material.name}”不能以电子证照代替，未标记", warning=True)
    page.set_status(row, MaterialStatus.ELICENCE)
    return Outcome(f"“{entry.material.name}”已标记为电子证照免提交（标识 {identifier}）", True)


def link_attachment(widget: IntakeWidget, material: str, sha256: str) -> None:
    """Record a stored scan on the material's mark and show it in the checklist."""
    mark = widget.session.mark(material)
    if sha256 not in mark.attachments:
        mark.attachments.append(sha256)
    widget.checklist.model.refresh()
    widget.changed.emit()
