"""Where the app finds its shipped resources, frozen or not."""

from __future__ import annotations

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


def default_db_path() -> Path:
    """The case store: ``YISHI_DB``, else ``cases.sqlite3`` in the user data dir."""
    import os

    override = os.environ.get("YISHI_DB")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("yishi", appauthor=False)) / "cases.sqlite3"


def db_path_from(args: Any, settings: Settings) -> Path:
    """The case store a command uses: ``--db``, else ``YISHI_DB``, else the setting, else the data dir."""
    import os

    if getattr(args, "db", None):
        return Path(args.db)
    if os.environ.get("YISHI_DB"):
        return Path(os.environ["YISHI_DB"])
    return Path(settings.db_path) if settings.db_path else default_db_path()
