"""Find bundles by Chinese name, pinyin initials (``xse`` → 新生儿出生), code, or a keyword of the catalog
(``死亡`` → 公民身后一件事, ``户口`` → every bundle that registers, moves or cancels one,
``开公司`` / ``kgs`` → 企业开办)."""

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
    # The bundle's keywords, each as typed, as pinyin initials and spelled out.
    keywords: tuple[str, ...] = ()

    def matches(self, query: str) -> bool:
        q = query.strip().lower().replace(" ", "")
        if not q:
            return True
        if q in self.name.lower() or q in self.code.lower() or q in self.initials or q in self.spelled:
            return True
        return any(q in k for k in self.keywords)


def search_keys(bundles: Iterable[Bundle]) -> dict[str, SearchKeys]:
    """Keys per bundle code. Imports pypinyin (~0.2 s): call it off the UI thread."""
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - ~0.2 s: only the loader thread pays it

    def initials(text: str) -> str:
        return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()

    def spelled(text: str) -> str:
        return "".join(lazy_pinyin(text, errors="ignore")).lower()

    keys = {}
    for b in bundles:
        words = tuple(dict.fromkeys(w for k in b.keywords for w in (k.lower(), initials(k), spelled(k)) if w))
        keys[b.code] = SearchKeys(b.code, b.name, initials(b.name), spelled(b.name), words)
    return keys
