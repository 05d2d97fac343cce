"""Scans in the main window: wedge bursts routed by payload kind, scanned pictures, attached scans."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop import settings as settings_mod
from desktop.cases.decisions import MaterialStatus
from desktop.cases.numbers import format_number
from desktop.cases.profile import Profile
from desktop.cases.states import CaseState, Decision
from desktop.scan.elicence import make_elicence_id
from desktop.scan.payload import classify
from desktop.services import demo
from printing.payload import format_receipt_payload

SCANS = Path(__file__).resolve().parents[1] / "data" / "scan"
ELICENCE = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"
LICENCE_URL = "http://www.gsxt.gov.cn/index.html?uniscid=91350100M000100Y43"
USCC = "91350100M000100Y43"


@pytest.fixture
def profile_settings(profile_settings: settings_mod.Settings) -> settings_mod.Settings:
    profile_settings.scanner_wedge = True  # these tests scan through the app-wide wedge
    return profile_settings


@pytest.fixture
def window(main_window: Any) -> Iterator[Any]:
    yield main_window
    main_window.scanning.remove_wedge()  # never leave a wedge on the shared QApplication


def _burst(widget: Any, text: str) -> None:
    """What a keyboard-wedge scanner does: the characters without delay, then Return."""
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def _scan(window: Any, qtbot: QtBot, widget: Any, text: str) -> tuple[str, str]:
    with qtbot.waitSignal(window.scanning.handled, timeout=10_000) as blocker:
        _burst(widget, text)
    return blocker.args[0], blocker.args[1]


def _stored_case(window: Any, decision: Decision, bundle: str = "LNYJS001") -> Any:
    return demo.decide_sample(window.hall, window.catalog, bundle, decision, Profile(*demo.DEMO_PROFILE), seed=11)


def _open(window: Any, qtbot: QtBot, name: str) -> Any:
    code = next(b.code for b in window.catalog.index.catalog.bundles if b.name == name)
    with qtbot.waitSignal(window.intake_opened, timeout=10_000):
        window.start_intake(code)
    return window.intake


def _id_editors(intake: Any) -> list[tuple[str, Any]]:
    return [(c, e) for c, e in intake.widget.form.editors.items() if e.kind == "id_number" and not e.derived]


# -- receipts and case numbers --------------------------------------------------------------------------------------


def test_receipt_of_a_supplement_notified_case_reopens_it_for_supplement(window: Any, qtbot: QtBot) -> None:
    case = _stored_case(window, Decision.NOTIFY)
    assert case.state is CaseState.SUPPLEMENT_NOTIFIED
    with qtbot.waitSignal(window.intake_opened, timeout=10_000):
        _burst(window.case_view, format_receipt_payload(case.number, case.query_code))
    assert window.intake.case_id == case.id
    assert "补正" in window.statusBar().currentMessage()


def test_case_number_barcode_of_an_accepted_case_shows_its_state_and_selects_it(window: Any, qtbot: QtBot) -> None:
    case = _stored_case(window, Decision.ACCEPT)
    kind, message = _scan(window, qtbot, window.case_view, case.number)
    assert kind == "case_number" and "待上报" in message and format_number(case.number) in message
    assert window.intake is None

    def selected() -> list[str]:
        rows = window.case_view.selectionModel().selectedRows()
        return [window.case_model.row_at(i.row()).number for i in rows]

    qtbot.waitUntil(lambda: selected() == [case.number], timeout=10_000)


def test_receipt_with_a_wrong_query_code_opens_nothing(window: Any, qtbot: QtBot) -> None:
    case = _stored_case(window, Decision.NOTIFY)
    wrong = "000000" if case.query_code != "000000" else "111111"
    kind, message = _scan(window, qtbot, window.case_view, format_receipt_payload(case.number, wrong))
    assert kind == "receipt" and "查询密码" in message
    assert window.intake is None


def test_case_number_not_in_this_store_is_reported(window: Any, qtbot: QtBot) -> None:
    _kind, message = _scan(window, qtbot, window.case_view, "2101020010326112800074")
    assert "本机没有办件" in message and window.intake is None


def test_receipt_scanned_during_another_intake_does_not_replace_it(window: Any, qtbot: QtBot) -> None:
    case = _stored_case(window, Decision.NOTIFY)
    intake = _open(window, qtbot, "企业开办")
    _kind, message = _scan(window, qtbot, intake.widget.tabs, format_receipt_payload(case.number, case.query_code))
    assert "请先结束当前办件" in message and window.intake is intake


# -- identifiers into the merged form -------------------------------------------------------------------------------


def test_id_number_scanned_into_a_focused_id_field_fills_that_field(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "新生儿出生")
    intake.widget.tabs.setCurrentIndex(1)
    code, editor = _id_editors(intake)[1]  # not the first: the aimed field wins
    number = demo.id_number(random.Random(4))
    kind, message = _scan(window, qtbot, editor.inputs[0], number)
    assert kind == "resident_id" and "填入" in message
    assert intake.session.values[code] == number and editor.inputs[0].text() == number
    assert all(intake.session.values.get(c) in (None, "") for c, _e in _id_editors(intake) if c != code)


def test_id_number_scanned_elsewhere_fills_the_first_empty_id_field(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "新生儿出生")
    (first, _), (second, _) = _id_editors(intake)[:2]
    a, b = demo.id_number(random.Random(5)), demo.id_number(random.Random(6))
    _scan(window, qtbot, intake.widget.tabs, a)
    _scan(window, qtbot, intake.widget.tabs, b)
    assert intake.session.values[first] == a and intake.session.values[second] == b


def test_business_licence_qr_text_fills_the_enterprise_credit_code(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "企业开办")
    kind, _message = _scan(window, qtbot, intake.widget.tabs, LICENCE_URL)
    assert kind == "uscc" and intake.session.values["enterprise.uscc"] == USCC
    assert intake.widget.form.editors["enterprise.uscc"].inputs[0].text() == USCC


def test_credit_code_aimed_at_an_id_field_is_refused(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "企业开办")
    code, editor = _id_editors(intake)[0]
    _kind, message = _scan(window, qtbot, editor.inputs[0], USCC)
    assert "未填写" in message and intake.session.values.get(code) in (None, "")


def test_invalid_id_number_warns_and_writes_nothing(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "新生儿出生")
    code, editor = _id_editors(intake)[0]
    kind, message = _scan(window, qtbot, editor.inputs[0], "210102199001011235")  # wrong check character
    assert kind == "invalid" and "扫描内容无效" in message
    assert intake.session.values.get(code) in (None, "") and editor.inputs[0].text() == ""


def test_unknown_text_aimed_at_a_text_field_is_plain_typing(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "企业开办")
    editor = intake.widget.form.editors["enterprise.name"]
    kind, _message = _scan(window, qtbot, editor.inputs[0], "Foramenifera Ltd")
    assert kind == "typed" and intake.session.values["enterprise.name"] == "Foramenifera Ltd"


def test_unknown_text_elsewhere_is_only_shown(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "企业开办")
    before = dict(intake.session.values)
    kind, message = _scan(window, qtbot, intake.widget.tabs, "6901234567892")
    assert kind == "unknown" and "6901234567892" in message and intake.session.values == before


def test_id_number_outside_an_intake_searches_the_case_list(window: Any, qtbot: QtBot) -> None:
    number = demo.id_number(random.Random(8))
    _kind, message = _scan(window, qtbot, window.case_view, number)
    assert window.case_search.text() == number and "查找" in message


# -- e-licences on the checklist ------------------------------------------------------------------------------------


def _checklist_row(intake: Any, elicence: bool) -> int:
    page = intake.widget.checklist
    return next(r for r in range(page.model.rowCount()) if page.model.entry(r).material.elicence is elicence)


def test_elicence_on_the_checklist_marks_the_current_material(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "新生儿出生")
    intake.widget.tabs.setCurrentIndex(2)
    page = intake.widget.checklist
    row = _checklist_row(intake, True)
    page.table.setCurrentIndex(page.model.index(row, 0))
    kind, message = _scan(window, qtbot, page.table, ELICENCE)
    assert kind == "elicence" and "电子证照" in message
    assert intake.session.mark(page.model.entry(row).code).status is MaterialStatus.ELICENCE


def test_elicence_for_a_material_without_elicences_says_why(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "企业开办")
    intake.widget.tabs.setCurrentIndex(2)
    page = intake.widget.checklist
    row = _checklist_row(intake, False)
    page.table.setCurrentIndex(page.model.index(row, 0))
    _kind, message = _scan(window, qtbot, page.table, make_elicence_id("11100000000013338W011", "114300000061222", "7"))
    assert "不能以电子证照代替" in message
    assert intake.session.mark(page.model.entry(row).code).status is None


def test_elicence_with_a_wrong_check_character_warns(window: Any, qtbot: QtBot) -> None:
    intake = _open(window, qtbot, "新生儿出生")
    intake.widget.tabs.setCurrentIndex(2)
    page = intake.widget.checklist
    row = _checklist_row(intake, True)
    page.table.setCurrentIndex(page.model.index(row, 0))
    kind, message = _scan(window, qtbot, page.table, ELICENCE[:-1] + "V")
    assert kind == "invalid" and "校验位" in message
    assert intake.session.mark(page.model.entry(row).code).status is None


# -- hostile payloads -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["YISHI:1;N=\x00;Q=1", "1" * 5000, "91350100M000100Y43\u202e", "YISHI:9;N=2101020010326112800074;Q=583920", ""],
)
def test_hostile_payloads_write_nothing(window: Any, qtbot: QtBot, text: str) -> None:
    intake = _open(window, qtbot, "企业开办")
    before = (dict(intake.session.values), dict(intake.session.marks))
    with qtbot.waitSignal(window.scanning.handled, timeout=5_000):
        window.scanning.route(classify(text))
    assert (intake.session.values, intake.session.marks) == before
    assert window.intake is intake


# -- pictures and attachments ---------------------------------------------------------------------------------------


def test_scanned_picture_of_a_business_licence_fills_the_credit_code(
    window: Any, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = _open(window, qtbot, "企业开办")
    monkeypatch.setattr(window.scanning, "choose_file", lambda *_a: SCANS / "qr_licence_url.jpg")
    with qtbot.waitSignal(window.scanning.handled, timeout=30_000) as blocker:
        window.scanning.scan_action.trigger()
    assert blocker.args[0] == "uscc" and intake.session.values["enterprise.uscc"] == USCC


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n" + b"\xff" * 64, b"GIF89a" + b"\x00" * 10])
def test_unreadable_pictures_warn_and_write_nothing(
    window: Any, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    picture = tmp_path / "broken.png"
    picture.write_bytes(content)
    monkeypatch.setattr(window.scanning, "choose_file", lambda *_a: picture)
    with qtbot.waitSignal(window.scanning.handled, timeout=30_000) as blocker:
        window.scanning.scan_action.trigger()
    assert blocker.args[0] == "picture" and window.intake is None


def test_attached_scan_is_stored_with_its_sha256_and_its_code_is_read(
    window: Any, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = _open(window, qtbot, "新生儿出生")
    row = _checklist_row(intake, True)
    page = intake.widget.checklist
    code = page.model.entry(row).code
    intake.widget.tabs.setCurrentIndex(2)
    page.table.setCurrentIndex(page.model.index(row, 0))
    picture = SCANS / "qr_elicence.jpg"
    monkeypatch.setattr(window.scanning, "choose_file", lambda *_a: picture)
    button = next(b for b in page.findChildren(QPushButton) if b.text() == "附加扫描件…")
    with qtbot.waitSignal(window.scanning.attached, timeout=10_000) as stored:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    digest = hashlib.sha256(picture.read_bytes()).hexdigest()
    assert stored.args[0].sha256 == digest
    detail = window.hall.store.get(intake.case_id)
    assert [(a.material_code, a.sha256) for a in detail.attachments] == [(code, digest)]
    assert window.hall.store.attachment_path(detail.attachments[0]).read_bytes() == picture.read_bytes()
    assert intake.session.mark(code).attachments == [digest]
    assert "扫描件1份" in page.model.index(row, 0).data()
    qtbot.waitUntil(lambda: intake.session.mark(code).status is MaterialStatus.ELICENCE, timeout=30_000)


def test_attachments_come_back_when_the_case_is_reopened(
    window: Any, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = _open(window, qtbot, "新生儿出生")
    code = intake.session.checklist[0].code
    with qtbot.waitSignal(window.scanning.attached, timeout=10_000):
        window.scanning.attach_file(intake, code, SCANS / "ean13.jpg")
    with qtbot.waitSignal(window.scanning.handled, timeout=30_000):
        pass  # the picture's barcode is read and shown
    case_id = intake.case_id
    window.close_intake()
    with qtbot.waitSignal(window.intake_opened, timeout=10_000):
        window.open_case(case_id)
    digest = hashlib.sha256((SCANS / "ean13.jpg").read_bytes()).hexdigest()
    assert window.intake.session.mark(code).attachments == [digest]


@pytest.mark.parametrize("kind", ["directory", "too_big", "wrong_type"])
def test_refused_files_are_not_attached(window: Any, qtbot: QtBot, tmp_path: Path, kind: str) -> None:
    intake = _open(window, qtbot, "新生儿出生")
    window.settings.attachment_max_mb = 1
    path = {"directory": tmp_path / "dir.png", "too_big": tmp_path / "big.png", "wrong_type": tmp_path / "x.exe"}[kind]
    if kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"\0" * (2 * 1024 * 1024 if kind == "too_big" else 10))
    with qtbot.waitSignal(window.scanning.handled, timeout=10_000) as blocker:
        window.scanning.attach_file(intake, intake.session.checklist[0].code, path)
    assert "未附加" in blocker.args[1]
    window.store_pool.waitForDone(10_000)
    assert window.hall.store.get(intake.case_id).attachments == []
