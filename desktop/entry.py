"""The ``yishi`` command and the frozen binary's entry: the window app, or a command-line use case.

It stands above both ``desktop.ui`` and ``desktop.cli``, which never import each other: with no command (or
``selftest``) it starts the window app, otherwise it runs the command. Which of the two is decided before either
is imported: a clerk's first paint must not wait for every command's services (a thousand modules), nor a
command for Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    window = window_arguments(arguments)
    if window is not None:
        from desktop.ui import application  # noqa: PLC0415 - Qt loads only when the window app is asked for

        return application.selftest(window) if window.command == "selftest" else application.run(window)
    from desktop.cli import build_parser, run_command  # noqa: PLC0415 - a command's services load only for it

    parser = build_parser()
    return run_command(parser, parser.parse_args(arguments))


def window_arguments(arguments: list[str]) -> argparse.Namespace | None:
    """The window app's arguments (``[--db PATH] [selftest]``, as the command line's parser reads them), or None
    for anything else: a command, ``--help``, ``--version`` or a mistake, which the full parser answers."""
    db, rest = None, arguments
    if rest[:1] == ["--db"] and len(rest) > 1:
        db, rest = rest[1], rest[2:]
    elif rest[:1] and rest[0].startswith("--db="):
        db, rest = rest[0].removeprefix("--db="), rest[1:]
    if rest not in ([], ["selftest"]):
        return None
    return argparse.Namespace(db=db, command=rest[0] if rest else None)


if __name__ == "__main__":
    sys.exit(main())
