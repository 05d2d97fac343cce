"""Read a catalog directory (or a single JSON file) into a validated :class:`Catalog`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from desktop.catalog.schema import Catalog

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

# Each registry lives in a folder of its own so that several authors can add to it
# without touching one another's files; the loader concatenates them in name order.
LIST_DIRS = ("elements", "materials", "questions", "items", "bundles")


class CatalogError(Exception):
    """The catalog could not be read or is invalid; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Loaded:
    catalog: Catalog
    checksum: str


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CatalogError([f"{path.name}: cannot read: {exc}"]) from None


def raw_from_dir(root: Path) -> dict[str, Any]:
    """Gather a catalog directory into one plain dict with the schema's shape."""
    head = _read_yaml(root / "catalog.yaml")
    if not isinstance(head, dict):
        raise CatalogError([f"{root / 'catalog.yaml'}: expected a mapping"])
    raw = dict(head)
    for name in LIST_DIRS:
        entries: list[Any] = list(raw.get(name, []))
        for path in sorted((root / name).glob("*.yaml")):
            data = _read_yaml(path)
            entries.extend(data if isinstance(data, list) else [data])
        raw[name] = entries
    return raw


def checksum_of(raw: dict[str, Any]) -> str:
    canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_raw(raw: dict[str, Any]) -> Loaded:
    try:
        catalog = Catalog.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError([_describe(err, raw) for err in exc.errors()]) from None
    return Loaded(catalog, checksum_of(raw))


def load(path: Path) -> Loaded:
    """Load a catalog directory or a JSON export; raises :class:`CatalogError`."""
    if path.is_dir():
        return parse_raw(raw_from_dir(path))
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError([f"{path}: cannot read: {exc}"]) from None
    if not isinstance(raw, dict):
        raise CatalogError([f"{path}: expected a JSON object"])
    return parse_raw(raw)


def _describe(err: Any, raw: dict[str, Any]) -> str:
    """Name the offending record by its code, not only by its list index."""
    loc = list(err["loc"])
    where = []
    node: Any = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            where.append(str(part))
            continue
        if isinstance(node, dict) and "code" in node and isinstance(part, int):
            where.append(f"[{node['code']}]")
        else:
            where.append(str(part))
    return f"{'.'.join(where)}: {err['msg']}"
