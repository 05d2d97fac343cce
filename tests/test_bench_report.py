"""Every bench speaks the one JSON shape (issue 12, part 6): ``--json`` and bench/report.py's last line."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import Figure, emit, wants_json  # noqa: E402 - the bench package lives beside the tests

BENCHES = sorted((ROOT / "bench").glob("bench_*.py"))


def test_a_figure_meets_its_target_by_its_ratio_or_else_its_value() -> None:
    assert Figure("keys", 194, "keys", ratio=0.66, target=0.67).met() is True
    assert Figure("keys", 194, "keys", ratio=0.68, target=0.67).met() is False
    assert Figure("rate", 0.96, "share", target=0.95, higher_is_better=True).met() is True
    assert Figure("misreads", 1, "codes", target=0).met() is False
    assert Figure("build", 12.5, "ms").met() is None


def test_wants_json_takes_the_flag_out_of_the_arguments() -> None:
    argv = ["bench.py", "--json", "5"]
    assert wants_json(argv) and argv == ["bench.py", "5"]
    assert not wants_json(["bench.py", "5"])


def test_emit_prints_the_shape_as_the_last_line(capsys: pytest.CaptureFixture[str]) -> None:
    print("table first")
    emit("keystrokes", [Figure("keys and clicks: 新生儿出生", 194, "keys", 194 / 292, 0.67)])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    shape = json.loads(last)
    assert shape["bench"] == "keystrokes"
    (figure,) = shape["figures"]
    assert set(figure) == {"name", "value", "unit", "ratio", "target", "met"}
    assert figure["name"] == "keys and clicks: 新生儿出生" and figure["met"] is True and figure["ratio"] == 0.6644


@pytest.mark.parametrize("path", BENCHES, ids=[p.stem for p in BENCHES])
def test_every_bench_takes_json_and_emits_the_report(path: Path) -> None:
    calls = {
        node.func.id
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert {"wants_json", "emit"} <= calls, f"{path.name} must read --json and emit bench/report.py's shape"
