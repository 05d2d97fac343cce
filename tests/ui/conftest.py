"""Fixtures for the Qt tests: a main window over a fresh store with a window profile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop import settings as settings_mod
from desktop.services.demo import DEMO_PROFILE
from desktop.ui.fonts import install_font
from desktop.ui.gc_timer import UiThreadCollector
from desktop.ui.main_window import MainWindow
from desktop.ui.workers import serial_pool


@pytest.fixture(autouse=True)
def _collect_on_the_ui_thread(qapp: object) -> Iterator[None]:
    """As in the app: no automatic garbage collection on worker threads (it frees Qt objects there)."""
    collector = UiThreadCollector()
    yield
    collector.stop()


@pytest.fixture
def profile_settings(tmp_path: Path) -> settings_mod.Settings:
    s = settings_mod.Settings()
    s.center_name, s.division_code, s.window_code, s.clerk = DEMO_PROFILE
    s.scanner_wedge = False  # QTest types faster than any person; tests of scanning turn the wedge on
    settings_mod.save(s, tmp_path / "settings.json")
    return s


@pytest.fixture
def main_window(qtbot: QtBot, tmp_path: Path, profile_settings: settings_mod.Settings) -> Iterator[object]:
    install_font(qtbot_app())
    window = MainWindow(profile_settings, tmp_path / "cases.sqlite3", tmp_path / "settings.json")
    window.offer_drafts_on_start = False
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    with qtbot.waitSignal(window.catalog_ready, timeout=30_000):
        window.start_loading()
    qtbot.waitUntil(lambda: window.hall is not None and window.catalog is not None, timeout=30_000)
    yield window
    if window.intake is not None:
        window.intake._timer.stop()
    window.store_pool.waitForDone(10_000)
    window.hall.close()


def qtbot_app() -> object:
    return QApplication.instance()


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    """A one-thread store pool, as the main window's (drained after the test)."""
    made = serial_pool()
    yield made
    made.waitForDone(20_000)
