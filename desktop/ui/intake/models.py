"""Qt models over an :class:`~desktop.forms.session.IntakeSession`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop.cases.decisions import MaterialStatus
from desktop.forms.checklist import full_checklist, internal_label
from desktop.forms.decision import STATUS_LABELS, Mark
from desktop.forms.expr import judged_on, rules_of
from desktop.forms.session import IntakeSession

Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole
CODE_ROLE = Role.UserRole + 1
KIND_ROLE = Role.UserRole + 2
REQUIRED_ROLE = Role.UserRole + 3
GROUP_ROLE = Role.UserRole + 4
OPTIONS_ROLE = Role.UserRole + 5
DERIVED_ROLE = Role.UserRole + 6
ERROR_ROLE = Role.UserRole + 7
VALUE_ROLE = Role.UserRole + 8
HINT_ROLE = Role.UserRole + 9

_GREY = QBrush(QColor("#8a8a8a"))
_RED = QBrush(QColor("#c0392b"))


class _SessionTable(QAbstractTableModel):
    """A read-mostly table whose rows are recomputed from the session on ``refresh``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, session: IntakeSession) -> None:
        super().__init__()
        self.session = session
        self._rows: list[Any] = self._compute()

    def _compute(self) -> list[Any]:
        raise NotImplementedError

    def refresh(self) -> None:
        rows = self._compute()
        if len(rows) != len(self._rows) or [self._key(r) for r in rows] != [self._key(r) for r in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
        else:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.HEADERS) - 1))

    def _key(self, row: Any) -> str:
        return str(row)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole) -> Any:  # noqa: N802
        if role == Role.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def _valid(self, index: Index) -> bool:
        return index.isValid() and 0 <= index.row() < len(self._rows) and 0 <= index.column() < len(self.HEADERS)


class ApplicabilityModel(_SessionTable):
    """Each item of the bundle: whether it applies under the answers, and why."""

    HEADERS = ("事项", "办理部门", "是否办理", "依据", "承诺时限")

    def _compute(self) -> list[Any]:
        return list(self.session.applicability)

    def _key(self, row: Any) -> str:
        return str(row.item_code)

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        a = self._rows[index.row()]
        item = self.session.idx.items[a.item_code]
        if role == Role.DisplayRole:
            return (
                item.name,
                self.session.idx.department_name(item.department),
                "办理" if a.applies else "不办理",
                "；".join(a.reasons),
                f"{item.guide.promised_days}个工作日" if item.guide.promised_days else "即办",
            )[index.column()]
        if role == Role.ForegroundRole and not a.applies:
            return _GREY
        if role == CODE_ROLE:
            return a.item_code
        return None


@dataclass(frozen=True)
class FieldSpec:
    """What the form view needs to build one field's editor (one call per form, not seven role look-ups per row)."""

    code: str
    label: str
    kind: str
    options: tuple[str, ...]
    derived: bool
    hint: str
    group: str


