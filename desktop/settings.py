"""Every setting, declared once with its type and default, stored as versioned JSON.

Settings live in ``settings.json`` in the user config dir (``YISHI_CONFIG`` overrides the
file). Unknown keys are kept untouched; a file of an older ``SETTINGS_VERSION`` is upgraded
step by step by :data:`UPGRADES` before use.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from desktop.files import private_dir

SETTINGS_VERSION = 1


@dataclass
class Settings:
    # 窗口档案 (window profile)
    center_name: str = ""
    division_code: str = ""
    window_code: str = "01"
    clerk: str = ""
    # the hall's time zone (IANA name): every business date — 受理日期, deadlines, report days — is local to it
    time_zone: str = "Asia/Shanghai"
    # consultation and supervision phones printed on documents
    consult_phone: str = "12345"
    supervise_phone: str = "12345"
    # the center's address and opening hours, printed on receipts and notices (where to collect, supply, return)
    center_address: str = ""
    center_hours: str = ""
    # 复议机关 and the court named on a 不予受理通知书 when the catalog names none for the item
    review_organ: str = ""
    court: str = ""
    # https prefix of the receipt QR a citizen opens: {receipt_base_url}/q/{case number}?c={query code};
    # empty prints the app-only YISHI:1 payload instead
    receipt_base_url: str = ""
    # storage and sync
    db_path: str = ""
    platform_url: str = ""
    sync_interval_seconds: int = 60
    # printing
    printer_name: str = ""
    # scanning: keyboard-wedge bursts are keys closer than this
    wedge_max_interval_ms: int = 35
    # scanning: watch the whole window for wedge-scanner bursts (off: scans arrive as plain typing)
    scanner_wedge: bool = True
    # scanned materials larger than this are refused
    attachment_max_mb: int = 50
    # accounts: the window locks after this many idle minutes (0: never); the same person unlocks with a password
    lock_after_minutes: int = 10
    # backups: a daily copy of the store goes to this folder (empty: none), kept this many days
    backup_dir: str = ""
    backup_keep_days: int = 14
    # encryption at rest: refuse to open a plain (not SQLCipher) store (yishi store encrypt converts one)
    require_encryption: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def profile_complete(self) -> bool:
        return bool(self.center_name and self.division_code and self.window_code and self.clerk)


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""``UPGRADES[n]`` turns a version-n mapping into a version n+1 mapping."""


def default_path() -> Path:
    override = os.environ.get("YISHI_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir  # noqa: PLC0415 - 5 ms of the window's first paint

    return Path(user_config_dir("yishi", appauthor=False)) / "settings.json"


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    version = int(data.get("version", SETTINGS_VERSION))
    while version < SETTINGS_VERSION:
        data = UPGRADES[version](data)
        version += 1
    return data


def load(path: Path | None = None) -> Settings:
    """The stored settings; defaults where the file is missing, unreadable or a value has the wrong type."""
    path = path or default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    data = _upgrade(data)
    defaults = Settings()
    known = {}
    for f in fields(Settings):
        value = data.get(f.name, getattr(defaults, f.name))
        default = getattr(defaults, f.name)
        known[f.name] = value if isinstance(value, type(default)) else default
    return Settings(**known)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically: a crash mid-write leaves the old file."""
    path = path or default_path()
    private_dir(path.parent)  # the file itself is mkstemp's 0600
    data = {"version": SETTINGS_VERSION, **asdict(settings)}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
