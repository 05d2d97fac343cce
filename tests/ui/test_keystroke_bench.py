"""The keystroke bench drives the real window for its three cases, and the form's assists take a third off each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.gui
def test_the_assisted_clerk_needs_a_third_fewer_keys_for_each_case(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_keystrokes.py"), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["bench"] == "keystrokes"
    names = [f["name"] for f in report["figures"]]
    assert names == [f"keys and clicks: {n}" for n in ("新生儿出生", "企业开办", "公民身后一件事")]
    for figure in report["figures"]:
        assert figure["met"] is True and figure["ratio"] <= 0.67 and figure["value"] > 100, figure
