"""The supervisor's workspace: filters, painted charts, from a count to its cases to a reprint, open lists, 好差评."""

import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QDialog, QTableWidget
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "accounts"))  # the shared hall_cases helpers
from hall_cases import decided, open_hall, set_time, staff
from held_work import held

from desktop.cases.states import Decision
from desktop.services import ratings, reports
from desktop.services.accounts import AccountInfo
from desktop.services.hall import Hall
from desktop.ui.supervision.dialogs import FollowUpDialog, VoidDialog
from desktop.ui.supervision.workspace import OVERDUE, SupervisorWorkspace
from desktop.ui.workers import serial_pool

NAMES = {"LNYJS001": "新生儿出生", "LNYJS002": "公民婚育", "LNYJS003": "公民身后一件事"}


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    opened = open_hall(tmp_path)
    yield opened
    opened.close()


def seed(hall: Hall) -> dict[str, AccountInfo]:
    people = staff(hall)
    ok = decided(hall, Decision.ACCEPT, at=datetime(2026, 11, 28, 1, 30, tzinfo=UTC))  # 09:30
    decided(hall, Decision.ACCEPT, bundle="LNYJS002", clerk="lq")
    decided(hall, Decision.DEFER, deadline=date(2026, 11, 27))
    decided(hall, Decision.DEFER, bundle="LNYJS002", clerk="lq", deadline=date(2026, 12, 3))
    bad = decided(hall, Decision.NOTIFY, bundle="LNYJS003", clerk="lq", at=datetime(2026, 11, 28, 6, 10, tzinfo=UTC))
    ratings.rate(hall, ok.id, 5, people["wangf"])
    ratings.rate(hall, bad.id, 2, people["lq"], reason="guide")
    set_time(hall.clock, datetime(2026, 11, 28, 8, 0, tzinfo=UTC))  # 16:00 on the 28th
    return people


@pytest.fixture
def workspace(qtbot: QtBot, hall: Hall) -> Iterator[SupervisorWorkspace]:
    people = seed(hall)
    pool = serial_pool()
    widget = SupervisorWorkspace(hall, people["zhaom"], pool, center_name="和平区政务服务中心", bundle_names=NAMES)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.current is not None, timeout=10_000)
    yield widget
    pool.waitForDone(10_000)


def reload(qtbot: QtBot, widget: SupervisorWorkspace) -> None:
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.refresh()


def accept_when_shown(dialog: QDialog) -> None:
    """Accept a modal dialog once its exec() loop runs."""
    QTimer.singleShot(0, dialog.accept)


