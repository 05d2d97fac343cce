"""Signed catalog updates (同源发布、同步更新): verify, refuse downgrades, validate, switch atomically.

A published document is canonical JSON ``{"format", "version", "published_at", "catalog", "holidays"}``; the
publisher signs ``b"yishi-catalog-v1\\n" + document`` with Ed25519. The app holds only the public key
(``resources/keys/catalog-publisher.pub``). The installed update is one file, ``<data dir>/catalog/installed.json``,
replaced by rename so a reader sees the old catalog or the new one, never a mix; it is verified again when read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import chinese_calendar

from desktop import paths
from desktop.catalog.check import problems
from desktop.catalog.loader import CatalogError, parse_raw, raw_from_dir
from desktop.catalog.version import version_key  # the one format, shared with the catalog check
from desktop.files import write_private
from sync.canonical import dumps
from sync.client import PlatformClient, PlatformError
from sync.crypto import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
    b64d,
    b64e,
    read_ed25519_private,
    read_ed25519_public,
    verify,
    write_private_key,
    write_public_key,
)

FORMAT = "yishi-catalog-update/1"
_SIGNING_PREFIX = b"yishi-catalog-v1\n"
INSTALLED_NAME = "installed.json"


class CatalogUpdateError(Exception):
    """An update was refused; the installed catalog is unchanged."""


@dataclass(frozen=True)
class VerifiedCatalog:
    """A catalog update whose signature, version and content have all been checked."""

    version: str
    catalog: dict[str, Any]
    holidays: dict[str, dict[str, list[str]]]
    document: str
    signature: str


def publisher_key_path() -> Path:
    return paths.resources_dir() / "keys" / "catalog-publisher.pub"


def load_publisher_key(path: Path | None = None) -> Ed25519PublicKey:
    return read_ed25519_public(path or publisher_key_path())


def build_document(catalog: dict[str, Any], holidays: dict[str, dict[str, list[str]]], published_at: str) -> str:
    """The text the publisher signs; its version is the catalog's own."""
    return dumps(
        {
            "format": FORMAT,
            "version": catalog["version"],
            "published_at": published_at,
            "catalog": catalog,
            "holidays": holidays,
        }
    ).decode()


def sign_document(document: str, key: Ed25519PrivateKey) -> str:
    return b64e(key.sign(_SIGNING_PREFIX + document.encode()))


