"""Which schemas this build ships, and whether a store's is the newest, answered without loading alembic.

Every window start opens the store; at head (nearly always) there is nothing to migrate, and alembic with its
script directory costs that start about a tenth of a second before the login can show. Migrations are named
``NNNN_what.py`` with ``revision = "NNNN"`` (tests/store/test_store_revision.py holds every file to it), so the
newest is the highest prefix.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"  # alembic's script location (desktop.store.migrate)
VERSIONS_DIR = MIGRATIONS_DIR / "versions"


def shipped_revisions() -> set[str]:
    """Every migration this build ships: the ``NNNN`` of each ``NNNN_*.py`` in the versions folder."""
    return {p.name[:4] for p in VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py")}


def shipped_head() -> str:
    """The newest migration's revision: the highest of :func:`shipped_revisions`."""
    return max(shipped_revisions())


def at_head(engine: Engine) -> bool:
    """True when the store records the newest revision; False for a new store, an older one, or a newer one (whose
    migration alembic then refuses, by name)."""
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no alembic_version table yet: a new store
        return False
    return versions == [shipped_head()]