class FormModel(_SessionTable):
    """The merged form: one row per data element, columns label / value / error.

    An edit reaches the session once and signals only the rows whose shown value or error it changed: a keystroke
    in an ID number changes that field and the birth date and sex read from it, not the whole form.

    Signals:
        edited(str): the value of this element code was changed through ``setData`` or ``set_value``.
    """

    HEADERS = ("项目", "内容", "提示")
    edited = Signal(str)

    def __init__(self, session: IntakeSession) -> None:
        super().__init__(session)
        self._states = self._snapshot_of(self._rows)  # (shown value, error) by element code

    def _compute(self) -> list[Any]:
        return [(g.label, f) for g in self.session.form.groups for f in g.fields]

    def _key(self, row: Any) -> str:
        return f"{row[1].code}:{row[1].required}"

    def refresh(self) -> None:
        self._states = self._snapshot_of(self._compute())  # before the signals: views read it in their slots
        super().refresh()

    def _snapshot_of(self, rows: list[Any]) -> dict[str, tuple[Any, str]]:
        values, errors = self.session.effective_values(), self.session.errors()
        return {f.code: (values.get(f.code), errors.get(f.code, "")) for _group, f in rows}

    def field_specs(self) -> list[FieldSpec]:
        """Every row's editor description, in form order."""
        return [
            FieldSpec(
                f.code,
                _label(f),
                f.element.kind.value,
                tuple(f.element.options),
                f.element.derive is not None,
                self._produced(f) or f.element.hint or "",
                group,
            )
            for group, f in self._rows
        ]

    def _produced(self, f: Any) -> str:
        """由「企业设立登记」产生: the item of this case that issues the field's value, when one does."""
        return f"由「{self.session.idx.items[f.produced_by].name}」产生" if f.produced_by else ""

    def field_states(self) -> list[tuple[str, Any, str, bool]]:
        """(element code, shown value, error, required) for every row: what ``VALUE_ROLE``, ``ERROR_ROLE``
        and ``REQUIRED_ROLE`` give, in one call."""
        return [(f.code, *self._states.get(f.code, (None, "")), f.required) for _group, f in self._rows]

    def state(self, code: str) -> tuple[Any, str, bool]:
        """(shown value, error, required) of one element code."""
        row = self.row_of(code)
        value, error = self._states.get(code, (None, ""))
        return value, error, row >= 0 and bool(self._rows[row][1].required)

    def row_of(self, code: str) -> int:
        return next((n for n, (_g, f) in enumerate(self._rows) if f.code == code), -1)

    def set_value(self, code: str, value: Any) -> bool:
        """Write one value to the session; False when the form has no such field. The rows whose value or error
        changed are signalled (the whole form is reset only when the edit changed which fields it asks)."""
        if self.row_of(code) < 0:
            return False
        self.session.set_value(code, value)
        rows = self._compute()
        if [self._key(r) for r in rows] != [self._key(r) for r in self._rows]:
            self.refresh()
        else:
            self._rows = rows
            before, self._states = self._states, self._snapshot_of(rows)
            last = len(self.HEADERS) - 1
            for n, (_group, f) in enumerate(rows):
                if f.code == code or before.get(f.code) != self._states[f.code]:
                    self.dataChanged.emit(self.index(n, 1), self.index(n, last))
        self.edited.emit(code)
        return True

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        group, f = self._rows[index.row()]
        el = f.element
        value, error = self._states.get(f.code, (None, ""))
        column = index.column()
        if role == Role.DisplayRole:
            return (_label(f), _display(value), error)[column]
        if role == Role.EditRole:
            return self.session.values.get(f.code) if column == 1 else None
        if role == Role.ForegroundRole:
            return _RED if column == 2 else None
        if role == CODE_ROLE:
            return f.code
        if role == KIND_ROLE:
            return el.kind.value
        if role == REQUIRED_ROLE:
            return f.required
        if role == GROUP_ROLE:
            return group
        if role == OPTIONS_ROLE:
            return list(el.options)
        if role == DERIVED_ROLE:
            return el.derive is not None
        if role == HINT_ROLE:
            return el.hint or ""
        if role == VALUE_ROLE:
            return value
        if role == ERROR_ROLE:
            return error
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self._valid(index) and index.column() == 1 and not self._rows[index.row()][1].element.derive:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Role.EditRole) -> bool:  # noqa: N802
        if not self._valid(index) or index.column() != 1 or role != Role.EditRole:
            return False
        return self.set_value(self._rows[index.row()][1].code, value)


def _label(f: Any) -> str:
    return str(f.element.label) + ("*" if f.required and not f.element.derive else "")


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return f"{value.get('division', '')} {value.get('detail', '')}".strip()
    return str(value)


