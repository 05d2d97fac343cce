"""A clerk takes cases from picking a bundle to a decision, through the real widgets and store."""

from __future__ import annotations

import random
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.cases.decisions import MaterialStatus
from desktop.cases.profile import Profile
from desktop.cases.states import CaseState, Decision
from desktop.services import demo
from desktop.ui.intake.models import ChecklistModel


def _type_chinese(widget: Any, text: str) -> None:
    """Chinese arrives through the input method, not as key codes (QTest only types ASCII)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


SIX_SHAPES = ["新生儿出生", "公民身后一件事", "军人退役", "二手房转移登记及水电气联动过户", "失业再就业", "企业开办"]


def _open(window: Any, qtbot: QtBot, name: str) -> Any:
    code = next(b.code for b in window.catalog.index.catalog.bundles if b.name == name)
    with qtbot.waitSignal(window.intake_opened, timeout=10_000):
        window.start_intake(code)
    return window.intake


def _fill_form_through_the_view(intake: Any, qtbot: QtBot) -> None:
    """Type the ID numbers with the keyboard (as a wedge scanner would) and the rest through the model."""
    session = intake.session
    demo.fill(session, random.Random(5))
    view = intake.widget.form
    intake.widget.form_model.refresh()
    for code, editor in view.editors.items():
        if editor.kind == "id_number" and not editor.derived:
            value = session.values[code]
            editor.inputs[0].clear()
            qtbot.keyClicks(editor.inputs[0], value)
            qtbot.keyClick(editor.inputs[0], Qt.Key.Key_Return)
    assert session.errors() == {}


def _mark_with_keys(intake: Any, qtbot: QtBot, key_for_row: Any) -> None:
    page = intake.widget.checklist
    intake.widget.tabs.setCurrentIndex(2)
    for row in range(page.model.rowCount()):
        page.table.setCurrentIndex(page.model.index(row, 0))
        qtbot.keyClick(page.table, key_for_row(row, page.model.entry(row)))


ALT_KEYS = {
    Decision.ACCEPT: Qt.Key.Key_1,
    Decision.DEFER: Qt.Key.Key_2,
    Decision.NOTIFY: Qt.Key.Key_3,
    Decision.REJECT: Qt.Key.Key_4,
}


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the clerk presses it: to whatever has the keyboard focus."""
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    qtbot.keyClick(focused, key, modifier)


def _decide(window: Any, qtbot: QtBot, decision: Decision, reason: str = "") -> Any:
    """Step 4 by keyboard: Alt+digit chooses, the reason (不予受理) is typed where the focus went, Enter confirms."""
    widget = window.intake.widget
    widget.tabs.setCurrentIndex(3)
    press(qtbot, ALT_KEYS[decision], Qt.KeyboardModifier.AltModifier)
    if reason:
        assert widget.decision.reason.hasFocus()
        _type_chinese(widget.decision.reason, reason)
        press(qtbot, Qt.Key.Key_Tab)
    assert widget.decision.confirm_button.hasFocus()
    with qtbot.waitSignal(window.case_decided, timeout=15_000) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    return blocker.args[0]


@pytest.mark.parametrize("name", SIX_SHAPES)
def test_accept_with_every_material_checked(main_window: Any, qtbot: QtBot, name: str) -> None:
    intake = _open(main_window, qtbot, name)
    _fill_form_through_the_view(intake, qtbot)
    _mark_with_keys(intake, qtbot, lambda _r, _e: Qt.Key.Key_2)
    case = _decide(main_window, qtbot, Decision.ACCEPT)
    stored = main_window.hall.store.get(case.id)
    assert stored.case.number and stored.case.state is CaseState.QUEUED
    assert {m.status for m in stored.materials} == {MaterialStatus.CHECKED}
    assert stored.case.values == {k: v for k, v in intake.session.submitted_values().items()}


