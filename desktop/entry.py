"""The ``yishi`` command and the frozen binary's entry: the window app, or a command-line use case.

It stands above both ``desktop.ui`` and ``desktop.cli``, which never import each other: with no command (or
``selftest``) it starts the window app, otherwise it runs the command. Qt is imported only on the first path.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from desktop.cli import build_parser, run_command


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in (None, "selftest"):
        from desktop.ui import application  # noqa: PLC0415 - Qt loads only when the window app is asked for

        return application.selftest(args) if args.command == "selftest" else application.run(args)
    return run_command(parser, args)


if __name__ == "__main__":
    sys.exit(main())