def verify_update(
    version: str, document: str, signature: str, public_key: Ed25519PublicKey, installed_version: str | None
) -> VerifiedCatalog:
    """Check signature, version order and content; raises :class:`CatalogUpdateError` with the reason."""
    try:
        sig = b64d(signature)
    except ValueError:
        raise CatalogUpdateError("catalog signature is not base64") from None
    if not verify(public_key, sig, _SIGNING_PREFIX + document.encode()):
        raise CatalogUpdateError("catalog signature does not verify against the publisher key")
    try:
        data = json.loads(document)
    except json.JSONDecodeError as exc:
        raise CatalogUpdateError(f"signed catalog document is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CatalogUpdateError(f"catalog document format is not {FORMAT}")
    catalog, holidays = data.get("catalog"), data.get("holidays", {})
    if not isinstance(catalog, dict) or data.get("version") != version or catalog.get("version") != version:
        raise CatalogUpdateError(f"catalog version in the document does not match the announced version {version!r}")
    _check_version(version, installed_version)
    _check_holidays(holidays)
    _check_catalog(catalog)
    return VerifiedCatalog(version, catalog, holidays, document, signature)


def _check_version(version: str, installed_version: str | None) -> None:
    try:
        newer = installed_version is None or version_key(version) > version_key(installed_version)
    except ValueError as exc:
        raise CatalogUpdateError(str(exc)) from None
    if not newer:
        raise CatalogUpdateError(f"refusing catalog {version}: not newer than the installed {installed_version}")


def _check_catalog(catalog: dict[str, Any]) -> None:
    try:
        loaded = parse_raw(catalog)
    except CatalogError as exc:
        raise CatalogUpdateError("catalog update is invalid: " + "; ".join(exc.errors[:10])) from None
    errors = problems(loaded.catalog)
    if errors:
        raise CatalogUpdateError("catalog update is invalid: " + "; ".join(errors[:10]))


def _check_holidays(holidays: Any) -> None:
    """``{"2026": {"holidays": ["2026-01-01", …], "workdays": ["2026-01-04", …]}}`` (workdays = 调休)."""
    if not isinstance(holidays, dict):
        raise CatalogUpdateError("holidays must be an object keyed by year")
    for year, spec in holidays.items():
        if not (isinstance(year, str) and year.isdigit() and len(year) == 4 and isinstance(spec, dict)):
            raise CatalogUpdateError(f"holidays: bad year entry {year!r}")
        if set(spec) - {"holidays", "workdays"}:
            raise CatalogUpdateError(f"holidays {year}: only 'holidays' and 'workdays' lists are allowed")
        for kind in ("holidays", "workdays"):
            for day in spec.get(kind, []):
                try:
                    parsed = date.fromisoformat(day)
                except (TypeError, ValueError):
                    raise CatalogUpdateError(f"holidays {year}: {day!r} is not an ISO date") from None
                if str(parsed.year) != year:
                    raise CatalogUpdateError(f"holidays {year}: {day} is in another year")


def installed_path(data_dir: Path) -> Path:
    return data_dir / "catalog" / INSTALLED_NAME


def install(data_dir: Path, update: VerifiedCatalog) -> Path:
    """Write the update beside the old one, fsync, rename over it, fsync the folder (0600, whatever the umask)."""
    target = installed_path(data_dir)
    record = {"version": update.version, "document": update.document, "signature": update.signature}
    write_private(target, json.dumps(record, ensure_ascii=False).encode())  # owner-only, synced, renamed into place
    return target


def installed_catalog(data_dir: Path, public_key: Ed25519PublicKey | None = None) -> VerifiedCatalog | None:
    """The installed update, verified again (a file edited on disk is ignored); ``None`` if there is none."""
    path = installed_path(data_dir)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return verify_update(
            record["version"], record["document"], record["signature"], public_key or load_publisher_key(), None
        )
    except (OSError, ValueError, KeyError, TypeError, CatalogUpdateError):
        return None


def effective_version(data_dir: Path, shipped_version: str, public_key: Ed25519PublicKey | None = None) -> str:
    """The newer of the shipped catalog's version and the installed update's."""
    current = installed_catalog(data_dir, public_key)
    if current is not None and version_key(current.version) > version_key(shipped_version):
        return current.version
    return shipped_version


@dataclass(frozen=True)
class CatalogUpdateReport:
    """Outcome of one update check: ``installed`` version, or why nothing changed (``refused`` / ``error``)."""

    current_version: str
    installed: str | None = None
    refused: str | None = None
    error: str | None = None


def update_catalog(
    client: PlatformClient, data_dir: Path, shipped_version: str, public_key: Ed25519PublicKey | None = None
) -> CatalogUpdateReport:
    """Ask the platform for a newer signed catalog; verify, validate and switch to it, or keep the old one."""
    key = public_key or load_publisher_key()
    current = effective_version(data_dir, shipped_version, key)
    try:
        offer = client.latest_catalog(current)
    except PlatformError as exc:
        return CatalogUpdateReport(current, error=str(exc))
    if offer is None:
        return CatalogUpdateReport(current)
    try:
        update = verify_update(offer.version, offer.document, offer.signature, key, current)
    except CatalogUpdateError as exc:
        return CatalogUpdateReport(current, refused=str(exc))
    try:
        install(data_dir, update)
    except OSError as exc:
        return CatalogUpdateReport(current, error=f"cannot write the catalog update: {exc}")
    return CatalogUpdateReport(update.version, installed=update.version)


# -- publisher side (runs where the private key is, never on the platform server or a window) --------------------


def holidays_for_years(years: list[int]) -> dict[str, dict[str, list[str]]]:
    """Public holidays and 调休 working days from the ``chinesecalendar`` package, in the update's shape."""
    return {
        str(year): {
            "holidays": sorted(d.isoformat() for d in chinese_calendar.holidays if d.year == year),
            "workdays": sorted(d.isoformat() for d in chinese_calendar.workdays if d.year == year),
        }
        for year in years
    }


def sign_catalog_dir(
    catalog_dir: Path, private_key_path: Path, *, years: list[int], published_at: str
) -> tuple[str, str, str]:
    """(version, document, signature) for the catalog directory plus holiday data of ``years``.

    Checks the catalog first, so a publisher cannot sign what every window would refuse.
    """
    raw = raw_from_dir(catalog_dir)
    _check_catalog(raw)
    document = build_document(raw, holidays_for_years(years), published_at)
    return str(raw["version"]), document, sign_document(document, read_ed25519_private(private_key_path))


def generate_publisher_key(private_path: Path, public_path: Path) -> None:
    """A new publisher key pair (for pilots; production keys are generated inside the HSM)."""
    key = Ed25519PrivateKey.generate()
    write_private_key(private_path, key)
    write_public_key(public_path, key.public_key())
