"""``yishi accounts add|list|disable|reset-password``: who may work this window.

The first ``add`` on a store without accounts creates the administrator (``--role admin``). After that every change
names an administrator with ``--as USERNAME`` and gives that administrator's password. Passwords are read with a
hidden prompt on a terminal, else one per line from standard input (the administrator's first, then the new one).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from desktop import settings
from desktop.cases.roles import NotPermitted, Role, parse_role
from desktop.cli.common import fail, open_hall
from desktop.services import accounts as service
from desktop.services.hall import Hall


def _secret(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        raise service.AccountError(f"no password given on standard input ({prompt.strip().rstrip(':')})")
    return line.rstrip("\r\n")


def _admin(hall: Hall, username: str | None) -> service.AccountInfo:
    if not username:
        raise service.AccountError("name the administrator making this change with --as USERNAME")
    return service.login(hall, username, _secret(f"password of {username}: "))


def accounts(args: argparse.Namespace) -> int:
    hall = open_hall(args, settings.load())
    try:
        return _run(hall, args)
    except (service.AccountError, service.LoginFailed, NotPermitted, ValueError) as exc:
        return fail(str(exc))
    finally:
        hall.close()


def _run(hall: Hall, args: argparse.Namespace) -> int:
    if args.action == "list":
        rows = hall.store.accounts()
        if args.json:
            data = [
                {"username": a.username, "name": a.display_name, "role": a.role.value, "enabled": a.enabled}
                for a in rows
            ]
            print(json.dumps(data, ensure_ascii=False))
        for a in rows if not args.json else []:
            state = "enabled" if a.enabled else "disabled"
            print(f"{a.username}\t{a.role.value}\t{state}\t{a.display_name}")
        return 0
    if args.action == "add":
        role = parse_role(args.role)
        if service.first_run(hall):
            if role is not Role.ADMIN:
                return fail("this store has no accounts yet: the first one must be the administrator (--role admin)")
            made = service.create_administrator(hall, args.username, args.name, _new_password())
        else:
            admin = _admin(hall, args.as_user)
            made = service.add_account(hall, admin, args.username, args.name, role=role, password=_new_password())
        print(f"added {made.role.value} {made.username} ({made.display_name})")
        return 0
    admin = _admin(hall, args.as_user)
    if args.action == "disable":
        service.disable_account(hall, admin, args.username)
        print(f"disabled {args.username}")
    else:
        service.reset_password(hall, admin, args.username, _new_password())
        print(f"password of {args.username} reset")
    return 0


def _new_password() -> str:
    first = _secret("new password: ")
    if sys.stdin.isatty() and getpass.getpass("repeat it: ") != first:
        raise service.AccountError("the two passwords differ")
    return first


def register(sub: Any) -> None:
    parser = sub.add_parser("accounts", help="add, list, disable accounts or reset a password")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add an account (the first one: the administrator)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the person's name as shown and printed (e.g. 李晓梅)")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    listing = actions.add_parser("list", help="every account with its role and state")
    listing.add_argument("--json", action="store_true")
    disable = actions.add_parser("disable", help="disable an account (kept: its cases still name it)")
    disable.add_argument("username")
    reset = actions.add_parser("reset-password", help="set a new password; clears a lockout")
    reset.add_argument("username")
    for p in (add, disable, reset):
        p.add_argument("--as", dest="as_user", help="the administrator making the change")
    listing.set_defaults(as_user=None)
    parser.set_defaults(func=accounts)
