"""The supervisor's two writes: 作废 a case with a reason, and the 回访 / 整改 of a 差评 with its date and note."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from desktop.cases.ratings import FOLLOW_UP_LABELS, FollowUpKind
from desktop.ui.dates import day_of, to_qdate


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class VoidDialog(QDialog):
    """作废办件: the reason is required (kept with the case and audited)."""

    def __init__(self, case_number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("作废办件")
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("作废原因（必填），如：重复录入、申请人撤回申请")
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        form = QFormLayout(self)
        form.addRow(QLabel(f"办件 {case_number} 作废后保留记录、不计入统计，并同步至省平台。"))
        form.addRow("作废原因", self.reason)
        form.addRow(self.message)
        form.addRow(_buttons(self, "作废"))

    def accept(self) -> None:
        if not self.reason.toPlainText().strip():
            self.message.setText("请填写作废原因")
            return
        super().accept()

    def text(self) -> str:
        return self.reason.toPlainText().strip()


class FollowUpDialog(QDialog):
    """差评回访 / 整改: the kind, the date it happened and what was said or done."""

    def __init__(self, case_number: str, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("差评回访 / 整改")
        self.kind = QComboBox()
        for kind, label in FOLLOW_UP_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.on = QDateEdit(to_qdate(today))
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy年MM月dd日")
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("回访情况或整改措施（必填）")
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        form = QFormLayout(self)
        form.addRow(QLabel(f"办件 {case_number}"))
        form.addRow("方式", self.kind)
        form.addRow("日期", self.on)
        form.addRow("情况", self.note)
        form.addRow(self.message)
        form.addRow(_buttons(self, "记录"))

    def accept(self) -> None:
        if not self.note.toPlainText().strip():
            self.message.setText("请填写回访情况或整改措施")
            return
        super().accept()

    def values(self) -> tuple[FollowUpKind, dt.date, str]:
        return FollowUpKind(self.kind.currentData()), day_of(self.on), self.note.toPlainText().strip()
