"""The one catalog version format, shared by the catalog check and sync's version order.

A version is one to four dot-separated whole numbers, each without leading zeros and at most eight digits
(``2026.11.1``). Without leading zeros two different strings never name the same version, so comparing the
strings for equality and comparing their keys agree; eight digits keep the platform's zero-padded sort key
(``00002026.00000011.00000001``) in order.
"""

from __future__ import annotations

import re

MAX_PARTS = 4
MAX_PART_DIGITS = 8
_PART = rf"(?:0|[1-9][0-9]{{0,{MAX_PART_DIGITS - 1}}})"
VERSION_RE = re.compile(rf"{_PART}(?:\.{_PART}){{0,{MAX_PARTS - 1}}}")
EXAMPLE = "2026.11.1"


class VersionError(ValueError):
    """Not a catalog version."""


def _shown(version: object) -> str:
    text = repr(version)
    return text if len(text) <= 40 else text[:37] + "..."


def version_key(version: str) -> tuple[int, ...]:
    """``2026.11.1`` → ``(2026, 11, 1)``, the order of catalog versions; raises :class:`VersionError`
    (a ``ValueError``) on anything else."""
    if not isinstance(version, str) or not VERSION_RE.fullmatch(version):
        raise VersionError(
            f"catalog version {_shown(version)} is not 1 to {MAX_PARTS} dot-separated whole numbers "
            f"without leading zeros, each at most {MAX_PART_DIGITS} digits (e.g. {EXAMPLE})"
        )
    return tuple(int(p) for p in version.split("."))
