"""The intake form's assists, driven by the keyboard: region picker, copy keys, word lists, option keys, short
dates, and Tab stops only where the clerk types."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from desktop.services.demo import DEMO_PROFILE

HOME = DEMO_PROFILE[1]  # the hall's own division, 210102004

# The proposal lists are popups; the offscreen platform says it cannot raise them or grab the keyboard for them.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")


def _open(window: Any, qtbot: QtBot, name: str) -> Any:
    code = next(b.code for b in window.catalog.index.catalog.bundles if b.name == name)
    with qtbot.waitSignal(window.intake_opened, timeout=10_000):
        window.start_intake(code)
    window.intake.widget.tabs.setCurrentIndex(1)
    return window.intake


def _chinese(widget: Any, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _focused() -> Any:
    return QApplication.focusWidget()


def _field_with_focus(intake: Any) -> str | None:
    held = intake.widget.form.editor_holding(_focused())
    return held[0] if held else None


def test_every_address_starts_at_the_halls_own_division_and_a_local_address_needs_only_the_street(
    main_window: Any, qtbot: QtBot
) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    editor = intake.widget.form.editors["applicant.household_address"]
    division, detail = editor.inputs
    assert division.text() == HOME and division.toolTip() == "辽宁省沈阳市和平区"
    assert "applicant.household_address" not in intake.session.values  # a default, not an answer
    detail.setFocus()
    _chinese(detail, "南湖路12号")
    assert intake.session.values["applicant.household_address"] == {"division": HOME, "detail": "南湖路12号"}


def test_pinyin_initials_and_enter_pick_a_county_and_move_on_to_the_street(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    division, detail = intake.widget.form.editors["newborn.birth_place"].inputs
    division.setFocus()
    division.selectAll()
    QTest.keyClicks(division, "hn")
    QTest.keyClick(division, Qt.Key.Key_Return)
    assert division.text() == "210112"  # 沈阳市浑南区: the hall's own city first
    assert detail.hasFocus()
    division.setFocus()
    division.selectAll()
    QTest.keyClicks(division, "hp001")  # the county's township digits typed after the query
    QTest.keyClick(division, Qt.Key.Key_Return)
    assert division.text() == "210102001"
    _chinese(detail, "三好街36号")
    assert intake.session.values["newborn.birth_place"] == {"division": "210102001", "detail": "三好街36号"}


def test_a_city_lists_its_counties_and_a_typed_code_still_works(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    division = intake.widget.form.editors["newborn.birth_place"].inputs[0]
    division.setFocus()
    division.selectAll()
    QTest.keyClicks(division, "dl")
    QTest.keyClick(division, Qt.Key.Key_Return)
    assert division.text() == "210200" and division.hasFocus()  # 大连市: stays for its county
    assert [d.code[:4] for d in division._found] == ["2102"] * len(division._found) and division._found
    QTest.keyClicks(division, "zs")  # 中山区 of 大连, not of elsewhere
    QTest.keyClick(division, Qt.Key.Key_Return)
    assert division.text() == "210202"
    division.setFocus()
    division.selectAll()
    QTest.keyClicks(division, "211002")
    assert intake.session.values["newborn.birth_place"]["division"] == "211002"


def test_ctrl_d_copies_the_applicant_into_the_mother_and_the_cursor_goes_to_what_is_left(
    main_window: Any, qtbot: QtBot
) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    form = intake.widget.form
    _chinese(form.editors["applicant.name"].inputs[0], "刘芳")
    form.editors["applicant.id_number"].inputs[0].setFocus()
    QTest.keyClicks(form.editors["applicant.id_number"].inputs[0], "210102199403150027")
    buttons = [b.text() for b in form.widget().findChildren(QPushButton)]
    assert buttons.count("同申请人") == 2 and "同户籍地址" in buttons  # mother, father; the newborn's address
    form.editors["mother.name"].focus()
    QTest.keyClick(_focused(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert intake.session.values["mother.name"] == "刘芳"
    assert intake.session.values["mother.id_number"] == "210102199403150027"
    assert form.editors["mother.name"].inputs[0].text() == "刘芳"
    assert _field_with_focus(intake) == "mother.ethnicity"


def test_the_copy_button_copies_the_household_address(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    form = intake.widget.form
    detail = form.editors["applicant.household_address"].inputs[1]
    _chinese(detail, "南湖路12号")
    button = next(b for b in form.widget().findChildren(QPushButton) if b.text() == "同户籍地址")
    assert button.focusPolicy() == Qt.FocusPolicy.NoFocus and "Ctrl+D" in button.toolTip()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert intake.session.values["newborn.hukou_address"] == {"division": HOME, "detail": "南湖路12号"}


def test_derived_and_produced_fields_are_no_tab_stops(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "公民身后一件事")
    form = intake.widget.form
    form.editors["deceased.id_number"].focus()
    QTest.keyClick(_focused(), Qt.Key.Key_Tab)
    assert _field_with_focus(intake) == "deceased.death_date"  # 逝者性别 comes from the ID number
    main_window.close_intake()
    intake = _open(main_window, qtbot, "新生儿出生")
    intake.widget.form.editors["newborn.birth_place"].inputs[1].setFocus()
    QTest.keyClick(_focused(), Qt.Key.Key_Tab)
    assert _field_with_focus(intake) == "newborn.ethnicity"  # 出生医学证明编号 and the ID number are issued here


def test_a_word_list_proposes_by_initials_and_enter_takes_it_and_moves_on(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "公民身后一件事")
    form = intake.widget.form
    bank = form.editors["bank.bank_name"].inputs[0]
    bank.setFocus()
    QTest.keyClicks(bank, "gs")
    QTest.keyClick(bank, Qt.Key.Key_Return)
    assert intake.session.values["bank.bank_name"] == "中国工商银行"
    assert _field_with_focus(intake) == "bank.account_no"
    cause = form.editors["deceased.death_cause"].inputs[0]
    cause.setFocus()
    _chinese(cause, "肺癌")  # a cause the list does not have stays as typed
    QTest.keyClick(cause, Qt.Key.Key_Return)
    assert intake.session.values["deceased.death_cause"] == "肺癌"


def test_drop_downs_take_a_digit_or_pinyin_initials(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    form = intake.widget.form
    sex = form.editors["newborn.sex"].inputs[0]
    sex.setFocus()
    QTest.keyClick(sex, Qt.Key.Key_2)
    assert intake.session.values["newborn.sex"] == "女"
    relation = form.editors["applicant.relationship"].inputs[0]
    relation.setFocus()
    QTest.keyClicks(relation, "f")
    assert intake.session.values["applicant.relationship"] == "父母"
    hukou = form.editors["newborn.hukou_with"].inputs[0]
    hukou.setFocus()
    QTest.keyClicks(hukou, "sm")
    assert intake.session.values["newborn.hukou_with"] == "随母"


def test_short_dates_are_this_months_or_this_years(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    today = intake.session.clock.today()
    date = intake.widget.form.editors["newborn.birth_date"].inputs[0]
    date.setFocus()
    QTest.keyClicks(date, "1")
    QTest.keyClick(date, Qt.Key.Key_Tab)
    assert intake.session.values["newborn.birth_date"] == today.replace(day=1).isoformat()
    date.setFocus()
    date.selectAll()
    QTest.keyClicks(date, "0101")
    QTest.keyClick(date, Qt.Key.Key_Tab)
    assert intake.session.values["newborn.birth_date"] == dt.date(today.year, 1, 1).isoformat()


def test_without_assists_the_form_is_plain(main_window: Any, qtbot: QtBot) -> None:
    main_window.intake_assists = False
    intake = _open(main_window, qtbot, "新生儿出生")
    form = intake.widget.form
    assert intake.widget.assist is None
    assert form.editors["applicant.household_address"].inputs[0].text() == ""
    assert not [b for b in form.widget().findChildren(QPushButton) if b.text().startswith("同")]


def test_the_deadline_editor_fits_and_says_why_it_keeps_a_deadline_within_the_limit(
    main_window: Any, qtbot: QtBot
) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    intake.widget.tabs.setCurrentIndex(2)
    page = intake.widget.checklist
    row = next(r for r in range(page.model.rowCount()) if page.model.entry(r).deferrable)
    code = page.model.entry(row).code
    page.table.setCurrentIndex(page.model.index(row, 0))
    QTest.keyClick(page.table, Qt.Key.Key_5)  # 容缺: the deadline starts at the limit
    limit = intake.session.deferral_limit(code)
    assert intake.session.mark(code).deadline_days == limit
    cell = page.model.index(row, page.model.DEADLINE_COL)
    page.table.setCurrentIndex(cell)
    QTest.keyClick(page.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor.width() >= editor.sizeHint().width()
    assert editor.height() >= editor.sizeHint().height()
    QTest.keyClicks(editor, str(limit + 5))
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.refusal.isVisibleTo(page))  # the view commits an editor's data queued
    assert intake.session.mark(code).deadline_days == limit
    assert f"不能超过{limit}个工作日" in page.refusal.text()
    assert str(limit + 5) in page.refusal.text()
    page.table.setCurrentIndex(cell)
    QTest.keyClick(page.table, Qt.Key.Key_F2)
    QTest.keyClicks(_focused(), "1")
    QTest.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not page.refusal.isVisibleTo(page))
    assert intake.session.mark(code).deadline_days == 1


def test_the_bundle_search_says_when_nothing_matches_and_the_intake_takes_the_whole_width(
    main_window: Any, qtbot: QtBot
) -> None:
    picker = main_window.picker
    picker.search.setText("zzzz")
    assert picker.status.text().startswith("无结果")
    picker.search.setText("kgs")
    assert picker.status.text().startswith("找到1个")
    _open(main_window, qtbot, "公民身后一件事")
    assert not picker.isVisible()
    main_window.close_intake()
    assert picker.isVisible() and picker.search.hasFocus()


def test_an_empty_address_names_the_division_its_picker_shows(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    editor = intake.widget.form.editors["newborn.birth_place"]
    assert editor.extra.text() == "辽宁省沈阳市和平区"
