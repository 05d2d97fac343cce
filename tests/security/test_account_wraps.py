"""Each account unwraps the store key with its own password (issue 13): the administrator's changes add, replace
and remove an account's wrap; a wrong password or an account without one unlocks nothing; the key file never
holds the key unwrapped."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop import keyring
from desktop.cases.clock import stepping_clock
from desktop.cases.roles import Role
from desktop.entry import main
from desktop.services import accounts
from desktop.services.catalogs import Catalogs
from desktop.services.encryption import (
    NoAccountWrapError,
    WrongPassphraseError,
    encrypt_window_store,
    store_needs_login,
    unlock_with_account,
)
from desktop.services.hall import Hall
from desktop.store.encryption import keyfile_path, unwrap_store_key, wrap_labels
from desktop.store.repo import Store

PASSPHRASE = "正确的口令 horse battery"
MORNING = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
ADMIN_PW, CLERK_PW = "管理员的密码 2026", "王芳的密码 2026"


def open_hall(db: Path) -> Hall:
    clock = stepping_clock(MORNING)
    return Hall(Store(db, clock=clock), clock, Catalogs(db.parent / "data"))


def encrypted_with_admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store whose administrator was made before `yishi store encrypt` (so only `env` wraps the key)."""
    db = tmp_path / "cases.sqlite3"
    hall = open_hall(db)
    accounts.create_administrator(hall, "admin", "系统管理员", ADMIN_PW)
    hall.close()
    encrypt_window_store(db, PASSPHRASE, tmp_path / "device")
    keyring.lock_all()
    monkeypatch.setenv(keyring.PASSPHRASE_ENV, PASSPHRASE)
    return db


def key_file_leaks(db: Path, key: bytes) -> list[str]:
    data = keyfile_path(db).read_bytes()
    forms = {
        "raw": key,
        "base64": base64.b64encode(key),
        "urlsafe base64": base64.urlsafe_b64encode(key).rstrip(b"="),
        "hex": key.hex().encode(),
        "HEX": key.hex().upper().encode(),
    }
    return [name for name, form in forms.items() if form in data]


def test_the_administrators_changes_give_each_account_its_own_wrap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = encrypted_with_admin(tmp_path, monkeypatch)
    assert wrap_labels(db) == ["env"]
    hall = open_hall(db)  # unlocked with YISHI_STORE_PASSPHRASE, as a script does
    key = keyring.unlocked(db)
    assert key is not None
    admin = accounts.login(hall, "admin", ADMIN_PW)  # an account from before encryption: wrapped at its login
    accounts.add_account(hall, admin, "wangf", "王芳", role=Role.CLERK, password=CLERK_PW)
    assert wrap_labels(db) == ["env", "admin", "wangf"]
    assert unwrap_store_key(CLERK_PW, db, label="wangf") == key
    accounts.reset_password(hall, admin, "wangf", "新的密码 0001")
    with pytest.raises(WrongPassphraseError):
        unwrap_store_key(CLERK_PW, db, label="wangf")
    assert unwrap_store_key("新的密码 0001", db, label="wangf") == key
    with pytest.raises(accounts.AccountError):  # a taken name: refused, and wangf's wrap is untouched
        accounts.add_account(hall, admin, "wangf", "冒名", role=Role.CLERK, password="冒名者的密码 99")
    assert unwrap_store_key("新的密码 0001", db, label="wangf") == key
    accounts.disable_account(hall, admin, "wangf")
    assert wrap_labels(db) == ["env", "admin"]
    hall.close()
    keyring.lock_all()
    with pytest.raises(NoAccountWrapError):
        unlock_with_account(db, "wangf", "新的密码 0001")
    assert keyring.unlocked(db) is None
    assert key_file_leaks(db, key) == []


def test_a_clerk_unlocks_the_store_with_their_own_password_and_a_wrong_one_unlocks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = encrypted_with_admin(tmp_path, monkeypatch)
    hall = open_hall(db)
    admin = accounts.login(hall, "admin", ADMIN_PW)
    accounts.add_account(hall, admin, "wangf", "王芳", role=Role.CLERK, password=CLERK_PW)
    hall.close()
    keyring.lock_all()
    monkeypatch.delenv(keyring.PASSPHRASE_ENV)
    assert store_needs_login(db)
    before = keyfile_path(db).read_bytes()
    with pytest.raises(WrongPassphraseError):
        unlock_with_account(db, "wangf", ADMIN_PW)  # another account's password
    with pytest.raises(NoAccountWrapError):
        unlock_with_account(db, "nobody", CLERK_PW)
    assert keyring.unlocked(db) is None and store_needs_login(db)
    assert keyfile_path(db).read_bytes() == before  # nothing written
    unlock_with_account(db, "wangf", CLERK_PW)
    assert not store_needs_login(db)
    hall = open_hall(db)
    assert accounts.login(hall, "wangf", CLERK_PW).username == "wangf"
    hall.close()


def test_yishi_accounts_wraps_with_the_key_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = encrypted_with_admin(tmp_path, monkeypatch)

    def run(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return main(["--db", str(db), "accounts", *argv])

    pw = f"{ADMIN_PW}\n"
    assert run("add", "wangf", "--name", "王芳", "--role", "clerk", "--as", "admin", stdin=pw + CLERK_PW + "\n") == 0
    assert run("add", "lq", "--name", "李强", "--role", "clerk", "--as", "admin", stdin=pw + "李强的密码 01\n") == 0
    assert set(wrap_labels(db)) == {"env", "admin", "wangf", "lq"}
    assert run("reset-password", "lq", "--as", "admin", stdin=pw + "李强的新密码 02\n") == 0
    assert run("disable", "wangf", "--as", "admin", stdin=pw) == 0
    capsys.readouterr()
    key = keyring.unlocked(db)
    assert key is not None and set(wrap_labels(db)) == {"env", "admin", "lq"}
    keyring.lock_all()
    monkeypatch.delenv(keyring.PASSPHRASE_ENV)
    with pytest.raises(WrongPassphraseError):
        unlock_with_account(db, "lq", "李强的密码 01")
    unlock_with_account(db, "lq", "李强的新密码 02")
    assert keyring.unlocked(db) == key
    assert key_file_leaks(db, key) == []


def test_the_first_administrator_of_an_encrypted_store_gets_a_wrap_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cases.sqlite3"
    open_hall(db).close()
    encrypt_window_store(db, PASSPHRASE, tmp_path / "device")
    keyring.lock_all()
    monkeypatch.setenv(keyring.PASSPHRASE_ENV, PASSPHRASE)
    hall = open_hall(db)
    accounts.create_administrator(hall, "admin", "系统管理员", ADMIN_PW)
    hall.close()
    keyring.lock_all()
    monkeypatch.delenv(keyring.PASSPHRASE_ENV)
    unlock_with_account(db, "admin", ADMIN_PW)
    assert keyring.unlocked(db) is not None
