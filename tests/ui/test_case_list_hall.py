"""The case list a hall can use, driven from the keyboard: filters (status, the hall's local days, bundle, clerk),
a bundle's name in the search box, 办件详情 on Enter with its reprint, and 删除草稿 with confirmation."""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop.cases.clock import stepping_clock
from desktop.cases.profile import Profile
from desktop.cases.roles import Role
from desktop.cases.states import CaseState, Decision
from desktop.services import demo
from desktop.store.models import Case
from desktop.ui.case_detail import CaseDetailDialog
from desktop.ui.case_filters import CaseFilterBar
from desktop.ui.result_dialog import print_pool

PASSWORD = "correct horse 1"


@pytest.fixture(autouse=True)
def _collect_here() -> Iterator[None]:
    yield
    print_pool().waitForDone(30_000)
    gc.collect()  # wrappers of this test's dialogs go on the UI thread


def _decide(window: Any, bundle: str, decision: Decision, seed: int = 3) -> Case:
    code = next(b.code for b in window.catalog.index.catalog.bundles if b.name == bundle)
    return demo.decide_sample(window.hall, window.catalog, code, decision, Profile(*demo.DEMO_PROFILE), seed=seed)


def _listed(window: Any) -> set[str]:
    return {window.case_model.row_at(r).id for r in range(window.case_model.rowCount())}


def _reload(window: Any, qtbot: QtBot, rows: int) -> None:
    """Refresh and wait for the list of ``rows`` rows (an earlier refresh may still be on its way)."""
    with qtbot.waitSignal(window.cases_loaded, timeout=20_000, check_params_cb=lambda n: n == rows):
        window.refresh_cases()


def _select(window: Any, qtbot: QtBot, case_id: uuid.UUID) -> None:
    def listed() -> bool:
        if str(case_id) in _listed(window):
            return True
        window.refresh_cases()
        return False

    qtbot.waitUntil(listed, timeout=20_000)
    row = next(r for r in range(window.case_model.rowCount()) if window.case_model.row_at(r).id == str(case_id))
    window.case_view.setFocus()
    window.case_view.setCurrentIndex(window.case_model.index(row, 0))


def _choose(qtbot: QtBot, combo: Any, data: Any) -> None:
    """Move a focused, closed combo box to ``data`` with the arrow keys."""
    target = combo.findData(data)
    assert target >= 0
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def test_the_date_filter_starts_on_the_halls_day_not_the_pcs(qtbot: QtBot) -> None:
    # 17:00 UTC on 30 November is 01:00 on 1 December in Beijing
    bar = CaseFilterBar(stepping_clock(datetime(2026, 11, 30, 17, 0, tzinfo=UTC)))
    qtbot.addWidget(bar)
    assert bar.choice(None).first is None  # no period until one is asked for
    bar.by_date.setChecked(True)
    choice = bar.choice(None)
    assert (choice.first, choice.last) == (dt.date(2026, 12, 1), dt.date(2026, 12, 1))


