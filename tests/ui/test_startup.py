"""The path to the first window stays light, and the app renders Chinese from the shipped font."""

from __future__ import annotations

import subprocess
import sys
import textwrap


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
