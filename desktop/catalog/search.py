"""Find bundles by Chinese name, pinyin initials (``xse`` → 新生儿出生) or code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.catalog.schema import Bundle


@dataclass(frozen=True)
class SearchKeys:
    code: str
    name: str
    initials: str
    spelled: str

    def matches(self, query: str) -> bool:
        q = query.strip().lower().replace(" ", "")
        if not q:
            return True
        return q in self.name.lower() or q in self.code.lower() or q in self.initials or q in self.spelled


def search_keys(bundles: Iterable[Bundle]) -> dict[str, SearchKeys]:
    """Keys per bundle code. Imports pypinyin (~0.2 s): call it off the UI thread."""
    from pypinyin import Style, lazy_pinyin

    keys = {}
    for b in bundles:
        initials = "".join(lazy_pinyin(b.name, style=Style.FIRST_LETTER, errors="ignore")).lower()
        spelled = "".join(lazy_pinyin(b.name, errors="ignore")).lower()
        keys[b.code] = SearchKeys(b.code, b.name, initials, spelled)
    return keys
