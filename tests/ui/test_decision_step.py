"""Step 4 决定 driven by the keyboard only: focus on the decisions, Alt+1…4, per-item outcomes, the summary, Enter."""

from __future__ import annotations

import random
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import CaseState, Decision
from desktop.catalog.schema import FieldKind
from desktop.forms.decision import Mark
from desktop.services import demo

ALT = Qt.KeyboardModifier.AltModifier


def _open(window: Any, qtbot: QtBot, name: str) -> Any:
    code = next(b.code for b in window.catalog.index.catalog.bundles if b.name == name)
    with qtbot.waitSignal(window.intake_opened, timeout=10_000):
        window.start_intake(code)
    return window.intake


def _prepare(intake: Any, missing: tuple[str, ...] = (), deferred: tuple[str, ...] = ()) -> None:
    """A valid form and the checklist marked (set-up; the decision step itself is driven by keys)."""
    session = intake.session
    demo.fill(session, random.Random(5))
    assert session.errors() == {}
    for entry in session.checklist:
        if entry.code in missing:
            session.set_mark(entry.code, Mark(MaterialStatus.MISSING))
        elif entry.code in deferred:
            session.set_mark(entry.code, Mark(MaterialStatus.DEFERRED, 0, session.deferral_limit(entry.code)))
        else:
            session.set_mark(entry.code, Mark(MaterialStatus.CHECKED, max(1, entry.copies)))
    intake.widget.form_model.refresh()
    intake.widget.checklist.model.refresh()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def tab_to(qtbot: QtBot, target: QWidget, limit: int = 40) -> None:
    """Press Tab until ``target`` has the focus."""
    for _ in range(limit):
        if target.hasFocus():
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target!r}")


def _step4(intake: Any) -> Any:
    intake.widget.tabs.setCurrentIndex(3)
    return intake.widget.decision


