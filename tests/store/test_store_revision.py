"""Opening a store at the newest schema skips alembic; anything else still migrates (desktop.store.revision)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from desktop.store.migrate import downgrade, head_revision
from desktop.store.repo import Store
from desktop.store.revision import MIGRATIONS_DIR, VERSIONS_DIR, at_head, shipped_head, shipped_revisions


def test_every_migration_is_named_by_its_revision_and_follows_the_one_before() -> None:
    files = sorted(VERSIONS_DIR.glob("*.py"))
    named = [p for p in files if re.fullmatch(r"\d{4}_\w+\.py", p.name)]
    assert named == [p for p in files if p.name != "__init__.py"]  # no migration escapes the NNNN_ naming
    before = None
    for path in named:
        source = path.read_text(encoding="utf-8")
        assert re.search(rf'^revision = "{path.name[:4]}"', source, re.M), path.name
        expected = f'"{before}"' if before else "None"
        assert re.search(rf"^down_revision = {expected}$", source, re.M), path.name
        before = path.name[:4]


def test_the_shipped_revisions_and_head_are_alembics() -> None:
    """What a backup is checked against and what opening compares with, as alembic reads the same folder."""
    assert shipped_revisions() == {r.revision for r in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}
    assert shipped_head() == head_revision()


def test_a_new_store_an_older_one_and_one_at_head(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    assert not at_head(engine)  # no schema at all
    Store(path).close()
    assert at_head(engine)
    previous = f"{int(shipped_head()) - 1:04d}"
    downgrade(engine, previous)
    assert not at_head(engine)
    Store(path).close()  # an older store is still upgraded on open
    assert at_head(engine)
    engine.dispose()


def test_opening_a_store_at_head_and_backing_it_up_load_no_alembic(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    Store(path).close()
    code = textwrap.dedent(
        f"""
        import sys
        from desktop.store.repo import Store
        import desktop.services.backup  # the daily backup, which follows every start, checks revisions too
        Store({str(path)!r}).close()
        print("alembic" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"