def test_filters_by_status_bundle_and_days_reload_the_list_from_the_keyboard(main_window: Any, qtbot: QtBot) -> None:
    w = main_window
    death = _decide(w, "公民身后一件事", Decision.ACCEPT)
    firm = _decide(w, "企业开办", Decision.REJECT, seed=5)
    draft = w.hall.store.new_draft("LNYJS003", w.catalog.version, Profile(*demo.DEMO_PROFILE))
    _reload(w, qtbot, 3)
    assert _listed(w) == {str(death.id), str(firm.id), str(draft.id)}
    bar = w.case_filters
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)

    qtbot.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # 状态(&S)
    assert bar.state.hasFocus()
    with qtbot.waitSignal(w.cases_loaded, timeout=20_000):
        _choose(qtbot, bar.state, CaseState.DRAFT.value)
    qtbot.waitUntil(lambda: _listed(w) == {str(draft.id)}, timeout=20_000)
    _choose(qtbot, bar.state, None)

    qtbot.keyClick(w, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # 一件事(&B)
    assert bar.bundle.hasFocus()
    _choose(qtbot, bar.bundle, firm.bundle_code)
    qtbot.waitUntil(lambda: _listed(w) == {str(firm.id)}, timeout=20_000)
    _choose(qtbot, bar.bundle, None)
    qtbot.waitUntil(lambda: len(_listed(w)) == 3, timeout=20_000)

    qtbot.keyClick(w, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # 日期(&D): today on the hall's clock
    qtbot.waitUntil(lambda: bar.by_date.isChecked() and bar.first.hasFocus())  # a mnemonic clicks after a beat
    assert bar.choice(None).first == w.clock.today()
    qtbot.waitUntil(lambda: len(_listed(w)) == 3, timeout=20_000)
    qtbot.keyClick(bar.first, Qt.Key.Key_Down)  # a year earlier …
    qtbot.keyClick(w, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # 至(&T)
    assert bar.last.hasFocus()
    with qtbot.waitSignal(w.cases_loaded, timeout=20_000):
        qtbot.keyClick(bar.last, Qt.Key.Key_Down)  # … to a year earlier: nothing was taken then
    qtbot.waitUntil(lambda: _listed(w) == set(), timeout=20_000)


def test_the_clerk_filter_is_offered_only_to_those_who_see_every_case(main_window: Any, qtbot: QtBot) -> None:
    w = main_window
    code = next(b.code for b in w.catalog.index.catalog.bundles if b.name == "公民身后一件事")
    taken = {
        clerk: demo.decide_sample(
            w.hall, w.catalog, code, Decision.ACCEPT, Profile(*demo.DEMO_PROFILE[:3], clerk), seed=n
        )
        for n, clerk in enumerate(("wangf", "lij"))
    }
    store = w.hall.store
    store.add_account("admin", "系统管理员", Role.ADMIN, PASSWORD, actor="system")
    store.add_account("wangf", "王芳", Role.CLERK, PASSWORD, actor="admin")
    store.add_account("lij", "李军", Role.CLERK, PASSWORD, actor="admin")
    w.case_actions.reload_clerks()  # filled off the UI thread with every account
    qtbot.waitUntil(lambda: w.case_filters.clerk.findData("lij") >= 0, timeout=20_000)
    assert w.case_filters.clerk.itemText(w.case_filters.clerk.findData("lij")) == "李军（lij）"
    _reload(w, qtbot, 2)
    assert w.case_filters.clerk.isVisible()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # 人员(&R)
    assert w.case_filters.clerk.hasFocus()
    _choose(qtbot, w.case_filters.clerk, "lij")
    qtbot.waitUntil(lambda: _listed(w) == {str(taken["lij"].id)}, timeout=20_000)
    w.case_scope = "wangf"  # a clerk signs in: their own cases, no clerk filter
    _reload(w, qtbot, 1)
    assert not w.case_filters.clerk.isVisible() and _listed(w) == {str(taken["wangf"].id)}


def test_a_bundle_name_in_the_search_box_lists_that_bundles_cases(main_window: Any, qtbot: QtBot) -> None:
    w = main_window
    death = _decide(w, "公民身后一件事", Decision.ACCEPT)
    _decide(w, "企业开办", Decision.REJECT, seed=5)
    _reload(w, qtbot, 2)
    w.case_search.setFocus()
    qtbot.keyClicks(w.case_search, "gmsh")  # the pinyin initials of 公民身后一件事
    qtbot.waitUntil(lambda: _listed(w) == {str(death.id)}, timeout=20_000)
    w.case_search.clear()
    qtbot.waitUntil(lambda: len(_listed(w)) == 2, timeout=20_000)
    w.case_search.insert("身后")  # what an input method commits (QTest types Latin-1 only)
    qtbot.waitUntil(lambda: _listed(w) == {str(death.id)}, timeout=20_000)


def test_enter_on_a_decided_case_opens_its_detail_and_reprints_from_there(main_window: Any, qtbot: QtBot) -> None:
    w = main_window
    case = _decide(w, "公民身后一件事", Decision.NOTIFY)
    # a 补正 case reopens the intake as before; a decided one opens its detail
    rejected = _decide(w, "企业开办", Decision.REJECT, seed=5)
    _select(w, qtbot, rejected.id)
    with qtbot.waitSignal(w.case_actions.detail_opened, timeout=20_000) as opened:
        qtbot.keyClick(w.case_view, Qt.Key.Key_Return)
    dialog: CaseDetailDialog = opened.args[0]
    assert dialog.isVisible() and dialog.record.id == rejected.id
    outcomes = {dialog.items.item(r, 2).text() for r in range(dialog.items.rowCount())}
    assert "不予受理" in outcomes
    assert dialog.materials.rowCount() > 0
    actions = [dialog.timeline.item(r, 2).text() for r in range(dialog.timeline.rowCount())]
    assert actions[:2] == ["新建办件", "作出办理决定"]
    assert dialog.timeline.item(0, 0).text().startswith(w.clock.today().isoformat())
    with qtbot.waitSignal(w.result_flow.dialog_opened, timeout=20_000) as printed:
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # 打印文书(&P)
    assert printed.args[0].docs.case_id == str(rejected.id)
    w.result_flow.close_dialog()
    dialog.close()

    _select(w, qtbot, case.id)
    with qtbot.waitSignal(w.intake_opened, timeout=20_000):
        qtbot.keyClick(w.case_view, Qt.Key.Key_Return)
    w.close_intake()


def test_ctrl_i_opens_the_detail_of_any_case_a_deferred_one_too(main_window: Any, qtbot: QtBot) -> None:
    w = main_window
    deferred = _decide(w, "企业开办", Decision.DEFER)  # Enter opens 补齐容缺材料, as before
    _select(w, qtbot, deferred.id)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    with qtbot.waitSignal(w.case_actions.detail_opened, timeout=20_000) as opened:
        qtbot.keyClick(w.case_view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog: CaseDetailDialog = opened.args[0]
    assert dialog.record.decision_label == "容缺受理"
    statuses = {dialog.materials.item(r, 1).text() for r in range(dialog.materials.rowCount())}
    assert "容缺" in statuses
    dialog.close()


def test_delete_removes_a_draft_after_confirmation_and_never_a_decided_case(main_window: Any, qtbot: QtBot) -> None:
    w = main_window
    decided = _decide(w, "公民身后一件事", Decision.ACCEPT)
    draft = w.hall.store.new_draft("LNYJS003", w.catalog.version, Profile(*demo.DEMO_PROFILE))
    actions = w.case_actions

    _select(w, qtbot, decided.id)
    qtbot.keyClick(w.case_view, Qt.Key.Key_Delete)
    assert "只能删除尚未作出办理决定的草稿" in w.statusBar().currentMessage()

    _select(w, qtbot, draft.id)
    with qtbot.waitSignal(actions.confirm_opened) as asked:
        qtbot.keyClick(w.case_view, Qt.Key.Key_Delete)
    box: QMessageBox = asked.args[0]
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # 取消
    qtbot.waitUntil(lambda: not box.isVisible())
    assert w.hall.store.get(draft.id).case.state is CaseState.DRAFT

    with qtbot.waitSignal(actions.confirm_opened) as asked:
        qtbot.keyClick(w.case_view, Qt.Key.Key_Delete)
    box = asked.args[0]
    assert box.defaultButton().text() == "取消"
    delete = next(b for b in box.findChildren(QPushButton) if b.text() == "删除(&D)")
    delete.setFocus()
    with qtbot.waitSignal(actions.draft_deleted, timeout=20_000):
        qtbot.keyClick(delete, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _listed(w) == {str(decided.id)}, timeout=20_000)
    trail = w.hall.store.audit_trail(draft.id)
    assert (trail[-1].action, trail[-1].actor) == ("delete_draft", w.settings.clerk)
    assert w.hall.store.verify_audit()[1] is None
