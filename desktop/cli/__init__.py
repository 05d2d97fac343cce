"""The ``yishi`` command line: a thin layer over :mod:`desktop.services`. With no command it starts the window app.

Each command group lives in its own module with a ``register(sub)``; messages are English, bad input exits
non-zero with one line on stderr and no traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from desktop import __version__
from desktop.cli import catalog_cmd, demo_cmd, sync_cmd


def _selftest(args: argparse.Namespace) -> int:
    from desktop.ui.application import selftest

    return selftest(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yishi", description="一件事一次办 window intake")
    parser.add_argument("--version", action="version", version=f"yishi {__version__}")
    parser.add_argument("--db", help="case store SQLite file (env YISHI_DB)")
    sub = parser.add_subparsers(dest="command")

    catalog_cmd.register(sub)
    demo_cmd.register(sub)
    test = sub.add_parser("selftest", help="open the store, check the catalog, show the window offscreen, exit")
    test.set_defaults(func=_selftest)

    sync_cmd.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "catalog" and args.action == "check" and not args.file:
        parser.error("catalog check needs a FILE (a catalog directory or JSON file)")
    if args.command is None:
        from desktop.ui.application import run

        return run(args)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
