"""Canonical JSON: one byte string per value, so hashes and signatures agree across machines."""

from __future__ import annotations

import json
from typing import Any

from sync.crypto import sha256_hex


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(value: Any) -> str:
    return sha256_hex(dumps(value))
