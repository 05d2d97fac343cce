"""The search box decides what was typed, so that every search is an index lookup, never a scan.

- a case number (grouped or not)             → ``number`` equality (unique index)
- an ID number or a unified social credit code → ``applicant_id`` equality
- a phone number                             → ``applicant_phone`` equality
- a bundle code                              → ``bundle_code`` equality
- anything else, three characters or more    → part of a name or an ID: SQLite FTS5 trigram / PostgreSQL pg_trgm
- one or two characters                      → a name prefix (a surname, a two-character name) on the name index
  (for one character, which matches a twentieth of the store, the list is walked newest first instead)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from desktop.cases.numbers import normalize_number

# what the phone column copies, first found wins (then any other ``*.phone`` of the form)
PHONE_KEYS = ("applicant.phone", "contact.phone", "agent.phone", "legal_rep.phone", "enterprise.phone", "buyer.phone")

_ID_NUMBER = re.compile(r"\d{17}[\dX]|\d{15}")
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
_PHONE = re.compile(r"1\d{10}|0\d{9,11}")  # a mobile, or a landline with its area code
_BUNDLE = re.compile(r"[A-Z]{2,}\d{3,}")
TRIGRAM = 3  # FTS5 trigram / pg_trgm need three characters to use their index


class SearchKind(StrEnum):
    NUMBER = "number"
    ID = "id"
    PHONE = "phone"
    BUNDLE = "bundle"
    KEYWORD = "keyword"
    PREFIX = "prefix"
    INITIAL = "initial"  # one character, a surname: matches many, so the list is walked in order instead


@dataclass(frozen=True)
class SearchTerm:
    kind: SearchKind
    value: str


def classify(text: str) -> SearchTerm:
    """What the clerk typed into the search box, and the value to look for."""
    typed = text.strip()
    compact = normalize_number(typed)  # separators and case forgiven, as a number, an ID or a phone is typed
    if len(compact) == 22 and compact[:21].isdigit():
        return SearchTerm(SearchKind.NUMBER, compact)
    if _ID_NUMBER.fullmatch(compact) or _CREDIT_CODE.fullmatch(compact):
        return SearchTerm(SearchKind.ID, compact)
    if _PHONE.fullmatch(compact):
        return SearchTerm(SearchKind.PHONE, compact)
    if _BUNDLE.fullmatch(compact):
        return SearchTerm(SearchKind.BUNDLE, compact)
    if len(typed) >= TRIGRAM:
        return SearchTerm(SearchKind.KEYWORD, typed)
    return SearchTerm(SearchKind.PREFIX if len(typed) > 1 else SearchKind.INITIAL, typed)


def applicant_phone(values: Mapping[str, Any]) -> str | None:
    """The phone the search box finds the case by: the applicant's, else the contact's, agent's, … as typed."""
    keys = (*PHONE_KEYS, *(k for k in values if k.endswith(".phone") and k not in PHONE_KEYS))
    for key in keys:
        value = values.get(key)
        if isinstance(value, str) and value.strip():
            return re.sub(r"[\s\-]", "", value)
    return None


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase (double quotes doubled), so nothing typed is read as query syntax."""
    return '"' + text.replace('"', '""') + '"'


def like_escape(text: str) -> str:
    """``text`` for a LIKE pattern with ``\\`` as the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