def test_deferred_acceptance_with_a_signed_commitment(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    _fill_form_through_the_view(intake, qtbot)
    deferrable = [e.code for e in intake.session.checklist if e.deferrable]
    assert deferrable
    _mark_with_keys(intake, qtbot, lambda _r, e: Qt.Key.Key_5 if e.code == deferrable[0] else Qt.Key.Key_2)
    case = _decide(main_window, qtbot, Decision.DEFER)
    stored = main_window.hall.store.get(case.id)
    deferred = [m for m in stored.materials if m.status is MaterialStatus.DEFERRED]
    assert stored.case.decision is Decision.DEFER and len(deferred) == 1 and deferred[0].deadline


def test_one_time_notice_lists_everything_missing_and_the_case_reopens(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "公民身后一件事")
    _fill_form_through_the_view(intake, qtbot)
    _mark_with_keys(intake, qtbot, lambda r, _e: Qt.Key.Key_4 if r < 2 else Qt.Key.Key_2)
    intake.widget.tabs.setCurrentIndex(3)
    assert not intake.widget.decision.buttons[Decision.ACCEPT].isEnabled()
    assert intake.widget.decision.buttons[Decision.NOTIFY].isEnabled()
    case = _decide(main_window, qtbot, Decision.NOTIFY)
    stored = main_window.hall.store.get(case.id)
    assert stored.case.state is CaseState.SUPPLEMENT_NOTIFIED
    assert len([m for m in stored.materials if m.status is MaterialStatus.MISSING]) == 2

    with qtbot.waitSignal(main_window.intake_opened, timeout=10_000):
        main_window.open_case(case.id)
    reopened = main_window.intake
    assert reopened.session.values == stored.case.values
    _mark_with_keys(reopened, qtbot, lambda _r, _e: Qt.Key.Key_2)
    done = _decide(main_window, qtbot, Decision.ACCEPT)
    assert done.id == case.id and main_window.hall.store.get(case.id).case.decision is Decision.ACCEPT


def test_rejection_needs_a_reason(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "失业再就业")
    intake.widget.tabs.setCurrentIndex(3)
    page = intake.widget.decision
    press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert page.reason.hasFocus() and not page.confirm_button.isEnabled()
    page.confirm()
    assert main_window.intake is intake  # nothing written without a reason
    case = _decide(main_window, qtbot, Decision.REJECT, "申请人不属于本中心受理范围")
    assert main_window.hall.store.get(case.id).case.reason == "申请人不属于本中心受理范围"


def test_accept_with_an_invalid_id_is_refused_and_the_field_is_named(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    _fill_form_through_the_view(intake, qtbot)
    view = intake.widget.form
    code = next(c for c, e in view.editors.items() if e.kind == "id_number" and not e.derived)
    editor = view.editors[code]
    editor.inputs[0].clear()
    qtbot.keyClicks(editor.inputs[0], "210102199001011235")  # wrong check character
    assert "校验位" in editor.error.text()
    _mark_with_keys(intake, qtbot, lambda _r, _e: Qt.Key.Key_2)
    intake.widget.tabs.setCurrentIndex(3)
    page = intake.widget.decision
    assert not page.buttons[Decision.ACCEPT].isEnabled()
    assert f"field:{code}" in page.status.text()  # the field is named, as a link
    label = intake.session.form.field(code).element.label
    assert label in page.status.text()
    intake.widget.accept_shortcut()  # Ctrl+Enter: refused, and the cursor goes to the field
    assert intake.widget.tabs.currentIndex() == 1
    assert editor.inputs[0].hasFocus()
    assert main_window.intake is intake


def test_changing_an_answer_updates_form_and_checklist_but_keeps_typed_values(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "公民身后一件事")
    view = intake.widget.form
    name_editor = view.editors["deceased.name"]
    _type_chinese(name_editor.inputs[0], "王某某")
    page = intake.widget.situations
    group = page.groups["death_kind"]
    abnormal = next(b for b in group.buttons() if b.property("value") == "abnormal")
    before = {e.code for e in intake.session.checklist}
    abnormal.click()
    after = {e.code for e in intake.session.checklist}
    assert before != after
    assert view.editors["deceased.name"].value() == "王某某"
    items = {page.model.index(r, 0).data(): page.model.index(r, 2).data() for r in range(page.model.rowCount())}
    assert items["出具死亡证明(非正常死亡)"] == "办理" and items["出具死亡证明(正常死亡)"] == "不办理"


def test_intake_models_pass_the_model_tester(main_window: Any, qtbot: QtBot, qtmodeltester: Any) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    qtmodeltester.check(intake.widget.form_model, force_py=True)
    qtmodeltester.check(intake.widget.situations.model, force_py=True)
    qtmodeltester.check(intake.widget.checklist.model, force_py=True)
    assert intake.widget.checklist.model.headerData(ChecklistModel.STATUS_COL, Qt.Orientation.Horizontal) == "核验情况"


def test_a_deferred_case_is_completed_from_the_case_list(main_window: Any, qtbot: QtBot) -> None:
    code = next(b.code for b in main_window.catalog.index.catalog.bundles if b.name == "企业开办")
    case = demo.decide_sample(main_window.hall, main_window.catalog, code, Decision.DEFER, Profile(*demo.DEMO_PROFILE))
    with qtbot.waitSignal(main_window.deferred_dialog_opened, timeout=10_000) as opened:
        main_window.complete_deferred(case.id)
    dialog = opened.args[0]
    assert dialog.list.count() >= 1
    dialog.submit()
    assert "至少勾选" in dialog.message.text()
    for n in range(dialog.list.count()):
        dialog.list.item(n).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(dialog.supplied, timeout=10_000):
        dialog.submit()
    stored = main_window.hall.store.get(case.id)
    assert stored.case.decision is Decision.ACCEPT
    assert not [m for m in stored.materials if m.status is MaterialStatus.DEFERRED]
