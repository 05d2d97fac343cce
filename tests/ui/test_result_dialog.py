"""办理结果 dialog: documents per decision, print / preview / save, reprint from the case list."""

from __future__ import annotations

import gc
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QToolBar
from pytestqt.qtbot import QtBot

from desktop.cases.numbers import format_number
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.services import demo
from desktop.store.models import Case
from desktop.ui import printing as qt_print
from desktop.ui.printer_dialog import PrinterDialog, Printers
from desktop.ui.result_dialog import ResultDialog, chinese_print_error, print_pool

# the 联办申请表 comes with every decided case, then the decision's own documents
EXPECTED = {
    Decision.ACCEPT: ["application", "receipt", "transfer"],
    Decision.DEFER: ["application", "receipt", "deferred", "transfer"],
    Decision.NOTIFY: ["application", "one-time"],
    Decision.REJECT: ["application", "reject"],
}


@pytest.fixture(autouse=True)
def _print_jobs_finish() -> Iterator[None]:
    yield
    print_pool().waitForDone(30_000)
    # Wrappers of this test's menus and dialogs are collected here, on the UI thread, not by a
    # garbage collection that happens to run on the next test's loading thread.
    gc.collect()


def _decide(window: Any, bundle: str, decision: Decision, seed: int = 3) -> Case:
    """A case decided the way the intake does it, in the window's own store."""
    code = next(b.code for b in window.catalog.index.catalog.bundles if b.name == bundle)
    return demo.decide_sample(window.hall, window.catalog, code, decision, Profile(*demo.DEMO_PROFILE), seed=seed)


def _dialog_after_decision(window: Any, qtbot: QtBot, case: Case) -> ResultDialog:
    with qtbot.waitSignal(window.result_flow.dialog_opened, timeout=20_000) as blocker:
        window.case_decided.emit(case)
    dialog: ResultDialog = blocker.args[0]
    return dialog


def _pdf_printer(path: Path) -> Any:
    def make(_name: str | None) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return printer

    return make


@pytest.mark.parametrize("decision", list(Decision))
def test_dialog_after_a_decision_offers_the_documents_of_that_decision(
    main_window: Any, qtbot: QtBot, decision: Decision
) -> None:
    case = _decide(main_window, "公民身后一件事", decision)
    dialog = _dialog_after_decision(main_window, qtbot, case)
    assert list(dialog.buttons) == EXPECTED[decision]
    assert dialog.findChild(object, "case_number").text() == format_number(case.number or "")
    assert dialog.isVisible() and dialog.docs.decision is decision
    assert dialog.first_print_button().hasFocus() or not dialog.isActiveWindow()


