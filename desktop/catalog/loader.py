"""Read a catalog directory (or a single JSON file) into a validated :class:`Catalog`.

Whatever the files hold, reading ends in a :class:`Loaded` catalog or a :class:`CatalogError` listing every
problem in clear English; nothing else escapes. Before the schema sees the data the loader bounds it: file and
catalog sizes, nesting depth, no YAML aliases (an alias bomb expands to gigabytes), and plain data only
(text, numbers, booleans, lists, mappings with text keys — an unquoted ``2026-01-01`` is a date, not text).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from desktop.catalog.rules import clip, shorten
from desktop.catalog.schema import Catalog

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

# Each registry lives in a folder of its own so that several authors can add to it
# without touching one another's files; the loader concatenates them in name order.
LIST_DIRS = ("elements", "materials", "questions", "items", "bundles")

MAX_FILE_BYTES = 1 << 20  # one YAML file; the largest shipped one is under 10 KB
MAX_CATALOG_BYTES = 8 << 20  # a whole catalog, directory or JSON; the shipped one is about 0.3 MB
MAX_FILES_PER_DIR = 5000
MAX_DATA_DEPTH = 12  # the schema nests 6 deep (catalog → items → guide → conditions → …)


class CatalogError(Exception):
    """The catalog could not be read or is invalid; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Loaded:
    catalog: Catalog
    checksum: str


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError as exc:
        raise CatalogError([f"{path.name}: cannot read: {exc.strerror or exc}"]) from None


def _read_text(path: Path, limit: int) -> str:
    size = _size(path)
    if size > limit:
        raise CatalogError([f"{path.name}: file is {size:,} bytes; the limit is {limit:,}"])
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError([f"{path.name}: cannot read: {exc}"]) from None


def _read_yaml(path: Path) -> Any:
    text = _read_text(path, MAX_FILE_BYTES)
    try:
        if "*" in text and any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text, Loader=_Loader)):
            raise CatalogError([f"{path.name}: YAML aliases (*name) are not allowed in a catalog"])
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise CatalogError([f"{path.name}: cannot read: {_one_line(str(exc))}"]) from None
    except (RecursionError, MemoryError):
        raise CatalogError([f"{path.name}: nested too deeply to read"]) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise CatalogError([f"{path.name}: cannot read: {_one_line(str(exc))}"]) from None
    _require_plain(data, path.name)
    return data


def _one_line(text: str) -> str:
    return clip(" ".join(text.split()), 200)


def _require_plain(data: Any, where: str) -> None:
    """Refuse anything but JSON-shaped data no deeper than :data:`MAX_DATA_DEPTH`, without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DATA_DEPTH:
            raise CatalogError([f"{where}: data nested more than {MAX_DATA_DEPTH} levels deep"])
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    raise CatalogError([f"{where}: mapping key {shorten(str(key))} must be text (quote it)"])
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
        elif not (node is None or isinstance(node, (str, int, float, bool))):
            shown = shorten(str(node))
            raise CatalogError([f"{where}: {type(node).__name__} value {shown} is not plain data (quote it as text)"])


def _yaml_files(folder: Path) -> Iterator[Path]:
    paths = sorted(folder.glob("*.yaml"))
    if len(paths) > MAX_FILES_PER_DIR:
        raise CatalogError([f"{folder.name}/: {len(paths)} files; the limit is {MAX_FILES_PER_DIR}"])
    yield from paths


def raw_from_dir(root: Path) -> dict[str, Any]:
    """Gather a catalog directory into one plain dict with the schema's shape; every unreadable file is
    reported, not only the first."""
    errors: list[str] = []
    head = _read_yaml(root / "catalog.yaml")
    if not isinstance(head, dict):
        raise CatalogError([f"{root / 'catalog.yaml'}: expected a mapping"])
    raw = dict(head)
    total = _size(root / "catalog.yaml")
    for name in LIST_DIRS:
        entries: list[Any] = []
        inline = raw.get(name, [])
        if isinstance(inline, list):
            entries.extend(inline)
        else:
            errors.append(f"catalog.yaml: {name} must be a list")
        try:
            paths = list(_yaml_files(root / name))
        except CatalogError as exc:
            errors.extend(exc.errors)
            paths = []
        for path in paths:
            try:
                size = _size(path)
                total += size if size <= MAX_FILE_BYTES else 0  # an oversized file is refused on its own
                if total > MAX_CATALOG_BYTES:
                    break
                data = _read_yaml(path)
            except CatalogError as exc:
                errors.extend(f"{name}/{e}" for e in exc.errors)
                continue
            if data is None:
                errors.append(f"{name}/{path.name}: empty file")
            else:
                entries.extend(data if isinstance(data, list) else [data])
        raw[name] = entries
    if total > MAX_CATALOG_BYTES:
        errors.append(f"{root}: catalog is over {MAX_CATALOG_BYTES:,} bytes")
    if errors:
        raise CatalogError(errors)
    return raw


def checksum_of(raw: dict[str, Any]) -> str:
    canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_raw(raw: Any) -> Loaded:
    """Validate plain catalog data (a signed update's ``catalog``, or a directory gathered by
    :func:`raw_from_dir`); raises :class:`CatalogError`."""
    if not isinstance(raw, dict):
        raise CatalogError([f"catalog: expected a mapping, not {type(raw).__name__}"])
    _require_plain(raw, "catalog")
    try:
        catalog = Catalog.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError([_describe(err, raw) for err in exc.errors()]) from None
    except (RecursionError, MemoryError):  # pragma: no cover - bounded by _require_plain
        raise CatalogError(["catalog: nested too deeply to validate"]) from None
    return Loaded(catalog, checksum_of(raw))


def load(path: Path) -> Loaded:
    """Load a catalog directory or a JSON export; raises :class:`CatalogError`."""
    if path.is_dir():
        return parse_raw(raw_from_dir(path))
    text = _read_text(path, MAX_CATALOG_BYTES)
    try:
        raw = json.loads(text)
    except ValueError as exc:  # a JSON syntax error, or an integer of thousands of digits
        raise CatalogError([f"{path}: cannot read: {_one_line(str(exc))}"]) from None
    except (RecursionError, MemoryError):
        raise CatalogError([f"{path}: nested too deeply to read"]) from None
    if not isinstance(raw, dict):
        raise CatalogError([f"{path}: expected a JSON object"])
    return parse_raw(raw)


def _describe(err: Any, raw: dict[str, Any]) -> str:
    """Name the offending record by its code, not only by its list index; one printable line."""
    where = []
    node: Any = raw
    for part in err["loc"]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            where.append(_printable(part))
            continue
        code = node.get("code") if isinstance(node, dict) else None
        if isinstance(code, str) and isinstance(part, int):
            where.append(f"[{_printable(code)}]")
        else:
            where.append(_printable(part))
    return f"{'.'.join(where)}: {_printable(err['msg'], 300)}"


def _printable(part: object, limit: int = 40) -> str:
    text = str(part)
    return clip(text if text.isprintable() and text.strip() else repr(text), limit)
