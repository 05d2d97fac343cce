"""``yishi demo-data``: sample cases taken through the real pipeline (the README's one-command launch)."""

from __future__ import annotations

import argparse
from typing import Any

from desktop import settings
from desktop.cases.profile import Profile
from desktop.cases.roles import Role
from desktop.cli.common import open_hall
from desktop.services import demo


def demo_data(args: argparse.Namespace) -> int:
    current = settings.load()
    if not (current.center_name and current.division_code and current.window_code):
        current.center_name, current.division_code, current.window_code, _clerk = demo.DEMO_PROFILE
        settings.save(current)
    hall = open_hall(args, current)
    try:
        if args.if_empty and hall.store.list_cases(limit=1):
            print(f"{hall.store.url or hall.store.path}: already has cases; left as it is")
            return 0
        created = demo.ensure_demo_accounts(hall)
        clerk = next(a.username for a in demo.DEMO_ACCOUNTS if a.role is Role.CLERK)
        profile = Profile(current.center_name, current.division_code, current.window_code, clerk)
        made = demo.seed_store(hall, hall.catalogs.current(), profile, args.count)
    finally:
        hall.close()
    print(f"{hall.store.url or hall.store.path}: {made} demo cases, taken by account {clerk}")
    for account in created:
        print(f"  demo account {account.username} ({account.role.value}), password {account.password}")
    return 0


def register(sub: Any) -> None:
    demo_parser = sub.add_parser("demo-data", help="fill the case store with sample cases taken through the pipeline")
    demo_parser.add_argument("--count", type=int, default=12)
    demo_parser.add_argument("--if-empty", action="store_true", help="do nothing when the store already has cases")
    demo_parser.set_defaults(func=demo_data)
