"""Input normalized once, before validation and storage.

NFKC folds full-width digits and letters (``１１０１０５…Ｘ`` from a Chinese IME) into ASCII, so the ID check, the
stored value and a later search for the ASCII number all see the same text. Applied to every typed string,
including the parts of an address; booleans and numbers pass through.
"""

from __future__ import annotations

import unicodedata
from typing import Any


def normalize_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def normalize_value(value: Any) -> Any:
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, dict):
        return {k: normalize_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize_value(v) for v in value]
    return value