def cells(table: QTableWidget, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_counts_and_charts_show_the_day(workspace: SupervisorWorkspace) -> None:
    data = workspace.current.report if workspace.current else None
    assert data is not None and data.total == 5
    assert "受理 5 件" in workspace.summary.text() and "容缺待补齐 2 件（逾期 1）" in workspace.summary.text()
    decisions = workspace.charts["decision"].bars
    assert [(b.label, b.value) for b in decisions] == [
        ("受理", 2),
        ("容缺受理", 2),
        ("一次性告知补正", 1),
        ("不予受理", 0),
    ]
    assert sum(b.value for b in workspace.charts["hour"].bars) == 5


def test_from_a_count_to_its_cases_to_a_reprint(qtbot: QtBot, workspace: SupervisorWorkspace, hall: Hall) -> None:
    chart = workspace.charts["clerk"]
    rect = chart.bar_rect("lq")
    assert rect is not None
    with qtbot.waitSignal(workspace.drilled) as drilled:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert drilled.args[0] == "李强" and len(drilled.args[1]) == 3
    assert workspace.tabs.currentIndex() == 1 and cells(workspace.drill, 3) == ["李强"] * 3
    workspace.drill.selectRow(0)
    with qtbot.waitSignal(workspace.reprint_requested) as wanted:
        workspace.reprint_selected(workspace.drill)
    assert str(wanted.args[0]) == drilled.args[1][0].case_id
    # asking is not printing: the reprint is audited once, by the print path, when a document leaves the window
    assert all(e.action != "reprint" for e in hall.store.audit_events())


def test_filters_narrow_the_counts(qtbot: QtBot, workspace: SupervisorWorkspace) -> None:
    workspace.bundle.setCurrentIndex(workspace.bundle.findData("LNYJS002"))
    reload(qtbot, workspace)
    assert workspace.current is not None and workspace.current.report.total == 2
    workspace.bundle.setCurrentIndex(0)
    workspace.clerk.setCurrentIndex(workspace.clerk.findData("wangf"))
    workspace.first.setDate(QDate(2026, 11, 29))
    workspace.last.setDate(QDate(2026, 11, 30))
    reload(qtbot, workspace)
    assert workspace.current is not None and workspace.current.report.total == 0


def test_open_deferred_cases_show_days_left_and_overdue_in_red(workspace: SupervisorWorkspace) -> None:
    assert cells(workspace.deferred, 4) == ["2026-11-27", "2026-12-03"]
    assert cells(workspace.deferred, 5) == ["已逾期 1 天", "5 天"]
    assert workspace.deferred.item(0, 0).foreground().color() == OVERDUE
    assert workspace.deferred.item(1, 0).foreground().color() != OVERDUE
    assert workspace.notified.rowCount() == 1 and workspace.quarantined.rowCount() == 0


def test_a_bad_rating_gets_its_follow_up(qtbot: QtBot, workspace: SupervisorWorkspace, hall: Hall) -> None:
    assert cells(workspace.bad, 5) == ["未回访（待办）"]
    workspace.bad.selectRow(0)
    dialog = FollowUpDialog("x", date(2026, 11, 28), workspace)
    dialog.note.setPlainText("电话回访，已说明办事指南")
    qtbot.addWidget(dialog)
    with qtbot.waitSignals([workspace.changed, workspace.loaded], timeout=10_000):
        accept_when_shown(dialog)
        assert workspace.follow_up_selected(dialog)
    assert cells(workspace.bad, 5) == ["回访 2026-11-28：电话回访，已说明办事指南"]


def test_a_void_leaves_the_counts(qtbot: QtBot, workspace: SupervisorWorkspace) -> None:
    workspace.drill_down("decision", "accept")
    workspace.drill.selectRow(0)
    dialog = VoidDialog("x", workspace)
    dialog.reason.setPlainText("重复录入")
    qtbot.addWidget(dialog)
    with qtbot.waitSignals([workspace.changed, workspace.loaded], timeout=10_000):
        accept_when_shown(dialog)
        assert workspace.void_selected(workspace.drill, dialog)
    assert workspace.current is not None and workspace.current.report.total == 4


def test_a_void_runs_off_the_ui_thread_once_however_often_it_is_asked(
    qtbot: QtBot, workspace: SupervisorWorkspace, hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.drill_down("decision", "accept")
    workspace.drill.selectRow(0)
    dialog = VoidDialog("x", workspace)
    dialog.reason.setPlainText("重复录入")
    qtbot.addWidget(dialog)
    with held(monkeypatch, ratings, "void") as void:
        accept_when_shown(dialog)
        assert workspace.void_selected(workspace.drill, dialog)
        qtbot.waitUntil(void.entered.is_set)
        # the window answers while the store writes: the supervisor's write buttons wait, a second 作废 does nothing
        assert workspace.writing and not any(b.isEnabled() for b in workspace.write_buttons)
        assert not workspace.void_selected(workspace.drill, VoidDialog("x", workspace))
        with qtbot.waitSignals([workspace.changed, workspace.loaded], timeout=10_000):
            void.release()
    assert void.ran_off_the_ui_thread_once() and all(b.isEnabled() for b in workspace.write_buttons)
    assert [e.action for e in hall.store.audit_events()].count("void") == 1


def test_a_refused_void_is_told_in_chinese(
    qtbot: QtBot, workspace: SupervisorWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "desktop.ui.supervision.workspace.QMessageBox.warning", lambda _p, title, text: warnings.append((title, text))
    )
    workspace.drill_down("decision", "accept")
    workspace.drill.selectRow(0)
    for expected in (None, "该办件已作废"):  # the same row voided twice (the list not yet reloaded)
        dialog = VoidDialog("x", workspace)
        dialog.reason.setPlainText("重复录入")
        qtbot.addWidget(dialog)
        accept_when_shown(dialog)
        signal = workspace.changed if expected is None else workspace.refused
        with qtbot.waitSignal(signal, timeout=10_000):
            assert workspace.void_selected(workspace.drill, dialog)
        qtbot.waitUntil(lambda: not workspace.writing)
    assert warnings == [("作废办件", "该办件已作废")]


def test_exports_match_the_counts_and_are_audited(
    qtbot: QtBot, workspace: SupervisorWorkspace, tmp_path: Path, hall: Hall
) -> None:
    with qtbot.waitSignal(workspace.exported, timeout=20_000) as exported:
        assert workspace.export_xlsx(tmp_path / "day.xlsx")
    assert exported.args == [tmp_path / "day.xlsx"] and workspace.current is not None
    book = load_workbook(tmp_path / "day.xlsx")
    by_decision = {k: v for k, v, _ in book["按办理结果"].iter_rows(min_row=2, values_only=True)}
    assert by_decision == reports.report_json(workspace.current.report)["by_decision"]
    with qtbot.waitSignal(workspace.exported, timeout=20_000):
        assert workspace.export_pdf(tmp_path / "day.pdf")
    exports = [e for e in hall.store.audit_events() if e.action == "export_report"]
    assert [(e.actor, e.detail["kind"]) for e in exports] == [("zhaom", "pdf"), ("zhaom", "xlsx")]


def test_the_export_button_asks_where_and_writes_there(
    qtbot: QtBot, workspace: SupervisorWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "chosen.xlsx"
    monkeypatch.setattr("desktop.ui.supervision.workspace.QFileDialog.getSaveFileName", lambda *_a: (str(target), ""))
    button = next(b for b in workspace.write_buttons if b.text() == "导出Excel…")
    with qtbot.waitSignal(workspace.exported, timeout=20_000) as exported:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert exported.args == [target] and target.stat().st_size > 0


def test_an_export_that_cannot_be_written_says_so_and_audits_nothing(
    qtbot: QtBot, workspace: SupervisorWorkspace, tmp_path: Path, hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.ui.supervision.workspace.QMessageBox.warning", lambda *_a: None)
    with qtbot.waitSignal(workspace.refused, timeout=20_000) as refused:
        assert workspace.export_pdf(tmp_path / "no such folder" / "day.pdf")
    assert refused.args[0].startswith("无法写入 ") and not workspace.writing
    assert all(e.action != "export_report" for e in hall.store.audit_events())


def test_the_clerk_filter_offers_every_account_read_on_the_store_pool(workspace: SupervisorWorkspace) -> None:
    people = [workspace.clerk.itemText(i) for i in range(workspace.clerk.count())]
    assert people[0] == "全部人员" and sorted(people[1:]) == sorted(["系统管理员", "王芳", "李强", "赵敏"])
