import io
import sqlite3
from datetime import timedelta

import pytest
from hall_cases import PASSWORD, WINDOW, decided, set_time, staff

from desktop.cases.profile import Profile
from desktop.cases.roles import NotPermitted, Permission, Role, can
from desktop.cases.states import Decision
from desktop.entry import main
from desktop.services import accounts
from desktop.services.hall import Hall
from desktop.store.accounts import LOCKOUT, MAX_FAILED_LOGINS, AccountError, LoginFailed
from desktop.store.audit_log import UnknownOperator


def actions(hall: Hall, action: str) -> list[tuple[str, dict[str, object]]]:
    return [(e.actor, e.detail) for e in reversed(hall.store.audit_events()) if e.action == action]


def test_first_run_creates_the_administrator_and_nobody_else(hall: Hall) -> None:
    assert accounts.first_run(hall)
    with pytest.raises(AccountError, match="first account must be the administrator"):
        hall.store.add_account("wangf", "王芳", Role.CLERK, PASSWORD, actor="system")
    admin = accounts.create_administrator(hall, "admin", "系统管理员", PASSWORD)
    assert admin.role is Role.ADMIN and not accounts.first_run(hall)
    with pytest.raises(AccountError):
        accounts.create_administrator(hall, "admin2", "另一个", PASSWORD)
    assert actions(hall, "account_add") == [
        ("system", {"username": "admin", "role": "admin", "display_name": "系统管理员"})
    ]


def test_passwords_are_stored_as_argon2_hashes(hall: Hall) -> None:
    staff(hall)
    with sqlite3.connect(hall.store.path) as db:
        stored = dict(db.execute("SELECT username, password_hash FROM account"))
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored.values())
    assert len(set(stored.values())) == len(stored)  # salted
    assert accounts.login(hall, "wangf", PASSWORD).display_name == "王芳"


def test_only_an_administrator_manages_accounts(hall: Hall) -> None:
    people = staff(hall)
    with pytest.raises(NotPermitted):
        accounts.add_account(hall, people["zhaom"], "x1", "某人", role=Role.CLERK, password=PASSWORD)
    with pytest.raises(NotPermitted):
        hall.store.disable_account("lq", actor="wangf")
    with pytest.raises(AccountError, match="at least 8"):
        accounts.add_account(hall, people["admin"], "x1", "某人", role=Role.CLERK, password="short")
    with pytest.raises(AccountError, match="last enabled administrator"):
        hall.store.disable_account("admin", actor="admin")
    assert [a.username for a in hall.store.accounts()] == ["admin", "lq", "wangf", "zhaom"]


def test_failed_logins_are_limited_and_each_is_audited(hall: Hall) -> None:
    staff(hall)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            accounts.login(hall, "wangf", "wrong password")
    with pytest.raises(LoginFailed, match="锁定"):
        accounts.login(hall, "wangf", PASSWORD)  # right password, but locked
    with pytest.raises(LoginFailed):
        accounts.login(hall, "nobody", PASSWORD)
    failed = actions(hall, "login_failed")
    assert len(failed) == MAX_FAILED_LOGINS + 2
    assert failed[-2] == ("wangf", {"reason": "locked"})
    assert failed[-1] == ("system", {"username": "nobody", "reason": "unknown"})
    set_time(hall.clock, hall.clock.now() + LOCKOUT + timedelta(seconds=1))
    assert accounts.login(hall, "wangf", PASSWORD).username == "wangf"
    assert actions(hall, "login")[-1][0] == "wangf"


def test_reset_password_clears_a_lockout_and_disabled_accounts_cannot_log_in(hall: Hall) -> None:
    staff(hall)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            accounts.login(hall, "lq", "nope nope")
    hall.store.reset_password("lq", "new password 2", actor="admin")
    assert accounts.login(hall, "lq", "new password 2").username == "lq"
    hall.store.disable_account("lq", actor="admin")
    with pytest.raises(LoginFailed, match="停用"):
        accounts.login(hall, "lq", "new password 2")