class ChecklistModel(_SessionTable):
    """The merged material checklist; the clerk edits status, copies and the 容缺 deadline.

    Signals:
        edited(str): the mark of this material code changed.
    """

    HEADERS = ("材料名称", "要求", "核验情况", "收取份数", "容缺期限", "涉及事项")
    STATUS_COL, COPIES_COL, DEADLINE_COL, ITEMS_COL = 2, 3, 4, 5
    edited = Signal(str)

    def _compute(self) -> list[Any]:
        # what the applicant brings, and greyed 内部流转 rows for what another item of the case produces
        s = self.session
        with judged_on(s.clock.today()), rules_of(s.idx):
            return full_checklist(s.idx, s.items, s.answers)

    def _key(self, row: Any) -> str:
        return str(row.code)

    def entry(self, row: int) -> Any:
        return self._rows[row]

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        entry = self._rows[index.row()]
        col = index.column()
        if role == CODE_ROLE:
            return entry.code
        if entry.internal:  # never asked of the applicant, never marked
            return self._internal(entry, col, role)
        mark = self.session.mark(entry.code)
        if role in (Role.DisplayRole, Role.EditRole):
            return self._cell(entry, mark, col, role == Role.EditRole)
        if role == Role.ToolTipRole and col == self.ITEMS_COL:
            return "\n".join(
                f"{self.session.idx.items[n.item_code].name}：{n.form.value}"
                + (f" {n.copies}份" if n.copies else "")
                + ("（可容缺）" if n.deferrable else "")
                for n in entry.needs
            )
        if role == Role.ForegroundRole and col == self.STATUS_COL and mark.status in (None, MaterialStatus.MISSING):
            return _RED
        return None

    def _cell(self, entry: Any, mark: Mark, col: int, edit: bool) -> Any:
        if col == 0:
            scans = f"（扫描件{len(mark.attachments)}份）" if mark.attachments and not edit else ""
            return entry.material.name + ("（可用电子证照）" if entry.material.elicence else "") + scans
        if col == 1:
            need = entry.form.value + (f" {entry.copies}份" if entry.copies else "")
            return need + ("，可容缺" if entry.deferrable else "")
        if col == self.ITEMS_COL:
            return None if edit else "、".join(self.session.idx.items[c].name for c in entry.item_codes)
        if col == self.STATUS_COL:
            return mark.status.value if edit and mark.status else STATUS_LABELS[mark.status]
        if col == self.COPIES_COL:
            return mark.copies if edit else (str(mark.copies) if mark.copies else "")
        if mark.status is MaterialStatus.DEFERRED:  # the deadline column
            days = mark.deadline_days
            return days if edit else (f"{days}个工作日内" if days else "请设定期限")
        return None if edit else ""

    def _internal(self, entry: Any, col: int, role: int) -> Any:
        if role == Role.DisplayRole:
            if col == 0:
                return entry.material.name
            if col == 1:
                return "无需提交"
            if col == self.STATUS_COL:
                return internal_label(self.session.idx, entry)
            if col == self.ITEMS_COL:
                return "、".join(self.session.idx.items[c].name for c in entry.item_codes)
            return ""
        if role == Role.ForegroundRole:
            return _GREY
        if role == Role.ToolTipRole:
            return "该材料由本办件的另一事项产生，部门间内部流转，无需申请人提交"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self._valid(index) and self._rows[index.row()].internal:
            return Qt.ItemFlag.NoItemFlags  # greyed and unmarkable
        if self._valid(index) and index.column() in (self.STATUS_COL, self.COPIES_COL, self.DEADLINE_COL):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Role.EditRole) -> bool:  # noqa: N802
        if not self._valid(index) or role != Role.EditRole or self._rows[index.row()].internal:
            return False
        entry = self._rows[index.row()]
        mark = self.session.mark(entry.code)
        col = index.column()
        try:
            if col == self.STATUS_COL:
                self._set_status(entry, mark, MaterialStatus(value) if value else None)
            elif col == self.COPIES_COL:
                mark.copies = max(0, min(99, int(value)))
            elif col == self.DEADLINE_COL and mark.status is MaterialStatus.DEFERRED:
                mark.deadline_days = max(1, min(int(value), self.session.deferral_limit(entry.code)))
            else:
                return False
        except (TypeError, ValueError):
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.HEADERS) - 1))
        self.edited.emit(entry.code)
        return True

    def _set_status(self, entry: Any, mark: Mark, status: MaterialStatus | None) -> None:
        if status is MaterialStatus.DEFERRED and not entry.deferrable:
            raise ValueError("not deferrable")
        if status is MaterialStatus.ELICENCE and not entry.material.elicence:
            raise ValueError("no e-licence for this material")
        mark.status = status
        if status in (MaterialStatus.RECEIVED, MaterialStatus.CHECKED) and not mark.copies:
            mark.copies = max(1, entry.copies)
        if status is MaterialStatus.DEFERRED and not mark.deadline_days:
            mark.deadline_days = self.session.deferral_limit(entry.code)
        if status is not MaterialStatus.DEFERRED:
            mark.deadline_days = None
