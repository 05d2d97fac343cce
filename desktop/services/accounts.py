"""Account use cases: first run, login and unlock, the administrator's account changes, and who is at the window.

On an encrypted store each account has its own wrap of the store key (labelled with its user name, see
desktop.services.encryption): adding an account or resetting a password adds or replaces it, disabling an account
removes it, and an account that predates encryption gets one at its first login on the unlocked store.

The logged-in account is the operator of everything the window writes: :func:`operator_profile` gives the window
profile with the account's username as ``clerk``, which is what every ``desktop.services.intake`` call takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from desktop.cases.profile import Profile
from desktop.cases.roles import Permission, Role, require
from desktop.services.encryption import drop_account_wrap, wrap_for_account
from desktop.services.hall import Hall
from desktop.store.accounts import MIN_PASSWORD, USERNAME, AccountError, AccountInfo, LoginFailed

__all__ = [
    "MIN_PASSWORD",
    "USERNAME",
    "AccountError",
    "AccountInfo",
    "LoginFailed",
    "add_account",
    "create_administrator",
    "disable_account",
    "display_name",
    "first_run",
    "login",
    "operator_profile",
    "record_settings_change",
    "reset_password",
    "unlock",
]


def first_run(hall: Hall) -> bool:
    """No account yet: the app (or ``yishi accounts add``) must create the administrator first."""
    return hall.store.account_count() == 0


def create_administrator(hall: Hall, username: str, display_name: str, password: str) -> AccountInfo:
    """The first account, at first run (refused once any account exists)."""
    if not first_run(hall):
        raise AccountError("this store has accounts already: an administrator adds the others")
    made = hall.store.add_account(username, display_name, Role.ADMIN, password, actor="system")
    wrap_for_account(hall.store, made.username, password)
    return made


def login(hall: Hall, username: str, password: str) -> AccountInfo:
    """The account behind a correct password (audited either way; limited: see desktop.store.accounts). On an
    unlocked encrypted store, an account without a wrap of the store key (made before encryption) gets one."""
    account = hall.store.authenticate(username.strip(), password)
    wrap_for_account(hall.store, account.username, password, only_missing=True)
    return account


def unlock(hall: Hall, current: AccountInfo, password: str) -> AccountInfo:
    """Quick unlock after an idle lock: the same person's password only (another person logs in afresh)."""
    return hall.store.authenticate(current.username, password, purpose="unlock")


def add_account(
    hall: Hall, admin: AccountInfo, username: str, display_name: str, *, role: Role, password: str
) -> AccountInfo:
    require(admin.role, Permission.MANAGE_ACCOUNTS)
    made = hall.store.add_account(username, display_name, role, password, actor=admin.username)
    wrap_for_account(hall.store, made.username, password)  # after the store took it: a taken name keeps its wrap
    return made


def reset_password(hall: Hall, admin: AccountInfo, username: str, password: str) -> AccountInfo:
    """The administrator sets a new password; the account's wrap of the store key follows it."""
    require(admin.role, Permission.MANAGE_ACCOUNTS)
    changed = hall.store.reset_password(username, password, actor=admin.username)
    wrap_for_account(hall.store, changed.username, password)
    return changed


def disable_account(hall: Hall, admin: AccountInfo, username: str) -> AccountInfo:
    """The administrator disables an account (kept: its cases name it); its wrap of the store key goes."""
    require(admin.role, Permission.MANAGE_ACCOUNTS)
    changed = hall.store.disable_account(username, actor=admin.username)
    drop_account_wrap(hall.store, changed.username)
    return changed


def record_settings_change(
    hall: Hall, operator: AccountInfo, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[str]:
    """Audit a settings change: which keys changed, from what to what (the clerk, set from the login, is not a
    setting anyone changes). Returns the changed keys; nothing is written when none changed."""
    changed = sorted(k for k in after if k != "clerk" and before.get(k) != after.get(k))
    if changed:
        detail = {"changed": {k: [before.get(k), after.get(k)] for k in changed}}
        hall.store.record(operator.username, "settings_change", detail)
    return changed


def display_name(hall: Hall, username: str) -> str:
    """What documents print for a case's clerk: the account's name (李晓梅), or the stored text itself for a case
    from before accounts."""
    account = hall.store.account(username)
    return username if account is None else account.display_name


def operator_profile(profile: Profile, account: AccountInfo) -> Profile:
    """The window profile with the logged-in account as the operator (``clerk`` is the username)."""
    require(account.role, Permission.TAKE_CASES)
    return replace(profile, clerk=account.username)
