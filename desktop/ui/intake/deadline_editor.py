"""F2 on a 容缺 row's deadline: a spin box of working days that is never clipped by its cell, and that says why it
keeps a value within the limit (the shortest promised time limit of the items that need the material)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QSpinBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.forms.session import IntakeSession
from desktop.ui.intake.models import CODE_ROLE

Index = QModelIndex | QPersistentModelIndex
TYPED_MAX = 999  # what the box lets the clerk type: a longer one is refused with the reason, not silently cut


def refusal(days: int, limit: int) -> str:
    return (
        f"补正期限不能超过{limit}个工作日（已改为{limit}个工作日）：容缺材料须在所涉事项中最短的承诺时限内补齐，"
        f"您输入的是{days}个工作日"
    )


class DeadlineDelegate(QStyledItemDelegate):
    """The deadline column's editor.

    Signals:
        refused(str): the clerk typed more working days than the limit; the reason, in Chinese.
    """

    refused = Signal(str)

    def __init__(self, session: IntakeSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session

    def limit(self, index: Index) -> int:
        return self.session.deferral_limit(str(index.data(CODE_ROLE)))

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        box = QSpinBox(parent)
        box.setRange(1, TYPED_MAX)
        box.setSuffix(" 个工作日")
        box.setToolTip(f"最长{self.limit(index)}个工作日（所涉事项中最短的承诺时限）")
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QSpinBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.setValue(int(value) if isinstance(value, int) else self.limit(index))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QSpinBox)
        editor.interpretText()
        days, limit = editor.value(), self.limit(index)
        model.setData(index, min(days, limit), Qt.ItemDataRole.EditRole)
        if days > limit:
            self.refused.emit(refusal(days, limit))

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802
        """As wide and tall as the spin box needs, even where the column or the row is narrower."""
        rect = option.rect
        hint = editor.sizeHint()
        rect.setWidth(max(rect.width(), hint.width()))
        rect.setHeight(max(rect.height(), hint.height()))
        editor.setGeometry(rect)
