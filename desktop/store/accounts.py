"""Accounts: who may work this window. Passwords are argon2id hashes (argon2-cffi); failed logins are limited.

Every change is audited with the acting account; a failed login is audited too (under the account's name when it
exists and is enabled, else under ``system`` with the name typed). After :data:`MAX_FAILED_LOGINS` failures in a
row an account is locked for :data:`LOCKOUT` (a correct password does not open it before then).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from desktop.cases.roles import SYSTEM_ACTORS, NotPermitted, Permission, Role, can, parse_role
from desktop.store.audit_log import append_audit
from desktop.store.base import StoreBase
from desktop.store.db import write_session
from desktop.store.models import Account, AuditEvent

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 8
USERNAME = re.compile(r"[a-z][a-z0-9_.-]{1,31}")

_hasher = PasswordHasher()


class AccountError(ValueError):
    """Bad account input (a taken name, a short password, the last administrator…)."""


class LoginFailed(PermissionError):  # noqa: N818 - reads as what happened
    """Wrong name or password, a disabled account, or one locked after too many failures."""


@dataclass(frozen=True)
class AccountInfo:
    """An account as the rest of the app sees it (never the hash)."""

    username: str
    display_name: str
    role: Role
    enabled: bool
    locked_until: datetime | None

    @property
    def label(self) -> str:
        return f"{self.display_name}（{self.username}）"


def _info(account: Account) -> AccountInfo:
    return AccountInfo(
        account.username, account.display_name, parse_role(account.role), account.enabled, account.locked_until
    )


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def _password_ok(account: Account, password: str) -> bool:
    try:
        return _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _load(session: Session, username: str) -> Account:
    account = session.exec(select(Account).where(Account.username == username)).first()
    if account is None:
        raise AccountError(f"no account named {username!r}")
    return account


def _require_admin(session: Session, actor: str) -> None:
    account = session.exec(select(Account).where(Account.username == actor)).first()
    if account is None or not account.enabled or not can(account.role, Permission.MANAGE_ACCOUNTS):
        raise NotPermitted(f"{actor!r} is not an enabled administrator")


def _enabled_admins(session: Session) -> int:
    query = select(func.count()).select_from(Account).where(Account.role == Role.ADMIN.value, col(Account.enabled))
    return int(session.exec(query).one())


class Accounts(StoreBase):
    def account_count(self) -> int:
        with Session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(Account)).one())

    def accounts(self) -> list[AccountInfo]:
        with Session(self.engine) as session:
            return [_info(a) for a in session.exec(select(Account).order_by(col(Account.username)))]

    def account(self, username: str) -> AccountInfo | None:
        with Session(self.engine) as session:
            found = session.exec(select(Account).where(Account.username == username)).first()
            return None if found is None else _info(found)

    def add_account(self, username: str, display_name: str, role: Role, password: str, *, actor: str) -> AccountInfo:
        """A new account. The very first one must be an administrator and is created by ``system`` (first run);
        after that only an enabled administrator adds accounts."""
        if not USERNAME.fullmatch(username) or username in SYSTEM_ACTORS:
            raise AccountError(
                f"username {username!r}: 2–32 lowercase letters, digits, '.', '_' or '-', starting with a letter"
                f" (not {', '.join(sorted(SYSTEM_ACTORS))})"
            )
        if not display_name.strip():
            raise AccountError("an account needs a display name (the person's name)")
        password_hash = hash_password(password)
        now = self.clock.now()
        with write_session(self.engine) as session:
            first = session.exec(select(func.count()).select_from(Account)).one() == 0
            if first and (role is not Role.ADMIN or actor != "system"):
                raise AccountError("the first account must be the administrator, created at first run")
            if not first:
                _require_admin(session, actor)
            if session.exec(select(Account).where(Account.username == username)).first() is not None:
                raise AccountError(f"an account named {username!r} exists already")
            account = Account(
                username=username,
                display_name=display_name.strip(),
                role=role.value,
                password_hash=password_hash,
                created_at=now,
                updated_at=now,
            )
            session.add(account)
            session.flush()
            detail = {"username": username, "role": role.value, "display_name": account.display_name}
            append_audit(session, AuditEvent(at=now, actor=actor, action="account_add", detail=detail))
            return _info(account)

    def disable_account(self, username: str, *, actor: str) -> AccountInfo:
        now = self.clock.now()
        with write_session(self.engine) as session:
            _require_admin(session, actor)
            account = _load(session, username)
            if account.enabled and account.role == Role.ADMIN.value and _enabled_admins(session) <= 1:
                raise AccountError("the last enabled administrator cannot be disabled")
            account.enabled, account.updated_at = False, now
            session.add(account)
            append_audit(
                session, AuditEvent(at=now, actor=actor, action="account_disable", detail={"username": username})
            )
            return _info(account)

    def reset_password(self, username: str, password: str, *, actor: str) -> AccountInfo:
        """A new password (an administrator's act); also clears failed logins and a lockout."""
        password_hash = hash_password(password)
        now = self.clock.now()
        with write_session(self.engine) as session:
            _require_admin(session, actor)
            account = _load(session, username)
            account.password_hash, account.failed_logins, account.locked_until = password_hash, 0, None
            account.updated_at = now
            session.add(account)
            detail = {"username": username}
            append_audit(session, AuditEvent(at=now, actor=actor, action="account_reset_password", detail=detail))
            return _info(account)

    def authenticate(self, username: str, password: str, *, purpose: str = "login") -> AccountInfo:
        """The account when ``password`` is right; else :class:`LoginFailed`. Success and failure are audited
        (``purpose``: ``login`` at start, ``unlock`` after an idle lock)."""
        now = self.clock.now()
        failure: str | None = None
        detail: dict[str, Any]
        with write_session(self.engine) as session:
            account = session.exec(select(Account).where(Account.username == username)).first()
            if account is None or not account.enabled:
                failure = "用户名或密码错误" if account is None else "账户已停用"
                detail = {"username": username, "reason": "unknown" if account is None else "disabled"}
                append_audit(session, AuditEvent(at=now, actor="system", action=f"{purpose}_failed", detail=detail))
            elif account.locked_until is not None and account.locked_until > now:
                failure = f"连续输错密码，账户已锁定至 {self.clock.local(account.locked_until):%H:%M}"
                detail = {"reason": "locked"}
                append_audit(session, AuditEvent(at=now, actor=username, action=f"{purpose}_failed", detail=detail))
            elif not _password_ok(account, password):
                account.failed_logins += 1
                locked = account.failed_logins >= MAX_FAILED_LOGINS
                if locked:
                    account.locked_until, account.failed_logins = now + LOCKOUT, 0
                session.add(account)
                failure = "连续输错密码，账户已锁定" if locked else "用户名或密码错误"
                detail = {"reason": "password", "locked": locked}
                append_audit(session, AuditEvent(at=now, actor=username, action=f"{purpose}_failed", detail=detail))
            else:
                account.failed_logins, account.locked_until = 0, None
                session.add(account)
                append_audit(session, AuditEvent(at=now, actor=username, action=purpose, detail={}))
                return _info(account)
        raise LoginFailed(failure)