def test_unlock_is_for_the_same_person_only(hall: Hall) -> None:
    staff(hall)
    wangf = accounts.login(hall, "wangf", PASSWORD)
    assert accounts.unlock(hall, wangf, PASSWORD) == wangf
    with pytest.raises(LoginFailed):
        accounts.unlock(hall, wangf, "another person's password")
    assert [a for a, _ in actions(hall, "unlock")] == ["wangf"]
    assert [a for a, _ in actions(hall, "unlock_failed")] == ["wangf"]


def test_the_store_refuses_an_unknown_or_disabled_operator_and_writes_nothing(hall: Hall) -> None:
    staff(hall)
    typed = Profile(WINDOW.center_name, WINDOW.division_code, "03", "王芳")  # a name typed, not an account
    with pytest.raises(UnknownOperator, match="unknown operator"):
        hall.store.new_draft("LNYJS001", "2026.1", typed)
    assert hall.store.list_cases() == []
    hall.store.disable_account("lq", actor="admin")
    with pytest.raises(UnknownOperator, match="disabled operator"):
        decided(hall, Decision.ACCEPT, clerk="lq")
    assert hall.store.list_cases() == []


def test_every_case_and_audit_row_names_an_account(hall: Hall) -> None:
    people = staff(hall)
    profile = accounts.operator_profile(WINDOW, people["lq"])
    assert profile.clerk == "lq"
    case = decided(hall, Decision.ACCEPT, clerk=profile.clerk)
    assert case.clerk == "lq"
    usernames = {a.username for a in hall.store.accounts()} | {"system", "sync", "platform"}
    assert {e.actor for e in hall.store.audit_events()} <= usernames


def test_roles_decide_what_each_person_may_do() -> None:
    assert can(Role.CLERK, Permission.TAKE_CASES) and not can(Role.CLERK, Permission.SEE_ALL_CASES)
    assert can(Role.SUPERVISOR, Permission.VOID_CASE) and not can(Role.SUPERVISOR, Permission.MANAGE_ACCOUNTS)
    assert all(can(Role.ADMIN, p) for p in Permission)


def test_accounts_command_line(hall: Hall, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(hall.store.path)

    def run(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return main(["--db", db, "accounts", *argv])

    assert run("add", "wangf", "--name", "王芳", "--role", "clerk", stdin="pw-wangf-1\n") == 1
    assert "first one must be the administrator" in capsys.readouterr().err
    assert run("add", "admin", "--name", "管理员", "--role", "admin", stdin="pw-admin-1\n") == 0
    assert (
        run("add", "wangf", "--name", "王芳", "--role", "clerk", "--as", "admin", stdin="pw-admin-1\npw-wangf-1\n") == 0
    )
    assert run("add", "lq", "--name", "李强", "--role", "clerk", "--as", "admin", stdin="wrong-pass\npw-lq-0001\n") == 1
    assert "用户名或密码错误" in capsys.readouterr().err
    assert run("reset-password", "wangf", "--as", "admin", stdin="pw-admin-1\npw-wangf-2\n") == 0
    assert run("disable", "wangf", "--as", "admin", stdin="pw-admin-1\n") == 0
    capsys.readouterr()
    assert run("list") == 0
    assert capsys.readouterr().out.splitlines() == ["admin\tadmin\tenabled\t管理员", "wangf\tclerk\tdisabled\t王芳"]
    assert run("disable", "nobody", "--as", "admin", stdin="pw-admin-1\n") == 1
    assert capsys.readouterr().err.strip() == "error: no account named 'nobody'"


def test_settings_changes_are_audited_by_key(hall: Hall) -> None:
    people = staff(hall)
    before = {"window_code": "03", "clerk": "wangf", "lock_after_minutes": 10}
    after = {"window_code": "04", "clerk": "admin", "lock_after_minutes": 10}
    assert accounts.record_settings_change(hall, people["admin"], before, after) == ["window_code"]
    assert accounts.record_settings_change(hall, people["admin"], after, after) == []
    assert actions(hall, "settings_change") == [("admin", {"changed": {"window_code": ["03", "04"]}})]


def test_documents_can_print_the_clerks_name_not_the_username(hall: Hall) -> None:
    staff(hall)
    assert accounts.display_name(hall, "wangf") == "王芳"
    assert accounts.display_name(hall, "李晓梅") == "李晓梅"  # a case from before accounts keeps its text
