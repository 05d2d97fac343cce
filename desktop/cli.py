"""The ``yishi`` command line. With no command it starts the window app."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop import __version__


def _catalog(args: argparse.Namespace) -> int:
    from desktop.catalog import export
    from desktop.catalog.loader import CatalogError

    try:
        if args.action == "check":
            errors = export.check_path(Path(args.file))
            for err in errors:
                print(err, file=sys.stderr)
            if errors:
                print(f"{len(errors)} error(s) in {args.file}", file=sys.stderr)
                return 1
            print(f"{args.file}: OK")
            return 0
        idx = export.load_index(Path(args.file) if args.file else None)
    except CatalogError as exc:
        for err in exc.errors:
            print(err, file=sys.stderr)
        return 1
    if args.stats:
        data = export.stats(idx)
    elif args.json:
        data = export.bundles_json(idx)
    else:
        print(f"catalog {idx.version} ({idx.checksum[:12]}): {len(idx.bundles)} bundles, {len(idx.items)} items")
        return 0
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _demo_data(args: argparse.Namespace) -> int:
    from desktop import demo, paths, settings
    from desktop.cases.profile import Profile
    from desktop.catalog.export import load_index
    from desktop.store.repo import Store

    db = Path(args.db) if args.db else paths.default_db_path()
    store = Store(db)
    try:
        if args.if_empty and store.list_cases(limit=1):
            print(f"{db}: already has cases; left as it is")
            return 0
        current = settings.load()
        if not current.profile_complete():
            current.center_name, current.division_code, current.window_code, current.clerk = demo.DEMO_PROFILE
            settings.save(current)
        profile = Profile(current.center_name, current.division_code, current.window_code, current.clerk)
        made = demo.seed_store(store, load_index(), profile, args.count)
    finally:
        store.close()
    print(f"{db}: {made} demo cases")
    return 0


def _selftest(args: argparse.Namespace) -> int:
    from desktop.ui.application import selftest

    return selftest(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yishi", description="一件事一次办 window intake")
    parser.add_argument("--version", action="version", version=f"yishi {__version__}")
    parser.add_argument("--db", help="case store SQLite file (env YISHI_DB)")
    sub = parser.add_subparsers(dest="command")

    cat = sub.add_parser("catalog", help="inspect or check the bundle catalog")
    cat.add_argument("action", nargs="?", choices=["check"], help="check FILE and list every error")
    cat.add_argument("file", nargs="?", help="catalog directory or JSON file (default: the shipped one)")
    cat.add_argument("--json", action="store_true", help="print the bundles as JSON")
    cat.add_argument("--stats", action="store_true", help="print merged-vs-separate figures (with --json)")
    cat.set_defaults(func=_catalog)

    demo = sub.add_parser("demo-data", help="fill the case store with sample cases taken through the real pipeline")
    demo.add_argument("--count", type=int, default=12)
    demo.add_argument("--if-empty", action="store_true", help="do nothing when the store already has cases")
    demo.set_defaults(func=_demo_data)

    test = sub.add_parser("selftest", help="open the store, check the catalog, show the window offscreen, exit")
    test.set_defaults(func=_selftest)

    from desktop import sync_cli

    sync_cli.register(sub)
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
