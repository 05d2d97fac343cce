"""窗口档案: the center, its division code and window number, and what documents print about the hall.

The 窗口人员 is not typed here: it is the account signed in (desktop.ui.accounts_feature), so every case names a
person who logged in. The dialog shows who that is.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.settings import Settings
from printing.payload import receipt_base_url_problem

_DIVISION = re.compile(r"^\d{6}(\d{3})?$")
_WINDOW = re.compile(r"^\d{2}$")
_PHONE = re.compile(r"^[0-9][0-9-]{2,19}$")

# (setting, label, placeholder): the hall's details every document prints
HALL_FIELDS = (
    ("center_address", "中心地址", "如：沈阳市和平区南湖街道文化路12号"),
    ("center_hours", "办公时间", "如：周一至周五 8:30–11:30，13:00–17:00"),
    ("consult_phone", "咨询电话", "12345"),
    ("supervise_phone", "监督电话", "12345"),
    ("review_organ", "行政复议机关", "如：沈阳市和平区人民政府"),
    ("court", "行政诉讼法院", "如：沈阳市和平区人民法院"),
    ("receipt_base_url", "办件查询网址", "如：https://zwfw.ln.gov.cn（回执二维码）"),
)


def profile_errors(center: str, division: str, window: str, hall: dict[str, str] | None = None) -> list[str]:
    """What is wrong with the profile, in Chinese (empty when it can be saved)."""
    errs = []
    if not center.strip():
        errs.append("请填写服务中心名称")
    if not _DIVISION.match(division.strip()):
        errs.append("行政区划代码应为6位（县级）或9位（乡镇街道）数字")
    if not _WINDOW.match(window.strip()) or window.strip() == "00":
        errs.append("窗口编号应为两位数字（01–89 窗口，90–99 外勤设备）")
    details = hall or {}
    for key in ("consult_phone", "supervise_phone"):
        phone = details.get(key, "").strip()
        if phone and not _PHONE.match(phone):
            errs.append("咨询电话、监督电话只能由数字和“-”组成")
            break
    url_problem = receipt_base_url_problem(details.get("receipt_base_url", ""))
    if details.get("receipt_base_url", "").strip() and url_problem:
        errs.append(url_problem)
    return errs


class ProfileDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("窗口档案")
        self.center = QLineEdit(settings.center_name, placeholderText="如：沈阳市和平区南湖街道便民服务中心")
        self.division = QLineEdit(settings.division_code, placeholderText="如：210102 或 210102001")
        self.window_code = QLineEdit(settings.window_code, placeholderText="01")
        self.hall = {key: QLineEdit(str(getattr(settings, key)), placeholderText=hint) for key, _l, hint in HALL_FIELDS}
        operator = QLabel(settings.clerk or "（登录后为当前账户）")
        operator.setToolTip("窗口人员即当前登录的账户，不在此填写")
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("服务中心名称", self.center)
        form.addRow("行政区划代码", self.division)
        form.addRow("窗口编号", self.window_code)
        form.addRow("窗口人员", operator)
        for key, label, _hint in HALL_FIELDS:
            form.addRow(label, self.hall[key])
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 0)

    def _hall_values(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.hall.items()}

    def accept(self) -> None:
        errs = profile_errors(self.center.text(), self.division.text(), self.window_code.text(), self._hall_values())
        if errs:
            self.error.setText("；".join(errs))
            return
        super().accept()

    def apply_to(self, settings: Settings) -> None:
        settings.center_name = self.center.text().strip()
        settings.division_code = self.division.text().strip()
        settings.window_code = self.window_code.text().strip()
        for key, value in self._hall_values().items():
            setattr(settings, key, value)
