"""窗口档案: the center, division code, window number and clerk, kept in settings."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.settings import Settings

_DIVISION = re.compile(r"^\d{6}(\d{3})?$")
_WINDOW = re.compile(r"^\d{2}$")


def profile_errors(center: str, division: str, window: str, clerk: str) -> list[str]:
    errs = []
    if not center.strip():
        errs.append("请填写服务中心名称")
    if not _DIVISION.match(division.strip()):
        errs.append("行政区划代码应为6位（县级）或9位（乡镇街道）数字")
    if not _WINDOW.match(window.strip()) or window.strip() == "00":
        errs.append("窗口编号应为两位数字（01–89 窗口，90–99 外勤设备）")
    if not clerk.strip():
        errs.append("请填写窗口人员姓名")
    return errs


class ProfileDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("窗口档案")
        self.center = QLineEdit(settings.center_name, placeholderText="如：沈阳市和平区南湖街道便民服务中心")
        self.division = QLineEdit(settings.division_code, placeholderText="如：210102 或 210102001")
        self.window_code = QLineEdit(settings.window_code, placeholderText="01")
        self.clerk = QLineEdit(settings.clerk)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("服务中心名称", self.center)
        form.addRow("行政区划代码", self.division)
        form.addRow("窗口编号", self.window_code)
        form.addRow("窗口人员", self.clerk)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 0)

    def accept(self) -> None:
        errs = profile_errors(self.center.text(), self.division.text(), self.window_code.text(), self.clerk.text())
        if errs:
            self.error.setText("；".join(errs))
            return
        super().accept()

    def apply_to(self, settings: Settings) -> None:
        settings.center_name = self.center.text().strip()
        settings.division_code = self.division.text().strip()
        settings.window_code = self.window_code.text().strip()
        settings.clerk = self.clerk.text().strip()
