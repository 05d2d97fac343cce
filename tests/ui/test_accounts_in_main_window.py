"""Accounts attached to the real main window: first-run login, the operator of intake, rating after a decision."""

import argparse
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QToolBar
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "accounts"))  # the shared hall_cases helpers
from hall_cases import PASSWORD, decided
from held_work import held

from desktop.cases.roles import Role
from desktop.cases.states import Decision
from desktop.services import accounts
from desktop.ui import loading
from desktop.ui.accounts_dialog import AccountsDialog
from desktop.ui.accounts_feature import AccountsFeature
from desktop.ui.application import build
from desktop.ui.login import LoginDialog


def first_login(qtbot: QtBot, feature: AccountsFeature) -> None:
    dialog = feature.session.login_dialog
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()  # covers the window at once
    qtbot.waitUntil(lambda: dialog.first_run is not None)  # the store, asked on its pool, has no account yet
    assert dialog.first_run
    dialog.username.setText("admin")
    dialog.display_name.setText("系统管理员")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    with qtbot.waitSignal(feature.session.signed_in):
        dialog.submit()


def test_the_logged_in_account_is_the_operator_of_the_window(qtbot: QtBot, main_window: Any) -> None:
    feature = AccountsFeature(main_window)
    assert not feature.supervise_action.isEnabled()  # nobody signed in yet
    first_login(qtbot, feature)
    assert main_window.settings.clerk == "admin" and main_window.profile().clerk == "admin"
    assert feature.supervise_action.isEnabled() and "系统管理员" in feature.operator_label.text()
    hall = main_window.hall
    hall.store.add_account("wangf", "王芳", Role.CLERK, PASSWORD, actor="admin")
    feature.session.lock()
    lock = feature.session.lock_dialog
    assert lock is not None
    lock._switch()  # 切换用户: someone else signs in
    qtbot.waitUntil(lambda: feature.session.login_dialog is not None and feature.session.login_dialog.isVisible())
    dialog = feature.session.login_dialog
    dialog.username.setText("wangf")
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(feature.session.signed_in):
        dialog.submit()
    assert main_window.settings.clerk == "wangf" and not feature.supervise_action.isEnabled()
    case = decided(hall, Decision.ACCEPT, clerk=main_window.settings.clerk)
    feature.ask_rating(case)  # what case_decided calls (the result dialog, also on that signal, is not under test)
    window = feature.rating.window if feature.rating else None
    assert window is not None and window.isVisible()
    assert window.screen() is QApplication.primaryScreen()  # one screen: the clerk's, turned to the applicant
    with qtbot.waitSignal(feature.rating.stored):
        window.choose(5)
    rating = hall.store.rating_of(case.id)
    assert rating is not None and (rating.level, rating.clerk) == (5, "wangf")
    window.close()


def test_a_clerk_sees_their_own_cases_and_a_supervisor_sees_the_whole_store(qtbot: QtBot, main_window: Any) -> None:
    feature = AccountsFeature(main_window)
    first_login(qtbot, feature)
    hall = main_window.hall
    hall.store.add_account("wangf", "王芳", Role.CLERK, PASSWORD, actor="admin")
    hall.store.add_account("lij", "李军", Role.CLERK, PASSWORD, actor="admin")
    mine = decided(hall, Decision.ACCEPT, clerk="wangf")
    decided(hall, Decision.ACCEPT, clerk="lij")
    main_window.refresh_cases()
    qtbot.waitUntil(lambda: main_window.case_model.rowCount() == 2)  # the administrator sees the whole store
    feature.session.lock()
    assert feature.session.lock_dialog is not None
    feature.session.lock_dialog._switch()
    qtbot.waitUntil(lambda: feature.session.login_dialog is not None and feature.session.login_dialog.isVisible())
    dialog = feature.session.login_dialog
    dialog.username.setText("wangf")
    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: main_window.case_model.rowCount() == 1)
    assert main_window.case_model.row_at(0).id == str(mine.id)


