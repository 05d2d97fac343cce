"""The ``yishi`` command line: a thin layer over :mod:`desktop.services` (``desktop.entry`` is the executable).

Each command group lives in its own module with a ``register(sub)``; messages are English, bad input exits
non-zero with one line on stderr and no traceback."""

from __future__ import annotations

import argparse

from desktop import __version__
from desktop.cli import (
    accounts_cmd,
    audit_cmd,
    backup_cmd,
    cases_cmd,
    catalog_cmd,
    demo_cmd,
    report_cmd,
    store_cmd,
    sync_cmd,
)
from desktop.cli.common import fail
from desktop.services.encryption import EncryptionError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yishi", description="一件事一次办 window intake")
    parser.add_argument("--version", action="version", version=f"yishi {__version__}")
    parser.add_argument("--db", help="case store SQLite file (env YISHI_DB)")
    sub = parser.add_subparsers(dest="command")

    catalog_cmd.register(sub)
    demo_cmd.register(sub)
    # run by desktop.entry (it needs the window app, which this package never imports)
    sub.add_parser("selftest", help="open the store, check the catalog, show the window offscreen, exit")

    sync_cmd.register(sub)
    accounts_cmd.register(sub)
    audit_cmd.register(sub)
    report_cmd.register(sub)
    cases_cmd.register(sub)
    store_cmd.register(sub)
    backup_cmd.register(sub)
    return parser


def run_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run a parsed command other than the window app's (``desktop.entry`` starts that)."""
    if args.command == "catalog" and args.action == "check" and not args.file:
        parser.error("catalog check needs a FILE (a catalog directory or JSON file)")
    try:
        return int(args.func(args))
    except EncryptionError as exc:  # an encrypted store without its passphrase, or a plain one where one is required
        return fail(str(exc))
