"""The main window: Chinese from the shipped font, the picker's search, the case list model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop.cases.profile import Profile
from desktop.services import demo
from desktop.ui.bundle_picker import CODE_ROLE
from desktop.ui.fonts import install_translations


def _visible_bundles(window: Any) -> list[str]:
    proxy = window.picker.filter
    names = []
    for g in range(proxy.rowCount()):
        group = proxy.index(g, 0)
        names += [proxy.index(r, 0, group).data(CODE_ROLE) for r in range(proxy.rowCount(group))]
    return names


def test_app_font_is_the_shipped_cjk_font(main_window: Any) -> None:
    assert QFontInfo(QApplication.font()).family() == "WenQuanYi Micro Hei UI"  # its subset (tests/ui/test_startup.py)


def test_picker_lists_35_bundles_in_two_groups(main_window: Any) -> None:
    assert len(_visible_bundles(main_window)) == 35
    proxy = main_window.picker.filter
    assert [proxy.index(g, 0).data() for g in range(proxy.rowCount())] == ["个人事项", "法人事项"]


def test_picker_finds_by_name_pinyin_initials_and_code(main_window: Any, qtbot: QtBot) -> None:
    search = main_window.picker.search
    for query in ("新生儿", "xse", "LNYJS001", "XSE"):
        search.setText(query)
        assert _visible_bundles(main_window) == ["LNYJS001"], query
    search.setText("qykb")
    assert _visible_bundles(main_window) == ["LNYJS033"]


def test_enter_in_search_opens_the_first_match(main_window: Any, qtbot: QtBot) -> None:
    main_window.picker.search.setText("gmsh")
    with qtbot.waitSignal(main_window.intake_opened, timeout=10_000):
        qtbot.keyClick(main_window.picker.search, "\r")
    assert main_window.intake.session.bundle.name == "公民身后一件事"


def test_case_model_passes_the_model_tester(main_window: Any, qtmodeltester: Any, qtbot: QtBot) -> None:
    demo.seed_store(main_window.hall, main_window.catalog, Profile(*demo.DEMO_PROFILE), 4)
    main_window.refresh_cases()
    # the refresh from start-up may land first: wait for the rows, not for any refresh
    qtbot.waitUntil(lambda: main_window.case_model.rowCount() == 4, timeout=10_000)
    qtmodeltester.check(main_window.case_model)
    qtmodeltester.check(main_window.picker.filter)


def test_qt_dialog_buttons_speak_chinese(main_window: Any) -> None:
    translators = install_translations(QApplication.instance())  # type: ignore[arg-type]
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        texts = {b.text().replace("&", "") for b in box.buttons()}
        assert any("确定" in t for t in texts) and any("取消" in t for t in texts)
    finally:
        for t in translators:
            QApplication.removeTranslator(t)


def test_window_fits_1366_by_768(main_window: Any) -> None:
    hint = main_window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768


def test_the_window_backs_up_the_store_once_a_day_into_the_backup_folder(
    main_window: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    main_window.settings.backup_dir = str(tmp_path / "backups")
    main_window.run_daily_backup()
    today = main_window.clock.today().isoformat()
    qtbot.waitUntil((tmp_path / "backups" / f"cases-{today}.sqlite3").exists, timeout=20_000)
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700


def test_tab_follows_the_screen_through_the_views_made_after_the_first_paint(main_window: Any, qtbot: QtBot) -> None:
    """The tree, the filters and the table are made after the first paint (desktop.ui.later): Tab still goes from
    the bundle search down the picker, then across the case search and the filters, then into the list."""
    w = main_window
    qtbot.waitUntil(w.case_view.isVisible)
    filters = w.case_filters
    w.picker.search.setFocus()
    visited = []
    for _ in range(7):
        qtbot.keyClick(QApplication.focusWidget(), "\t")
        visited.append(QApplication.focusWidget())
    # the date edits are off until 日期 is ticked: Tab passes them by
    assert visited == [
        w.picker.tree,
        w.case_search,
        filters.state,
        filters.by_date,
        filters.bundle,
        filters.clerk,
        w.case_view,
    ]
