"""Signed catalog updates: forged, downgraded and malformed updates leave the installed catalog unchanged."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import Running

from desktop import paths
from desktop.catalog.loader import raw_from_dir
from sync.catalog_update import (
    CatalogUpdateError,
    build_document,
    effective_version,
    generate_publisher_key,
    install,
    installed_catalog,
    installed_path,
    load_publisher_key,
    sign_catalog_dir,
    sign_document,
    update_catalog,
    verify_update,
)
from sync.client import PlatformClient
from sync.crypto import Ed25519PrivateKey, read_ed25519_public
from sync.platform.operator import publish_catalog
from sync.platform.service import ApiError

HOLIDAYS = {"2027": {"holidays": ["2027-01-01", "2027-02-06"], "workdays": ["2027-02-14"]}}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    return raw_from_dir(paths.catalog_dir())


@pytest.fixture
def publisher() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _signed(
    shipped: dict[str, Any], key: Ed25519PrivateKey, version: str, holidays: Any = HOLIDAYS, **changes: Any
) -> tuple[str, str, str]:
    catalog = {**copy.deepcopy(shipped), "version": version, **changes}
    document = build_document(catalog, holidays, "2027-01-01T00:00:00+00:00")
    return version, document, sign_document(document, key)


def _snapshot(data_dir: Path) -> bytes | None:
    path = installed_path(data_dir)
    return path.read_bytes() if path.exists() else None


def test_shipped_publisher_key_is_a_public_key_only() -> None:
    text = (paths.resources_dir() / "keys" / "catalog-publisher.pub").read_text()
    assert "PUBLIC KEY" in text and "PRIVATE" not in text
    load_publisher_key()


def test_newer_signed_catalog_is_installed_with_its_holidays(
    shipped: dict[str, Any], publisher: Ed25519PrivateKey, tmp_path: Path
) -> None:
    update = verify_update(*_signed(shipped, publisher, "2099.1.1"), publisher.public_key(), shipped["version"])
    install(tmp_path, update)
    current = installed_catalog(tmp_path, publisher.public_key())
    assert current is not None and current.version == "2099.1.1" and current.holidays == HOLIDAYS
    assert effective_version(tmp_path, shipped["version"], publisher.public_key()) == "2099.1.1"


def test_forged_downgraded_and_malformed_updates_are_refused(
    shipped: dict[str, Any], publisher: Ed25519PrivateKey, tmp_path: Path
) -> None:
    good = verify_update(*_signed(shipped, publisher, "2099.1.1"), publisher.public_key(), None)
    install(tmp_path, good)
    before = _snapshot(tmp_path)
    forger = Ed25519PrivateKey.generate()
    version, document, signature = _signed(shipped, publisher, "2099.2.0")
    bad_item = {**shipped["items"][0], "department": "NOPE"}
    cases = {
        "forged": _signed(shipped, forger, "2099.2.0"),
        "altered after signing": (version, document.replace("2099.2.0", "2099.3.0"), signature),
        "announced version differs": ("2099.9.9", document, signature),
        "same version": _signed(shipped, publisher, "2099.1.1"),
        "downgrade": _signed(shipped, publisher, "2098.12.31"),
        "bad version": _signed(shipped, publisher, "latest"),
        "schema violation": _signed(shipped, publisher, "2099.2.0", departments="not a list"),
        "dangling reference": _signed(shipped, publisher, "2099.2.0", items=[bad_item, *shipped["items"][1:]]),
        "bad holidays": _signed(shipped, publisher, "2099.2.0", holidays={"2027": {"holidays": ["2027-13-01"]}}),
        "holiday in another year": _signed(
            shipped, publisher, "2099.2.0", holidays={"2027": {"holidays": ["2026-10-01"]}}
        ),
        "garbage signature": (version, document, "!!"),
        "not json": (version, "{not json", sign_document("{not json", publisher)),
    }
    for name, (v, d, s) in cases.items():
        with pytest.raises(CatalogUpdateError):
            verify_update(v, d, s, publisher.public_key(), "2099.1.1")
            pytest.fail(f"accepted: {name}")
    assert _snapshot(tmp_path) == before


def test_a_crash_while_switching_leaves_the_old_catalog(
    shipped: dict[str, Any], publisher: Ed25519PrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, verify_update(*_signed(shipped, publisher, "2099.1.1"), publisher.public_key(), None))
    before = _snapshot(tmp_path)
    newer = verify_update(*_signed(shipped, publisher, "2099.2.0"), publisher.public_key(), "2099.1.1")

    def power_cut(*_args: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr("desktop.files.os.replace", power_cut)
    with pytest.raises(OSError):
        install(tmp_path, newer)
    assert _snapshot(tmp_path) == before


def test_an_installed_file_edited_on_disk_is_ignored(
    shipped: dict[str, Any], publisher: Ed25519PrivateKey, tmp_path: Path
) -> None:
    install(tmp_path, verify_update(*_signed(shipped, publisher, "2099.1.1"), publisher.public_key(), None))
    path = installed_path(tmp_path)
    path.write_text(path.read_text().replace("2099.1.1", "2099.1.2"))
    assert installed_catalog(tmp_path, publisher.public_key()) is None
    assert effective_version(tmp_path, shipped["version"], publisher.public_key()) == shipped["version"]


def test_window_fetches_the_published_catalog_and_refuses_a_forgery(
    shipped: dict[str, Any], publisher: Ed25519PrivateKey, running: Running, client: PlatformClient, tmp_path: Path
) -> None:
    publish_catalog(running.platform, *_signed(shipped, publisher, "2099.1.1"), publisher.public_key())
    with pytest.raises(ApiError):
        publish_catalog(
            running.platform, *_signed(shipped, Ed25519PrivateKey.generate(), "2099.2.0"), publisher.public_key()
        )
    report = update_catalog(client, tmp_path, shipped["version"], publisher.public_key())
    assert report.installed == "2099.1.1"
    assert update_catalog(client, tmp_path, shipped["version"], publisher.public_key()).installed is None
    # A window holding another publisher key refuses what this platform serves.
    other_dir = tmp_path / "other"
    refused = update_catalog(client, other_dir, shipped["version"], Ed25519PrivateKey.generate().public_key())
    assert refused.refused and not installed_path(other_dir).exists()


def test_publisher_signs_the_catalog_directory_with_holidays_the_windows_accept(tmp_path: Path) -> None:
    generate_publisher_key(tmp_path / "pub.key", tmp_path / "pub.pem")
    version, document, signature = sign_catalog_dir(
        paths.catalog_dir(), tmp_path / "pub.key", years=[2025], published_at="2025-01-01T00:00:00+00:00"
    )
    update = verify_update(version, document, signature, read_ed25519_public(tmp_path / "pub.pem"), None)
    assert "2025-10-01" in update.holidays["2025"]["holidays"]
    assert "2025-09-28" in update.holidays["2025"]["workdays"]  # 国庆调休


def test_the_installed_catalog_is_owner_only_whatever_the_umask(
    shipped: dict[str, Any], publisher: Ed25519PrivateKey, tmp_path: Path
) -> None:
    old = os.umask(0o022)
    try:
        path = install(
            tmp_path / "data", verify_update(*_signed(shipped, publisher, "2099.1.1"), publisher.public_key(), None)
        )
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
