"""A draft survives the app being killed: everything typed comes back after a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from desktop.ui.main_window import MainWindow

CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    from desktop import settings as settings_mod
    from desktop.ui.main_window import MainWindow

    app = QApplication([])
    tmp = Path(sys.argv[1])
    window = MainWindow(settings_mod.load(tmp / "settings.json"), tmp / "cases.sqlite3", tmp / "settings.json")
    window.offer_drafts_on_start = False
    window.show()

    def opened(host):
        form = host.widget.form
        form.editors["enterprise.name"].inputs[0].setText("沈阳恒远科技有限公司")
        form.editors["enterprise.name"].inputs[0].textEdited.emit("沈阳恒远科技有限公司")
        form.editors["legal_rep.phone"].inputs[0].setText("13912345678")
        form.editors["legal_rep.phone"].inputs[0].textEdited.emit("13912345678")
        host.saved.connect(lambda: print("SAVED", flush=True))

    def ready(_rows):
        window.cases_loaded.disconnect(ready)  # both the catalog and the store are loaded
        window.intake_opened.connect(opened)
        window.start_intake(next(b.code for b in window.catalog.index.catalog.bundles if b.name == "企业开办"))

    window.cases_loaded.connect(ready)
    window.start_loading()
    app.exec()
    """
)


def test_draft_reopens_with_everything_typed_after_kill_9(
    main_window: Any, qtbot: QtBot, tmp_path: Path, profile_settings: Any
) -> None:
    main_window.hall.close()
    child_dir = tmp_path / "child"
    child_dir.mkdir()
    (tmp_path / "settings.json").replace(child_dir / "settings.json")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-c", CHILD, str(child_dir)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()  # blocks until the autosave committed
            assert line.strip() == "SAVED"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    restarted = MainWindow(profile_settings, child_dir / "cases.sqlite3", child_dir / "settings.json")
    restarted.offer_drafts_on_start = False
    qtbot.addWidget(restarted)
    with qtbot.waitSignal(restarted.catalog_ready, timeout=30_000):
        restarted.start_loading()
    qtbot.waitUntil(lambda: restarted.hall is not None, timeout=30_000)
    drafts = restarted.hall.store.drafts()
    assert len(drafts) == 1
    with qtbot.waitSignal(restarted.intake_opened, timeout=10_000):
        restarted.open_case(drafts[0].id)
    values = restarted.intake.session.values
    assert values["enterprise.name"] == "沈阳恒远科技有限公司"
    assert values["legal_rep.phone"] == "13912345678"
    assert restarted.intake.widget.form.editors["enterprise.name"].value() == "沈阳恒远科技有限公司"
    restarted.intake._timer.stop()
    restarted.store_pool.waitForDone(10_000)
    restarted.hall.close()
