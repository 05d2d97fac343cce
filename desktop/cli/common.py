"""What every command that works on this window's store shares: which store, and the hall around it."""

from __future__ import annotations

import argparse
import sys

from desktop import paths
from desktop.services.hall import Hall
from desktop.services.sync import data_dir
from desktop.settings import Settings


def fail(message: str, code: int = 1) -> int:
    """One English line on stderr and the exit code: no traceback reaches an operator."""
    print(f"error: {message}", file=sys.stderr)
    return code


def open_hall(args: argparse.Namespace, settings: Settings) -> Hall:
    """The store named by ``--db`` / ``YISHI_DB`` / the settings, with the hall's clock and catalogs."""
    return Hall.open(paths.db_path_from(args, settings), settings, data_dir())
