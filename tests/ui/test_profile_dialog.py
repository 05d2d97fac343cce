"""窗口档案: the hall's details are typed here; the 窗口人员 is the signed-in account, never typed."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from desktop.settings import Settings
from desktop.ui.profile_dialog import ProfileDialog, profile_errors


def test_the_operator_cannot_be_typed_into_the_profile(qtbot: QtBot) -> None:
    settings = Settings(center_name="某中心", division_code="210102", window_code="03", clerk="wangf")
    dialog = ProfileDialog(settings)
    qtbot.addWidget(dialog)
    assert all(edit.text() != "wangf" for edit in dialog.findChildren(QLineEdit))
    dialog.hall["center_address"].setText("沈阳市和平区文化路12号")
    dialog.hall["receipt_base_url"].setText("https://zwfw.example.cn")
    dialog.accept()
    assert dialog.result() == ProfileDialog.DialogCode.Accepted
    changed = Settings(clerk="wangf")
    dialog.apply_to(changed)
    assert (changed.center_address, changed.receipt_base_url, changed.clerk) == (
        "沈阳市和平区文化路12号",
        "https://zwfw.example.cn",
        "wangf",
    )


def test_bad_hall_details_are_named_in_chinese_and_nothing_is_saved(qtbot: QtBot) -> None:
    settings = Settings(center_name="某中心", division_code="210102", window_code="03")
    dialog = ProfileDialog(settings)
    qtbot.addWidget(dialog)
    dialog.hall["consult_phone"].setText("call me")
    dialog.hall["receipt_base_url"].setText("ftp://x")
    dialog.accept()
    assert dialog.result() != ProfileDialog.DialogCode.Accepted
    assert "咨询电话" in dialog.error.text()
    assert settings.consult_phone == "12345"
    assert profile_errors("", "2101", "00") == [
        "请填写服务中心名称",
        "行政区划代码应为6位（县级）或9位（乡镇街道）数字",
        "窗口编号应为两位数字（01–89 窗口，90–99 外勤设备）",
    ]
