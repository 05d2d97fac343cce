"""``yishi catalog``: check a catalog, print the bundles as JSON or the merged-vs-separate figures."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop.catalog import export
from desktop.catalog.loader import CatalogError
from desktop.forms.reduction import reduction


def catalog(args: argparse.Namespace) -> int:
    try:
        if args.action == "check":
            return _check(Path(args.file))
        idx = export.load_index(Path(args.file) if args.file else None)
    except CatalogError as exc:
        for err in exc.errors:
            print(err, file=sys.stderr)
        return 1
    if args.stats:
        data = [reduction(idx, b.code).as_json() for b in idx.bundles_in_order()]
    elif args.json:
        data = export.bundles_json(idx)
    else:
        print(f"catalog {idx.version} ({idx.checksum[:12]}): {len(idx.bundles)} bundles, {len(idx.items)} items")
        return 0
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _check(path: Path) -> int:
    errors = export.check_path(path)
    for err in errors:
        print(err, file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s) in {path}", file=sys.stderr)
        return 1
    print(f"{path}: OK")
    return 0


def register(sub: Any) -> None:
    cat = sub.add_parser("catalog", help="inspect or check the bundle catalog")
    cat.add_argument("action", nargs="?", choices=["check"], help="check FILE and list every error")
    cat.add_argument("file", nargs="?", help="catalog directory or JSON file (default: the shipped one)")
    cat.add_argument("--json", action="store_true", help="print the bundles as JSON")
    cat.add_argument("--stats", action="store_true", help="print merged-vs-separate figures (with --json)")
    cat.set_defaults(func=catalog)
