"""补齐容缺材料: the applicant of a 容缺受理 case brings the deferred materials back."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.cases.decisions import MaterialStatus
from desktop.cases.numbers import format_number
from desktop.services.cases import Case, CaseDetail
from desktop.services.hall import Hall
from desktop.services.intake import supply_deferred
from desktop.ui.workers import Op


class DeferredDialog(QDialog):
    """Tick the deferred materials received now; the store marks them and queues a new revision.

    Signals:
        supplied(object): the updated Case, committed durably.
    """

    supplied = Signal(object)

    def __init__(
        self, hall: Hall, pool: QThreadPool, clerk: str, detail: CaseDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.hall, self.pool, self.clerk = hall, pool, clerk
        self.case_id: uuid.UUID = detail.case.id
        self.setWindowTitle("补齐容缺材料")
        self.list = QListWidget()
        for m in detail.materials:
            if m.status is MaterialStatus.DEFERRED:
                item = QListWidgetItem(f"{m.name}（期限 {m.deadline or '—'}）")
                item.setData(Qt.ItemDataRole.UserRole, m.material_code)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.list.addItem(item)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        number = format_number(detail.case.number) if detail.case.number else ""
        layout.addWidget(QLabel(f"办件 {number}：请勾选申请人本次补交的容缺材料"))
        layout.addWidget(self.list)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def checked_codes(self) -> list[str]:
        items = (self.list.item(n) for n in range(self.list.count()))
        return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def submit(self) -> None:
        codes = self.checked_codes()
        if not codes:
            self.message.setText("请至少勾选一项已补交的材料")
            return
        hall, case_id, clerk = self.hall, self.case_id, self.clerk
        Op(self.pool, lambda: supply_deferred(hall, case_id, codes, clerk)).success(self._done).failure(
            lambda e: self.message.setText(f"保存失败：{e}")
        ).run()

    def _done(self, case: Case) -> None:
        self.supplied.emit(case)
        self.accept()