def test_save_as_pdf_writes_the_document_with_the_case_number(
    main_window: Any, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _decide(main_window, "企业开办", Decision.ACCEPT)
    dialog = _dialog_after_decision(main_window, qtbot, case)
    target = tmp_path / "回执"
    asked: list[str] = []

    def fake_dialog(_parent: Any, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), ""

    monkeypatch.setattr(qt_print.QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    with qtbot.waitSignal(dialog.saved, timeout=20_000) as blocker:
        dialog.buttons["receipt"]["save"].click()
    saved = Path(blocker.args[0])
    assert saved == target.with_suffix(".pdf")
    assert Path(asked[0]).name == f"受理回执_{format_number(case.number or '')}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(saved).pages)
    assert format_number(case.number or "") in text.replace("\n", "")
    assert "已保存" in dialog.message.text()


def test_print_goes_through_the_app_print_path_to_a_pdf_printer(
    main_window: Any, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "printed.pdf"
    monkeypatch.setattr(qt_print, "make_printer", _pdf_printer(out))
    case = _decide(main_window, "公民身后一件事", Decision.DEFER)
    dialog = _dialog_after_decision(main_window, qtbot, case)
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as blocker:
        dialog.buttons["deferred"]["print"].click()
    assert blocker.args == ["deferred", ""]
    pages = PdfReader(out).pages
    assert len(pages) == 2  # 申请人留存联 and 窗口存档联
    assert list(pages[0].images), "the page image was not painted"
    assert "已发送到系统默认打印机" in dialog.message.text()


def test_transfer_slip_prints_for_one_department_from_its_menu(
    main_window: Any, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "slip.pdf"
    monkeypatch.setattr(qt_print, "make_printer", _pdf_printer(out))
    dialog = _dialog_after_decision(main_window, qtbot, _decide(main_window, "企业开办", Decision.ACCEPT))
    button = dialog.buttons["transfer"]["print"]
    assert button.text() == "打印流转单"
    departments = dialog.docs.doc.departments
    actions = [a for a in button.menu().actions() if not a.isSeparator()]
    assert [a.text() for a in actions[1:]] == list(departments)
    assert actions[0].text() == f"全部部门（{len(departments)}份）"
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as blocker:
        actions[2].trigger()
    assert blocker.args[0] == f"transfer:{departments[1]}"
    assert len(PdfReader(out).pages) == 1


def test_missing_printer_shows_a_chinese_message_and_loses_nothing(main_window: Any, qtbot: QtBot) -> None:
    main_window.settings.printer_name = "no-such-queue"
    case = _decide(main_window, "企业开办", Decision.NOTIFY)
    dialog = _dialog_after_decision(main_window, qtbot, case)
    with qtbot.waitSignal(dialog.failed, timeout=30_000) as blocker:
        dialog.buttons["one-time"]["print"].click()
    assert "找不到打印机“no-such-queue”" in blocker.args[0]
    assert dialog.message.text() == blocker.args[0] and dialog.isVisible()
    assert main_window.hall.store.get(case.id).case.number == case.number
    assert dialog.buttons["one-time"]["print"].isEnabled() and not dialog.jobs


def test_preview_opens_a_print_preview_of_the_document(main_window: Any, qtbot: QtBot) -> None:
    dialog = _dialog_after_decision(main_window, qtbot, _decide(main_window, "公民身后一件事", Decision.REJECT))
    with qtbot.waitSignal(dialog.preview_opened, timeout=30_000) as blocker:
        dialog.buttons["reject"]["preview"].click()
    preview = blocker.args[0]
    assert preview.isVisible() and "不予受理通知书" in preview.windowTitle()
    preview.close()


def _select_case(window: Any, qtbot: QtBot, case_id: uuid.UUID) -> int:
    def listed() -> bool:
        rows = [window.case_model.row_at(r).id for r in range(window.case_model.rowCount())]
        if str(case_id) not in rows:
            window.refresh_cases()
            return False
        return True

    qtbot.waitUntil(listed, timeout=20_000)
    row = next(r for r in range(window.case_model.rowCount()) if window.case_model.row_at(r).id == str(case_id))
    window.case_view.setCurrentIndex(window.case_model.index(row, 0))
    return row


def test_reprint_from_the_toolbar_opens_the_dialog_of_the_selected_case(main_window: Any, qtbot: QtBot) -> None:
    first = _decide(main_window, "公民身后一件事", Decision.ACCEPT)
    _decide(main_window, "企业开办", Decision.REJECT, seed=5)
    _select_case(main_window, qtbot, first.id)
    action = main_window.result_flow.reprint_action
    assert action in main_window.findChild(QToolBar).actions()
    with qtbot.waitSignal(main_window.result_flow.dialog_opened, timeout=20_000) as blocker:
        action.trigger()
    dialog = blocker.args[0]
    assert dialog.docs.case_id == str(first.id)
    assert list(dialog.buttons) == EXPECTED[Decision.ACCEPT]


def test_case_list_menu_reprints_decided_cases_only(main_window: Any, qtbot: QtBot) -> None:
    decided = _decide(main_window, "企业开办", Decision.DEFER)
    profile = Profile(*demo.DEMO_PROFILE)
    draft = main_window.hall.store.new_draft(decided.bundle_code, main_window.catalog.version, profile)
    flow, view = main_window.result_flow, main_window.case_view
    row = _select_case(main_window, qtbot, draft.id)
    menu = flow.context_menu(view.visualRect(main_window.case_model.index(row, 0)).center())
    [reprint] = menu.actions()
    assert reprint.text() == "重新打印…" and not reprint.isEnabled()
    row = _select_case(main_window, qtbot, decided.id)
    menu = flow.context_menu(view.visualRect(main_window.case_model.index(row, 0)).center())
    [reprint] = menu.actions()
    assert reprint.isEnabled()
    with qtbot.waitSignal(flow.dialog_opened, timeout=20_000) as blocker:
        reprint.trigger()
    assert blocker.args[0].docs.case_id == str(decided.id)
    assert list(blocker.args[0].buttons) == EXPECTED[Decision.DEFER]


def test_reprint_of_a_draft_says_there_is_nothing_to_print(main_window: Any, qtbot: QtBot) -> None:
    draft = main_window.hall.store.new_draft("LNYJS003", main_window.catalog.version, Profile(*demo.DEMO_PROFILE))
    _select_case(main_window, qtbot, draft.id)
    main_window.result_flow.reprint_action.trigger()
    assert "尚未作出办理决定" in main_window.statusBar().currentMessage()
    assert main_window.result_flow.dialog is None


def test_printer_chosen_in_print_settings_is_used_and_saved(main_window: Any, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog_after_decision(main_window, qtbot, _decide(main_window, "公民身后一件事", Decision.ACCEPT))
    dialog.choose_printer()
    chooser = dialog.findChild(PrinterDialog)
    qtbot.waitSignal(chooser.printers_listed, timeout=20_000, raising=False).wait()
    chooser.set_printers(Printers(("office-laser", "yishi-pdf"), "office-laser"))
    assert chooser.choice.itemText(0) == "系统默认打印机（office-laser）"
    chooser.choice.setCurrentIndex(chooser.choice.findData("yishi-pdf"))
    with qtbot.waitSignal(dialog.printer_changed, timeout=5_000):
        chooser.accept()
    assert dialog.printer_label.text() == "打印机：yishi-pdf"
    assert main_window.settings.printer_name == "yishi-pdf"
    assert json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))["printer_name"] == "yishi-pdf"


def test_printer_dialog_keeps_a_chosen_printer_that_is_gone(qtbot: QtBot) -> None:
    chooser = PrinterDialog("old-queue")
    qtbot.addWidget(chooser)
    qtbot.waitSignal(chooser.printers_listed, timeout=20_000, raising=False).wait()
    chooser.set_printers(Printers((), ""))
    assert chooser.printer_name() == "old-queue" and "未找到" in chooser.choice.currentText()
    assert "没有可用的打印机" in chooser.note.text()


def test_print_errors_read_in_chinese() -> None:
    assert "找不到打印机“x”" in chinese_print_error("PrintError: there is no printer 'x' (available: none)", "x")
    assert "没有默认打印机" in chinese_print_error("PrintError: there is no a default printer (available: none)", "")
    assert "无法开始打印" in chinese_print_error("PrintError: cannot start printing on x", "x")
    assert "办件已保存" in chinese_print_error("ValueError: boom", "")


QUEUE = os.environ.get("YISHI_TEST_PRINTER", "")


@pytest.mark.cups
@pytest.mark.skipif(not QUEUE, reason="YISHI_TEST_PRINTER names no CUPS queue")
def test_receipt_printed_from_the_dialog_reaches_the_cups_queue(main_window: Any, qtbot: QtBot) -> None:
    main_window.settings.printer_name = QUEUE
    case = _decide(main_window, "公民身后一件事", Decision.ACCEPT)
    dialog = _dialog_after_decision(main_window, qtbot, case)
    started = time.time()
    with qtbot.waitSignal(dialog.printed, timeout=60_000) as blocker:
        dialog.buttons["receipt"]["print"].click()
    assert blocker.args == ["receipt", QUEUE]
    outdirs = [
        Path(os.environ.get("YISHI_TEST_PRINTER_OUTDIR", Path.home() / "PDF")),
        Path("/var/spool/cups-pdf/ANONYMOUS"),
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [p for d in outdirs if d.is_dir() for p in d.glob("*.pdf") if p.stat().st_mtime >= started - 1]
        if found:
            break
        time.sleep(0.25)
    assert found, f"nothing arrived in {outdirs}"


def test_dialog_closes_when_the_next_intake_opens(main_window: Any, qtbot: QtBot) -> None:
    dialog = _dialog_after_decision(main_window, qtbot, _decide(main_window, "企业开办", Decision.ACCEPT))
    assert dialog.isVisible()
    code = next(b.code for b in main_window.catalog.index.catalog.bundles if b.name == "新生儿出生")
    with qtbot.waitSignal(main_window.intake_opened, timeout=20_000):
        main_window.start_intake(code)
    assert not dialog.isVisible() and main_window.result_flow.dialog is None


def test_printing_after_the_decision_and_reprinting_later_are_audited_apart(main_window: Any, qtbot: QtBot) -> None:
    case = _decide(main_window, "公民身后一件事", Decision.ACCEPT)
    store = main_window.hall.store

    def actions() -> list[str]:
        return [e.action for e in store.audit_trail(case.id) if e.action in ("print", "reprint", "export")]

    dialog = _dialog_after_decision(main_window, qtbot, case)
    dialog.printed.emit("receipt", "yishi-pdf")  # what a finished print job reports
    qtbot.waitUntil(lambda: actions() == ["print"], timeout=10_000)
    dialog.close()
    _select_case(main_window, qtbot, case.id)
    with qtbot.waitSignal(main_window.result_flow.dialog_opened, timeout=20_000) as blocker:
        main_window.result_flow.reprint_action.trigger()
    blocker.args[0].printed.emit("receipt", "yishi-pdf")
    blocker.args[0].saved.emit("/tmp/受理回执.pdf")
    qtbot.waitUntil(lambda: actions() == ["print", "reprint", "export"], timeout=10_000)
    reprint = next(e for e in store.audit_trail(case.id) if e.action == "reprint")
    assert reprint.actor == main_window.settings.clerk and reprint.detail == {"document": "receipt"}
