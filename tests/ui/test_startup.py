"""The path to the first window stays light, and the app renders Chinese from the shipped font: the UI's subset of
WenQuanYi Micro Hei has every character the catalog and the app's text use, the window draws its text with it, and
the full font stands behind it for a character the subset lacks."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QFont, QFontInfo, QRawFont, QTextLayout
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QGroupBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from desktop.ui import feature_scan
from desktop.ui.fonts import FULL_FAMILY, UI_FAMILY, install_fallback_font, install_font, ui_font_path

ROOT = Path(__file__).resolve().parents[2]
RARE = "堃"  # U+5803, common in given names, outside GB2312


def _subset_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("subset_font", ROOT / "tools" / "subset_font.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_first_window_path_imports_no_orm_pdf_or_schema_libraries() -> None:
    code = textwrap.dedent(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import argparse
        from desktop.ui.application import build
        app, window = build(argparse.Namespace(db=None))
        heavy = ("sqlmodel", "sqlalchemy", "alembic", "reportlab", "pydantic", "pypinyin")
        heavy = [m for m in heavy if m in sys.modules]
        print(",".join(heavy))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == ""


def test_what_the_first_paint_does_not_show_stays_unloaded_until_it(tmp_path: Path) -> None:
    """Qt's enum namespace (~20 ms), the key-sequence, message-box, proxy-model, thread-pool, combo-box,
    date-edit, table-view and tree-view types, the case list's model and filters, and the random-number modules load
    after the first paint; the window still gets its keys, clear buttons, case filters and views then."""
    code = textwrap.dedent(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import argparse
        from desktop.ui.application import build
        app, window = build(argparse.Namespace(db=None))
        import PySide6.QtCore as core, PySide6.QtGui as gui, PySide6.QtWidgets as widgets
        loaded = [name for module, name in ((core, "Qt"), (gui, "QKeySequence"), (widgets, "QMessageBox"),
                  (core, "QSortFilterProxyModel"), (core, "QThreadPool"), (widgets, "QComboBox"),
                  (widgets, "QDateEdit"), (widgets, "QTableView"), (widgets, "QTreeView")) if name in vars(module)]
        loaded += [m for m in ("secrets", "desktop.ui.loading", "desktop.cases.profile", "desktop.ui.case_filters",
                               "desktop.ui.case_model") if m in sys.modules]
        print("before", ",".join(loaded))
        window.start_loading()
        views = [name for name in ("QTableView", "QTreeView", "QComboBox") if name in vars(widgets)]
        keys = [a.shortcut().toString() for a in window.findChildren(gui.QAction) if not a.shortcut().isEmpty()]
        print("after", ",".join(sorted(keys)), window.case_search.isClearButtonEnabled(),
              window.picker.search.isClearButtonEnabled(), ",".join(views))
        os._exit(0)
        """
    )
    env = {**os.environ, "YISHI_DB": str(tmp_path / "cases.sqlite3"), "YISHI_CONFIG": str(tmp_path / "settings.json")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, env=env)
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line.startswith(("before", "after")))
    assert lines["before"] == ""
    assert lines["after"] == "Ctrl+L,Ctrl+N,Ctrl+T,F5 True True QTableView,QTreeView,QComboBox"


def test_the_app_font_is_the_shipped_subset_and_the_full_font_follows_the_first_paint() -> None:
    code = textwrap.dedent(
        """
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import argparse
        from PySide6.QtGui import QFontDatabase, QFontInfo
        from PySide6.QtCore import QTimer
        from desktop.ui.application import build
        app, window = build(argparse.Namespace(db=None))
        print("first", QFontInfo(app.font()).family(), "|", ",".join(QFontDatabase.applicationFontFamilies(0)))
        QTimer.singleShot(600, app.quit)
        app.exec()
        print("after", ",".join(sorted(f for i in range(4) for f in QFontDatabase.applicationFontFamilies(i))))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line.startswith(("first", "after")))
    assert lines["first"] == f"{UI_FAMILY} | {UI_FAMILY}"  # the subset alone is registered for the first paint
    assert FULL_FAMILY in lines["after"].split(",")


def test_the_subset_has_every_character_of_the_catalog_and_the_app_text() -> None:
    tool = _subset_tool()
    assert ui_font_path() == tool.UI_FONT
    full = tool.missing(tool.FULL_FONT, tool.wanted())  # a character no font of ours has cannot be asked of the subset
    lacking = [c for c in tool.missing(tool.UI_FONT, tool.wanted()) if c not in full]
    assert lacking == [], f"run tools/subset_font.py and commit {tool.UI_FONT.name}: it lacks {''.join(lacking)}"


def test_the_coverage_check_sees_a_character_the_subset_lacks() -> None:
    tool = _subset_tool()
    assert tool.missing(tool.UI_FONT, ["办", RARE]) == [RARE]
    assert tool.missing(tool.FULL_FONT, ["办", RARE]) == []


def _model_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    texts = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount())]
    pending = [QModelIndex()]
    while pending:
        parent = pending.pop()
        for row in range(model.rowCount(parent)):
            for column in range(model.columnCount(parent)):
                index = model.index(row, column, parent)
                texts.append(str(index.data() or ""))
            pending.append(model.index(row, 0, parent))
    return texts


def _window_texts(window: QWidget) -> list[str]:
    """Every text the window shows: title, labels, fields, buttons, group titles, actions and its views' rows."""
    texts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QAbstractItemView):
            texts += _model_texts(widget)
    texts += [action.text() for action in window.findChildren(QAction)]
    return texts


def test_the_main_window_draws_all_its_text_with_the_subset(main_window: Any, qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert QFontInfo(app.font()).family() == UI_FAMILY
    raw = QRawFont.fromFont(app.font())
    assert raw.familyName() == UI_FAMILY
    texts = _window_texts(main_window)
    shown = {c for text in texts for c in text if ord(c) > 0x7F and c.isprintable()}
    assert len(shown) > 200  # bundle names, toolbar, labels: the check sees the window's real text
    missing = sorted(c for c in shown if not raw.supportsCharacter(ord(c)))
    assert missing == []
    assert not raw.supportsCharacter(ord(RARE))  # and it can tell a character the subset lacks


def _families_used(text: str, font: QFont) -> list[str]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [run.rawFont().familyName() for run in layout.glyphRuns()]


def test_a_character_outside_the_subset_is_drawn_with_the_full_font(qapp: QApplication) -> None:
    family = install_font(qapp)
    assert install_fallback_font(family) == FULL_FAMILY
    assert set(_families_used(f"申请人：张{RARE}", QFont(family, 10))) == {UI_FAMILY, FULL_FAMILY}
    assert _families_used(RARE, QFont(family, 10)) == [FULL_FAMILY]
    assert _families_used("申请人", QFont(family, 10)) == [UI_FAMILY]


def test_the_quick_feature_scan_is_installed_and_answers_as_pysides_own_for_every_loaded_module() -> None:
    assert feature_scan.installed, "PySide6 moved its __feature__ hook: desktop/ui/feature_scan.py replaces nothing"
    own = feature_scan.pyside_scan
    assert own is not None
    modules = [m for m in list(sys.modules.values()) if isinstance(m, ModuleType)]
    assert len(modules) > 300  # the standard library's, third parties', ours with and without Qt
    differ = [m.__name__ for m in modules if feature_scan.mentions_pyside(m) != own(m)]
    assert differ == []
    assert feature_scan.mentions_pyside(sys.modules["desktop.ui.main_window"])
    assert not feature_scan.mentions_pyside(sys.modules["desktop.cases.clock"])