def test_no_case_shows_behind_the_login_or_the_idle_lock(qtbot: QtBot, main_window: Any) -> None:
    hall = main_window.hall
    decided(hall, Decision.ACCEPT, clerk="lij")
    main_window.hide_cases()  # as the app does before anyone signs in
    main_window.refresh_cases()
    qtbot.waitUntil(lambda: main_window.case_model.rowCount() == 0)
    main_window.case_search.setText("李")  # typing in the search box reads nothing either
    main_window.refresh_cases()
    main_window.store_pool.waitForDone(5_000)
    qtbot.wait(50)
    assert main_window.case_model.rowCount() == 0
    main_window.case_search.clear()
    feature = AccountsFeature(main_window)
    first_login(qtbot, feature)
    qtbot.waitUntil(lambda: main_window.case_model.rowCount() == 1)  # the administrator, signed in
    feature.session.lock()
    assert main_window.case_model.rowCount() == 0  # at once, not after a store read
    lock = feature.session.lock_dialog
    assert lock is not None
    with qtbot.waitSignal(feature.session.unlocked):
        lock.password.setText(PASSWORD)
        lock.submit()
    qtbot.waitUntil(lambda: main_window.case_model.rowCount() == 1)


def built_app(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, AccountsFeature]:
    """The app as ``build()`` makes it on a new store in ``tmp_path``, once its accounts feature has attached."""
    monkeypatch.setenv("YISHI_CONFIG", str(tmp_path / "settings.json"))  # the profile the fixture wrote there
    _app, window = build(argparse.Namespace(db=str(tmp_path / "cases.sqlite3")))
    qtbot.addWidget(window)
    window.offer_drafts_on_start = False
    qtbot.waitUntil(lambda: isinstance(window.property("accounts_feature"), AccountsFeature), timeout=30_000)
    return window, window.property("accounts_feature")


def close_app(window: Any) -> None:
    window.store_pool.waitForDone(10_000)
    assert window.hall is not None
    window.hall.close()


def test_the_app_lists_no_case_until_someone_signs_in(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, feature = built_app(qtbot, tmp_path, monkeypatch)
    qtbot.waitUntil(lambda: window.catalog is not None, timeout=30_000)
    decided(window.hall, Decision.ACCEPT, clerk="lij")
    window.refresh_cases()
    window.store_pool.waitForDone(5_000)
    qtbot.wait(50)
    assert feature.session.login_dialog is not None and feature.session.login_dialog.isVisible()
    assert window.case_model.rowCount() == 0
    first_login(qtbot, feature)
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 1)
    qtbot.waitUntil(lambda: window.sync_panel is not None)  # the features attached after the accounts
    shown = [a.text() for bar in window.findChildren(QToolBar) for a in bar.actions() if a.text()]
    assert shown[-3:] == ["督查工作台", "账户管理", "锁定"]  # the account's actions end the row
    close_app(window)


def test_the_login_asks_while_the_catalog_is_still_loading(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk signs in while the catalog loads (its pinyin and YAML take most of a second): the login waits
    for the store only, and the list fills once the catalog is in."""
    with held(monkeypatch, loading, "load_catalog") as catalog_load:
        window, feature = built_app(qtbot, tmp_path, monkeypatch)
        qtbot.waitUntil(catalog_load.entered.is_set, timeout=10_000)
        assert window.catalog is None and feature.session.login_dialog.isVisible()
        decided(window.hall, Decision.ACCEPT, clerk="lij")
        first_login(qtbot, feature)
        assert window.case_model.rowCount() == 0  # signed in, but no catalog yet to name the bundles
        with qtbot.waitSignal(window.catalog_ready, timeout=30_000):
            catalog_load.release()
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 1)
    close_app(window)


def test_the_features_store_work_runs_on_the_windows_store_pool(
    qtbot: QtBot, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    feature = AccountsFeature(main_window)
    first_login(qtbot, feature)
    assert feature.session.pool is main_window.store_pool
    main_window.settings.window_code = "09"  # what 窗口档案 changed
    with held(monkeypatch, accounts, "record_settings_change") as record:
        feature._audit_settings()  # runs after the window's own 窗口档案 dialog
        qtbot.waitUntil(record.entered.is_set)
        record.release()
    main_window.store_pool.waitForDone(10_000)
    assert record.ran_off_the_ui_thread_once()
    newest = main_window.hall.store.audit_events(limit=1)[0]
    assert (newest.actor, newest.action) == ("admin", "settings_change")
    assert newest.detail["changed"]["window_code"][1] == "09"
    feature.manage_accounts()
    dialog = main_window.findChild(AccountsDialog)
    assert dialog is not None and dialog.pool is main_window.store_pool
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    dialog.close()
