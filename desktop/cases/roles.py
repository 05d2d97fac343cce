"""Who may do what: the three roles of a hall and their permissions (Qt-free; the UI and services ask here).

Clerks (窗口人员) take cases and see their own work; supervisors (督查/负责人) see the whole store, run reports, void
cases and record 差评 follow-ups; administrators manage accounts and the window profile (and may do everything a
supervisor may).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Permission(StrEnum):
    TAKE_CASES = "take_cases"  # intake, decide, reprint own documents
    SEE_ALL_CASES = "see_all_cases"  # the whole store, not only one's own cases
    RUN_REPORTS = "run_reports"  # 日报/月报, exports
    VOID_CASE = "void_case"  # 作废 with a reason
    FOLLOW_UP_RATING = "follow_up_rating"  # 回访/整改 of a 差评
    VERIFY_AUDIT = "verify_audit"
    MANAGE_ACCOUNTS = "manage_accounts"
    EDIT_PROFILE = "edit_profile"  # the window profile and settings


ROLE_LABELS: dict[Role, str] = {Role.CLERK: "窗口人员", Role.SUPERVISOR: "督查人员", Role.ADMIN: "系统管理员"}

_SUPERVISION = frozenset(
    {
        Permission.TAKE_CASES,
        Permission.SEE_ALL_CASES,
        Permission.RUN_REPORTS,
        Permission.VOID_CASE,
        Permission.FOLLOW_UP_RATING,
        Permission.VERIFY_AUDIT,
    }
)

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset({Permission.TAKE_CASES}),
    Role.SUPERVISOR: _SUPERVISION,
    Role.ADMIN: _SUPERVISION | {Permission.MANAGE_ACCOUNTS, Permission.EDIT_PROFILE},
}

SYSTEM_ACTORS = frozenset({"platform", "sync", "system"})
"""Actors that are not people: the platform's reports, the sync worker, the app itself (a failed login by an unknown
name is recorded as ``system``). Usernames may not take these names."""


class NotPermitted(PermissionError):  # noqa: N818 - reads as what happened
    """The account's role does not allow the action."""


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValueError(f"unknown role {value!r} (expected one of: {', '.join(r.value for r in Role)})") from None


def can(role: Role | str, permission: Permission) -> bool:
    return permission in PERMISSIONS[parse_role(str(role))]


def require(role: Role | str, permission: Permission) -> None:
    if not can(role, permission):
        raise NotPermitted(f"a {parse_role(str(role)).value} may not {permission.value.replace('_', ' ')}")
