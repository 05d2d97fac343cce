"""``yishi audit verify`` (and ``head``): check the audit log's hash chain; exit 1 naming the first broken row."""

from __future__ import annotations

import argparse
import json
from typing import Any

from desktop import settings
from desktop.cli.common import fail, open_hall


def audit(args: argparse.Namespace) -> int:
    hall = open_hall(args, settings.load())
    try:
        if args.action == "head":
            print(json.dumps(hall.store.audit_head().as_payload()))
            return 0
        checked, broken = hall.store.verify_audit()
        head = hall.store.audit_head()
    finally:
        hall.close()
    if broken is not None:
        return fail(f"audit chain broken at row {broken.row_id}: {broken.reason}")
    print(f"audit chain intact: {checked} rows, head {head.hash}")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser("audit", help="verify the tamper-evident audit log")
    parser.add_argument("action", choices=["verify", "head"], help="verify the chain, or print its head as JSON")
    parser.set_defaults(func=audit)
