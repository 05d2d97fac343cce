"""The window's sync: status-bar figures, 立即同步, offline without dialogs, 重新提交, changed rows, new catalog."""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from desktop import paths
from desktop.cases.states import CaseState
from desktop.catalog.loader import raw_from_dir
from desktop.services import demo
from desktop.services import sync as sync_service
from desktop.store.models import OutboxEntry
from desktop.ui.workers import Op
from sync import catalog_update
from sync.catalog_update import build_document, sign_document
from sync.client import enroll_device
from sync.crypto import Ed25519PrivateKey, write_public_key
from sync.platform.operator import create_enrollment_code, publish_catalog, set_status
from sync.platform.server import PlatformHTTPServer, make_server

TIMEOUT = 30_000


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[PlatformHTTPServer]:
    server = make_server(f"sqlite:///{tmp_path / 'platform.sqlite3'}", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()
    server.platform.engine.dispose()


def url(server: PlatformHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def enroll_window(server: PlatformHTTPServer, base_url: str | None = None) -> None:
    code = create_enrollment_code(server.platform, "和平区政务服务中心 03 窗口")
    enroll_device(base_url or url(server), code, sync_service.device_dir(), "和平区政务服务中心 03 窗口")


def seed(window: Any, qtbot: QtBot, count: int = 6) -> None:
    """Demo cases taken through the real pipeline, written on the window's store pool, then listed."""
    hall, catalog, profile = window.hall, window.catalog, window.profile()
    done: list[int] = []

    Op(window.store_pool, lambda: demo.seed_store(hall, catalog, profile, count)).success(done.append).run()
    qtbot.waitUntil(lambda: bool(done), timeout=TIMEOUT)
    with qtbot.waitSignal(window.cases_loaded, timeout=TIMEOUT):
        window.refresh_cases()


def sync(window: Any, qtbot: QtBot) -> Any:
    with qtbot.waitSignal(window.sync_panel.sync_finished, timeout=TIMEOUT) as blocker:
        window.sync_panel.sync_action.trigger()
    outcome = blocker.args[0]
    qtbot.waitUntil(lambda: not window.store_pool.activeThreadCount(), timeout=TIMEOUT)
    return outcome


def refreshed(window: Any, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.cases_loaded, timeout=TIMEOUT):
        window.refresh_cases()
    with qtbot.waitSignal(window.sync_panel.status_read, timeout=TIMEOUT):
        pass


def row_of(window: Any, case_id: uuid.UUID) -> int:
    model = window.case_model
    return next(r for r in range(model.rowCount()) if model.row_at(r).id == str(case_id))


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sync must never raise a modal box; any attempt fails the test."""

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("a message box was shown")

    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)


@pytest.fixture
def window(main_window: Any) -> Iterator[Any]:
    """The main window; its sync pool is drained before the store closes."""
    yield main_window
    main_window.sync_panel.shutdown()


def test_toolbar_has_sync_now_and_status_bar_says_not_enrolled(window: Any, qtbot: QtBot) -> None:
    bars = window.findChildren(QToolBar)
    assert any(a.text() == "立即同步" for bar in bars for a in bar.actions())
    qtbot.waitUntil(lambda: "未注册" in window.sync_label.text(), timeout=10_000)


def test_sync_now_sends_the_outbox_and_shows_counts_and_last_sync_time(
    window: Any, qtbot: QtBot, platform: PlatformHTTPServer
) -> None:
    seed(window, qtbot)
    enroll_window(platform)
    outcome = sync(window, qtbot)
    assert outcome.ok and outcome.report.sent
    refreshed(window, qtbot)
    text = window.sync_label.text()
    assert "在线" in text and "待上报 0" in text and "被拒 0" in text and "尚无" not in text
    states = {window.case_model.row_at(r).state for r in range(window.case_model.rowCount())}
    assert CaseState.SYNCED in states and CaseState.QUEUED not in states


def test_unreachable_platform_leaves_the_window_usable_and_says_offline(
    window: Any, qtbot: QtBot, platform: PlatformHTTPServer
) -> None:
    seed(window, qtbot)
    enroll_window(platform)
    platform.shutdown()
    platform.server_close()
    platform.serve_forever = lambda *a, **k: None  # type: ignore[method-assign]  # fixture teardown stays harmless
    outcome = sync(window, qtbot)
    assert outcome.report.stopped
    text = window.sync_label.text()
    assert "离线" in text and "待上报 0" not in text
    assert "稍后自动重试" in window.statusBar().currentMessage()
    assert window.sync_panel.sync_action.isEnabled()


def test_quarantined_case_stands_out_and_retry_sends_it_again(
    window: Any, qtbot: QtBot, platform: PlatformHTTPServer
) -> None:
    seed(window, qtbot)
    enroll_window(platform)
    store = window.hall.store
    with Session(store.engine) as session:
        entry = session.exec(select(OutboxEntry)).first()
    assert entry is not None and entry.id is not None
    store.quarantine(entry.id, "422 invalid: applicant.id_number is missing")
    refreshed(window, qtbot)
    assert "被拒 1" in window.sync_label.text()
    model, row = window.case_model, row_of(window, entry.case_id)
    index = model.index(row, 0)
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    assert "applicant.id_number" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert window.case_view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert window.sync_panel.retry_action in window.case_view.actions()
    window.case_view.selectRow(row)
    assert window.sync_panel.retry_action.isEnabled()
    with qtbot.waitSignal(window.sync_panel.sync_finished, timeout=TIMEOUT):
        window.sync_panel.retry_action.trigger()
    qtbot.waitUntil(lambda: store.get(entry.case_id).case.state is CaseState.SYNCED, timeout=TIMEOUT)


def test_pulled_statuses_show_in_bold_with_a_status_bar_message(
    window: Any, qtbot: QtBot, platform: PlatformHTTPServer
) -> None:
    seed(window, qtbot)
    enroll_window(platform)
    outcome = sync(window, qtbot)
    case_id = outcome.report.sent[0].case_id
    set_status(platform.platform, str(case_id), "completed")
    with qtbot.waitSignal(window.cases_loaded, timeout=TIMEOUT):
        outcome = sync(window, qtbot)
    assert [c.case_id for c in outcome.report.status_changes] == [case_id]
    assert "办结" in window.statusBar().currentMessage()
    model, row = window.case_model, row_of(window, case_id)
    assert model.row_at(row).state == CaseState.COMPLETED
    font = model.data(model.index(row, 1), Qt.ItemDataRole.FontRole)
    assert font is not None and font.bold()
    window.case_view.selectRow(row)
    assert model.data(model.index(row, 1), Qt.ItemDataRole.FontRole) is None  # seen


def test_signed_catalog_update_reaches_new_intakes_while_drafts_keep_their_version(
    window: Any, qtbot: QtBot, platform: PlatformHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publisher = Ed25519PrivateKey.generate()
    key_file = tmp_path / "publisher.pub"
    write_public_key(key_file, publisher.public_key())
    monkeypatch.setattr(catalog_update, "publisher_key_path", lambda: key_file)
    shipped = window.catalog.version
    store, profile = window.hall.store, window.profile()
    draft = store.new_draft("LNYJS003", shipped, profile)
    raw = copy.deepcopy(raw_from_dir(paths.catalog_dir()))
    raw["version"] = "2099.1.1"
    document = build_document(raw, {}, "2099-01-01T00:00:00+00:00")
    publish_catalog(platform.platform, "2099.1.1", document, sign_document(document, publisher), publisher.public_key())
    enroll_window(platform)
    with qtbot.waitSignal(window.sync_panel.catalog_installed, timeout=TIMEOUT):
        window.sync_panel.sync_now()
    assert window.catalog.version == "2099.1.1"
    assert "2099.1.1" in window.statusBar().currentMessage()
    assert window.hall.catalogs.for_case(store, draft.id, window.catalog).version == shipped
    with qtbot.waitSignal(window.intake_opened, timeout=TIMEOUT) as opened:
        window.start_intake("LNYJS003")
    host = opened.args[0]
    assert store.get(host.case_id).case.catalog_version == "2099.1.1"
    window.close_intake()
    QApplication.processEvents()
