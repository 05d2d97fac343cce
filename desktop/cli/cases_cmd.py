"""``yishi cases``: the store's cases, filtered, as a table or JSON; ``yishi print NUMBER --out DIR``: every
document of one case as PDF files (the set the result dialog offers)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from desktop import paths, settings
from desktop.cases.states import CaseState
from desktop.cli.common import fail
from desktop.services.cases import CaseFilter, NothingToPrint, UnknownCaseNumber, list_cases, listing, print_case
from desktop.services.hall import Hall
from desktop.services.sync import data_dir


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _open(args: argparse.Namespace) -> Hall | str:
    """The hall on the existing store, or why not (a listing never creates a store)."""
    current = settings.load()
    db = paths.db_path_from(args, current)
    if paths.store_missing(db):
        return f"no case store at {db}"
    try:
        return Hall.open(db, current, data_dir())
    except ValueError as exc:  # e.g. a time zone the settings name but zoneinfo does not know
        return str(exc)


def cases(args: argparse.Namespace) -> int:
    try:
        chosen = CaseFilter(
            state=CaseState(args.status) if args.status else None, first=args.first, last=args.last, clerk=args.clerk
        )
    except ValueError as exc:
        return fail(str(exc))
    hall = _open(args)
    if isinstance(hall, str):
        return fail(hall)
    try:
        rows = listing(hall, list_cases(hall, chosen, limit=args.limit))
    finally:
        hall.close()
    if args.json:
        print(json.dumps({"cases": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        when = f"{r.decided_at:%Y-%m-%d %H:%M}" if r.decided_at else "-"
        decision = r.decision.value if r.decision else "-"
        items = " ".join(f"{i.code}:{i.outcome.value if i.outcome else '-'}" for i in r.items)
        print(f"{r.number or '(draft)':<24} {r.bundle_code:<10} {decision:<8} {when:<16} {r.clerk}  {items}")
    print(f"{len(rows)} case(s)")
    return 0


def print_documents(args: argparse.Namespace) -> int:
    hall = _open(args)
    if isinstance(hall, str):
        return fail(hall)
    try:
        written = print_case(hall, hall.catalogs.current(), args.number, settings.load(), Path(args.out))
    except UnknownCaseNumber:
        return fail(f"no case numbered {args.number!r} in {hall.store.path}")
    except NothingToPrint:
        return fail(f"case {args.number} has no decision yet: nothing to print")
    except OSError as exc:
        return fail(f"cannot write to {args.out}: {exc.strerror or exc}")
    finally:
        hall.close()
    for path in written:
        print(path)
    return 0


def register(sub: Any) -> None:
    listed = sub.add_parser("cases", help="list the store's cases (dates are the hall's local days)")
    listed.add_argument("--json", action="store_true", help="print {'cases': [...]} as JSON")
    listed.add_argument("--status", choices=[s.value for s in CaseState], help="only cases in this state")
    listed.add_argument("--from", dest="first", type=_day, help="decided (or created) on or after YYYY-MM-DD")
    listed.add_argument("--to", dest="last", type=_day, help="decided (or created) on or before YYYY-MM-DD")
    listed.add_argument("--clerk", help="only cases of this window clerk")
    listed.add_argument("--limit", type=int, default=10_000, help="at most this many, newest first")
    listed.set_defaults(func=cases)
    printed = sub.add_parser("print", help="write every document of a decided case as PDF files")
    printed.add_argument("number", help="the case number (grouped with hyphens or not)")
    printed.add_argument("--out", required=True, help="folder for the PDF files (made if missing)")
    printed.set_defaults(func=print_documents)
