"""A database of its own on the test PostgreSQL server, for one test: ``YISHI_TEST_PG_URL`` names the server
(``scripts/pg-start.sh`` starts one and prints it); without it the test is skipped."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def fresh_database(prefix: str = "yishi_t") -> Iterator[str]:
    """A new, empty database's ``postgresql://`` URL, dropped (its connections cut) afterwards."""
    base = os.environ.get("YISHI_TEST_PG_URL")
    if not base:
        pytest.skip("YISHI_TEST_PG_URL is not set (scripts/pg-start.sh starts a server)")
    import psycopg  # noqa: PLC0415 - only where a server is configured

    plain = base.replace("postgresql+psycopg://", "postgresql://")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield plain.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