def test_focus_lands_on_the_first_allowed_decision_and_the_reason_box_is_hidden(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    _prepare(intake)
    page = _step4(intake)
    assert page.buttons[Decision.ACCEPT].hasFocus()
    assert page.reason.isHidden()
    assert [page.buttons[d].text().split("Alt+")[1] for d in Decision] == ["1", "2", "3", "4"]
    # the rule says which: all materials present, so neither 容缺 nor 一次性告知 applies
    assert page.buttons[Decision.ACCEPT].isEnabled()
    assert not page.buttons[Decision.DEFER].isEnabled() and not page.buttons[Decision.NOTIFY].isEnabled()
    assert "材料齐全" in page.buttons[Decision.NOTIFY].toolTip()


def test_alt_1_then_enter_accepts_with_every_item_accepted(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    _prepare(intake)
    page = _step4(intake)
    press(qtbot, Qt.Key.Key_1, ALT)
    assert page.confirm_button.hasFocus()
    assert "受理" in page.summary.text() and "个工作日" in page.summary.text()
    with qtbot.waitSignal(main_window.case_decided, timeout=15_000) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    stored = main_window.hall.store.get(blocker.args[0].id)
    assert stored.case.decision is Decision.ACCEPT
    assert {i.outcome for i in stored.items if i.applies} == {Decision.ACCEPT}


def test_four_items_accepted_and_the_fifth_told_what_it_lacks(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    _prepare(intake, missing=("contact_id_card",))  # asked only by the fifth item (ZJ013)
    page = _step4(intake)
    assert not page.buttons[Decision.ACCEPT].isEnabled()  # a material is missing
    press(qtbot, Qt.Key.Key_3, ALT)  # 一次性告知 for every item ...
    assert set(page.outcomes().values()) == {Decision.NOTIFY}
    for row in page.rows:
        if row.code != "ZJ013":  # ... then the four whose materials are all here: up to 受理
            tab_to(qtbot, row.combo)
            press(qtbot, Qt.Key.Key_Up)
            press(qtbot, Qt.Key.Key_Up)
    fifth = next(r for r in page.rows if r.code == "ZJ013")
    tab_to(qtbot, fifth.note)  # the defect text of the told item
    qtbot.keyClicks(fifth.note, "ID copy unreadable")
    assert page.case_level() is Decision.ACCEPT and page.buttons[Decision.ACCEPT].isChecked()
    assert page.confirm_button.isEnabled(), page.problems_label.text()
    assert page.summary.text().count("一次性告知") == 1
    press(qtbot, Qt.Key.Key_Return)  # Enter in the defect text moves to the confirm button
    assert page.confirm_button.hasFocus()
    with qtbot.waitSignal(main_window.case_decided, timeout=15_000) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    stored = main_window.hall.store.get(blocker.args[0].id)
    outcomes = {i.item_code: i.outcome for i in stored.items if i.applies}
    assert outcomes == {
        "SJ002": Decision.ACCEPT,
        "GA022": Decision.ACCEPT,
        "SW006": Decision.ACCEPT,
        "RS031": Decision.ACCEPT,
        "ZJ013": Decision.NOTIFY,
    }
    assert next(i for i in stored.items if i.item_code == "ZJ013").outcome_reason == "ID copy unreadable"
    assert stored.case.decision is Decision.ACCEPT and stored.case.state is CaseState.QUEUED


def test_an_item_set_to_a_refused_outcome_blocks_the_commit(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    _prepare(intake, missing=("contact_id_card",))
    page = _step4(intake)
    press(qtbot, Qt.Key.Key_3, ALT)
    first = page.rows[0]
    tab_to(qtbot, first.combo)
    press(qtbot, Qt.Key.Key_Down)  # 一次性告知 -> 不予受理, with no reason
    assert first.outcome() is Decision.REJECT
    assert not page.confirm_button.isEnabled()
    assert "不予受理须写明理由" in page.problems_label.text()
    assert not first.note.isHidden()


def test_deferral_summary_names_the_material_and_its_deadline(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    _prepare(intake, deferred=("premises_proof",))
    page = _step4(intake)
    assert page.buttons[Decision.DEFER].isEnabled() and not page.buttons[Decision.ACCEPT].isEnabled()
    press(qtbot, Qt.Key.Key_2, ALT)
    outcomes = page.outcomes()
    assert outcomes["SJ002"] is Decision.DEFER  # premises_proof is SJ002's
    assert outcomes["GA022"] is Decision.ACCEPT  # nothing of GA022's is deferred
    summary = page.summary.text()
    premises = next(e.material.name for e in intake.session.checklist if e.code == "premises_proof")
    assert premises in summary and "前补正" in summary
    with qtbot.waitSignal(main_window.case_decided, timeout=15_000) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    assert blocker.args[0].decision is Decision.DEFER


def test_rejection_reason_box_appears_only_for_rejection_and_tab_leaves_it(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    _prepare(intake)
    page = _step4(intake)
    press(qtbot, Qt.Key.Key_1, ALT)
    assert page.reason.isHidden()
    press(qtbot, Qt.Key.Key_4, ALT)
    assert not page.reason.isHidden() and page.reason.hasFocus()
    assert not page.confirm_button.isEnabled()
    qtbot.keyClicks(page.reason, "not within our remit")
    press(qtbot, Qt.Key.Key_Tab)
    assert "\t" not in page.reason.toPlainText()
    assert page.confirm_button.hasFocus()
    with qtbot.waitSignal(main_window.case_decided, timeout=15_000) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    stored = main_window.hall.store.get(blocker.args[0].id)
    assert stored.case.decision is Decision.REJECT and stored.case.reason == "not within our remit"


def _invalid(intake: Any, code: str, value: str) -> None:
    intake.session.set_value(code, value)
    intake.widget.form_model.refresh()
    assert code in intake.session.errors()


def test_notice_goes_out_with_materials_missing_and_a_wrong_phone_never_with_a_wrong_applicant_id(
    main_window: Any, qtbot: QtBot
) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    _prepare(intake, missing=("marriage_cert",))
    session = intake.session
    phone = next(f.code for f in session.form.fields if f.element.kind is FieldKind.PHONE)
    _invalid(intake, phone, "12345")
    page = _step4(intake)
    assert page.buttons[Decision.NOTIFY].isEnabled()
    assert not page.buttons[Decision.ACCEPT].isEnabled()

    intake.widget.tabs.setCurrentIndex(1)
    _invalid(intake, "applicant.id_number", "210102199001011235")
    page = _step4(intake)
    assert not page.buttons[Decision.NOTIFY].isEnabled()
    assert "身份信息有误" in page.buttons[Decision.NOTIFY].toolTip()
    press(qtbot, Qt.Key.Key_3, ALT)
    assert page.case_level() is None and main_window.intake is intake


def test_each_invalid_field_is_named_and_its_link_goes_to_it(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "新生儿出生")
    _prepare(intake)
    session = intake.session
    phone = next(f.code for f in session.form.fields if f.element.kind is FieldKind.PHONE)
    _invalid(intake, phone, "12345")
    _invalid(intake, "applicant.id_number", "210102199001011235")
    page = _step4(intake)
    text = page.status.text()
    assert "表单还有2处需要填写或更正" in text
    for code in (phone, "applicant.id_number"):
        assert f"href='field:{code}'" in text and session.form.field(code).element.label in text
    # Shift+Tab from the decision buttons reaches the list of fields, Shift+Tab again its last link, Enter follows it.
    press(qtbot, Qt.Key.Key_Backtab)
    assert page.status.hasFocus()
    press(qtbot, Qt.Key.Key_Backtab)
    chosen = page.status.selectedText()
    code = next(c for c in (phone, "applicant.id_number") if session.form.field(c).element.label == chosen)
    press(qtbot, Qt.Key.Key_Return)
    assert intake.widget.tabs.currentIndex() == 1
    assert intake.widget.form.editors[code].inputs[0].hasFocus()


def test_item_outcomes_survive_a_look_back_at_the_checklist(main_window: Any, qtbot: QtBot) -> None:
    intake = _open(main_window, qtbot, "企业开办")
    _prepare(intake, missing=("contact_id_card",))
    page = _step4(intake)
    press(qtbot, Qt.Key.Key_3, ALT)
    first = page.rows[0]
    tab_to(qtbot, first.combo)
    press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Up)
    chosen = page.outcomes()
    assert chosen[first.code] is Decision.ACCEPT
    press(qtbot, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert intake.widget.tabs.currentIndex() == 2
    press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert intake.widget.tabs.currentIndex() == 3
    assert page.outcomes() == chosen
    assert "缺：" in page.summary.text()  # the told items say what they lack
