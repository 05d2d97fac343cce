"""GB/T 2260 divisions for the region picker: province → city → county, found by characters, pinyin initials
or code.

The data is python-stdnum's ``cn/loc`` table (county level, all of China), read through :mod:`stdnum.numdb`;
divisions abolished since (``[-2010]崇文区``) are left out, a renamed one keeps its current name. Townships are
not in it: a clerk types the 3-digit township part (GB/T 10114) after the county's code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_RANGE = re.compile(r"^\[(\d{4})?-(\d{4})?\]")
# Suffixes left out of the short initials, so that ``hp`` finds 和平区 and ``sy`` 沈阳市.
_SUFFIXES = ("特别行政区", "自治州", "自治县", "自治旗", "地区", "新区", "省", "市", "区", "县", "旗", "盟")
_UNNAMED = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits
    name: str  # its own name (和平区)
    path: str  # the full name (辽宁省沈阳市和平区)
    own: tuple[str, ...]  # its own name and initials (和平区, 和平, hpq, hp)
    wider: tuple[str, ...]  # its full name, initials along it (lnsyhp, syhp) and its code

    @property
    def level(self) -> int:
        """1 province, 2 city (prefecture), 3 county."""
        return 1 if self.code.endswith("0000") else 2 if self.code.endswith("00") else 3


def _current(name: str) -> str | None:
    """The name in force from a stdnum entry: the last of ``[1983-2013]东陵区,[2014-]浑南区``; None if abolished."""
    last = name.rsplit(",", maxsplit=1)[-1]
    match = _RANGE.match(last)
    if match and match.group(2):
        return None
    return last[match.end() :] if match else last


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@cache
def divisions() -> dict[str, Division]:
    """Every division in force, by its 6-digit code (loaded once: ~3,500 entries)."""
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - ~0.2 s: paid on the first search, not at start-up
    from stdnum import numdb  # noqa: PLC0415 - stdnum's data stays off the first paint

    @cache
    def initials(text: str) -> str:
        return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()

    names: dict[str, str] = {}
    for _len, low, high, props, children in numdb.get("cn/loc").prefixes:
        if low != high:
            continue
        province = props.get("province", "")
        names[low + "0000"] = province
        for _l, sub, sub_high, sub_props, _c in children:
            name = _current(sub_props.get("county", "")) if sub == sub_high else None
            if name and sub != "0000":
                names[low + sub] = name
    found: dict[str, Division] = {}
    for code, name in sorted(names.items()):
        if name in _UNNAMED:
            continue
        parts = [names.get(code[:2] + "0000", "")]
        if not code.endswith("00"):
            parts.append(names.get(code[:4] + "00", ""))
        if code.endswith("0000"):
            parts = []
        chain = [p for p in parts if p and p not in _UNNAMED and p != name] + [name]
        path = "".join(chain)
        short = [_short(p) for p in chain]
        own = (name.lower(), short[-1], initials(name), initials(short[-1]))
        wider = (path.lower(), "".join(short), "".join(map(initials, short)), "".join(map(initials, short[-2:])))
        found[code] = Division(code, name, path, tuple(dict.fromkeys(own)), tuple(dict.fromkeys((*wider, code))))
    return found


def name_of(code: str) -> str | None:
    """The full name of a 6-, 9- or 12-digit code's county (a township is named by its county)."""
    division = divisions().get(code[:6]) if code[:6].isdigit() else None
    return division.path if division else None


def search(query: str, near: str = "", limit: int = 12) -> list[Division]:
    """Divisions whose name, full name, pinyin initials or code start with ``query`` (characters anywhere in the
    full name also match): its own name first, those around ``near`` (the hall's own code) first, then provinces
    before cities before counties, then by code."""
    q = query.strip().lower().replace(" ", "")
    if not q:
        return []
    home = near[:6]

    def rank(d: Division) -> tuple[int, int, int, str]:
        how = 0 if any(k.startswith(q) for k in d.own) else 1 if any(k.startswith(q) for k in d.wider) else 2
        closeness = 0 if d.code[:4] == home[:4] else 1 if d.code[:2] == home[:2] else 2
        return (how, closeness, d.level, d.code)

    hits = [d for d in divisions().values() if q in d.path or any(k.startswith(q) for k in (*d.own, *d.wider))]
    return sorted(hits, key=rank)[:limit]
