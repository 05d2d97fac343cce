"""``yishi report [--from D] [--to D] [--window W] [--json | --xlsx FILE | --pdf FILE]``: the 日报 / 月报.

No dates: today in the hall's time zone. Exports (xlsx, pdf) are audited under ``system``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from desktop import settings
from desktop.cli.common import fail, open_hall
from desktop.services import reports


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def report(args: argparse.Namespace) -> int:
    current = settings.load()
    if args.window is not None and (len(args.window) != 2 or not args.window.isdigit()):
        return fail(f"window must be two digits (01–99), got {args.window!r}")
    hall = open_hall(args, current)
    try:
        first, last = reports.period(hall, args.start, args.end)
        data = reports.build_report(
            hall, first, last, reports.Filters(window=args.window), center_name=current.center_name
        )
        if args.xlsx or args.pdf:
            target = Path(args.xlsx or args.pdf)
            try:
                (reports.write_xlsx if args.xlsx else reports.write_pdf)(data, target)
            except OSError as exc:
                return fail(f"cannot write {target}: {exc.strerror or exc}")
            reports.audit_export(hall, "system", "xlsx" if args.xlsx else "pdf", data, str(target))
            print(f"{target}: {data.kind} {first}..{last}, {data.total} cases")
            return 0
    except ValueError as exc:
        return fail(str(exc))
    finally:
        hall.close()
    if args.json:
        sys.stdout.write(reports.dumps(data) + "\n")
    else:
        decided = ", ".join(f"{k} {n}" for k, n in data.by_decision.items())
        deferred = f"容缺 open {data.deferred_open}, overdue {data.deferred_overdue}"
        print(f"{first}..{last}: {data.total} cases ({decided}); {deferred}")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser("report", help="the 日报/月报 of a period of the hall's days (default: today)")
    parser.add_argument("--from", dest="start", type=_day, help="first day, YYYY-MM-DD (the hall's time zone)")
    parser.add_argument("--to", dest="end", type=_day, help="last day, YYYY-MM-DD (inclusive)")
    parser.add_argument("--window", help="only this window code (01–99)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    out.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook (openpyxl)")
    out.add_argument("--pdf", metavar="FILE", help="write the printable PDF")
    parser.set_defaults(func=report)
