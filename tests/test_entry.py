"""The ``yishi`` executable tells the window app from a command before importing either."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.cli import build_parser
from desktop.entry import window_arguments

WINDOW_FORMS = [[], ["selftest"], ["--db", "hall.sqlite3"], ["--db=hall.sqlite3"], ["--db", "x.sqlite3", "selftest"]]


@pytest.mark.parametrize("argv", WINDOW_FORMS)
def test_the_window_app_gets_what_the_command_line_parser_would_give(argv: list[str]) -> None:
    parsed, window = build_parser().parse_args(argv), window_arguments(argv)
    assert window is not None and (window.db, window.command) == (parsed.db, parsed.command)


@pytest.mark.parametrize(
    "argv", [["cases", "--json"], ["--db", "x", "cases"], ["--version"], ["--help"], ["--db"], ["selftest", "-x"]]
)
def test_a_command_help_or_mistake_goes_to_the_command_line(argv: list[str]) -> None:
    assert window_arguments(argv) is None


def test_the_executable_loads_no_command_before_it_knows_it_runs_one() -> None:
    loaded = "sorted(m for m in sys.modules if m.startswith(('desktop.cli', 'sqlalchemy')))"
    code = f"import sys, desktop.entry; print({loaded})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
