"""Where the app finds its shipped resources, frozen or not."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.settings import Settings


def resources_dir() -> Path:
    """``resources/`` beside the source tree, or inside a PyInstaller bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def catalog_dir() -> Path:
    return resources_dir() / "catalog"


def font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"


# a case store: a SQLite file, or a center's PostgreSQL server named by a URL (postgresql://user@host/db)
DbTarget = Path | str
DB_URL_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def db_target(value: str) -> DbTarget:
    """What ``--db`` / ``YISHI_DB`` / the setting names: a URL kept as it is, else a file path."""
    return value if value.startswith(DB_URL_SCHEMES) else Path(value).expanduser()


def store_missing(target: DbTarget) -> bool:
    """A SQLite file that is not there (a server is never "missing" here: opening it says whether it answers)."""
    return isinstance(target, Path) and not target.exists()


def default_db_path() -> DbTarget:
    """The case store: ``YISHI_DB``, else ``cases.sqlite3`` in the user data dir."""
    override = os.environ.get("YISHI_DB")
    if override:
        return db_target(override)
    import platformdirs  # noqa: PLC0415 - 5 ms of the window's first paint, and YISHI_DB never needs it

    return Path(platformdirs.user_data_dir("yishi", appauthor=False)) / "cases.sqlite3"


def db_path_from(args: Any, settings: Settings) -> DbTarget:
    """The case store a command uses: ``--db``, else ``YISHI_DB``, else the setting, else the data dir. Each may
    be a ``postgresql://`` URL (a center's shared store) or a SQLite file."""
    if getattr(args, "db", None):
        return db_target(str(args.db))
    if os.environ.get("YISHI_DB"):
        return db_target(os.environ["YISHI_DB"])
    return db_target(settings.db_path) if settings.db_path else default_db_path()
