"""Case numbers (办件编号), issued offline yet unique across Liaoning.

A number is ``DDDDDDDDD WW YYMMDD SSSS C`` without separators (22 characters):
the service center's 9-digit division code, the 2-digit window code, the local
date, the window's 4-digit daily sequence and an ISO 7064 MOD 37,36 check
character. Each window owns its own sequence, so windows never need to talk to
each other to stay unique. See docs/case-number.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_SEQUENCE = 9999

_CANONICAL = re.compile(r"^(\d{9})(\d{2})(\d{6})(\d{4})([0-9A-Z])$")
_GROUPED = re.compile(r"^(\d{9})-(\d{2})-(\d{6})-(\d{4})-([0-9A-Z])$")


@dataclass(frozen=True)
class CaseNumber:
    """The parts of a case number."""

    center: str  # 9-digit division code of the service center
    window: str  # 2 digits: 01–89 hall windows, 90–99 field laptops
    day: date
    sequence: int
    check: str

    @property
    def canonical(self) -> str:
        return f"{self.center}{self.window}{self.day:%y%m%d}{self.sequence:04d}{self.check}"


def check_character(body: str) -> str:
    """ISO 7064 MOD 37,36 check character over ``body`` (characters 0-9A-Z)."""
    from stdnum.iso7064 import mod_37_36  # noqa: PLC0415 - stdnum costs ~20 ms on the way to the first window

    return mod_37_36.calc_check_digit(body, ALPHABET)


def center_code(division_code: str) -> str:
    """A center's 9-digit code: a township's own code, or a county's (city's) 6 digits + ``000``."""
    if not re.fullmatch(r"\d{6}|\d{9}", division_code):
        raise ValueError(f"division code must be 6 or 9 digits, got {division_code!r}")
    code = division_code if len(division_code) == 9 else division_code + "000"
    if code[:2] in {"00", "99"}:
        raise ValueError(f"division code {division_code!r} names no province")
    # GB/T 10114: 001–099 街道, 100–199 镇, 200–399 乡, 400–599 政企合一 units (farms, forestry bureaus)
    if int(code[6:]) > 599:
        raise ValueError(f"township part of {division_code!r} must be 000–599")
    return code


def _check_window(window: str) -> str:
    if not re.fullmatch(r"\d{2}", window) or window == "00":
        raise ValueError(f"window code must be 01–99, got {window!r}")
    return window


def make_number(division_code: str, window: str, day: date, sequence: int) -> str:
    """The canonical 22-character number for one window's ``sequence``-th case on ``day``."""
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"daily sequence must be 1–{MAX_SEQUENCE}, got {sequence}")
    if not 2000 <= day.year <= 2099:
        raise ValueError(f"year {day.year} does not fit YYMMDD")
    body = f"{center_code(division_code)}{_check_window(window)}{day:%y%m%d}{sequence:04d}"
    return body + check_character(body)


def format_number(number: str) -> str:
    """Print form, grouped with hyphens: ``210102001-03-261128-0007-K``."""
    parts = parse_number(number)
    return f"{parts.center}-{parts.window}-{parts.day:%y%m%d}-{parts.sequence:04d}-{parts.check}"


def normalize_number(text: str) -> str:
    """Canonical form of a typed or scanned number (case and separators forgiven), unchecked."""
    return re.sub(r"[\s\-]", "", text).upper()


def parse_number(text: str) -> CaseNumber:
    """Parse the canonical or the grouped form; raise ValueError (English) if it is not a valid number."""
    stripped = text.strip().upper()
    match = _CANONICAL.match(stripped) or _GROUPED.match(stripped)
    if not match:
        raise ValueError(f"not a case number: {text!r} (expected 22 characters, e.g. 210102001-03-261128-0007-K)")
    center, window, yymmdd, seq, check = match.groups()
    body = center + window + yymmdd + seq
    if check_character(body) != check:
        raise ValueError(f"case number {text!r} has a wrong check character (mistyped?)")
    try:
        day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        raise ValueError(f"case number {text!r} has an impossible date {yymmdd}") from None
    if int(seq) == 0 or window == "00":
        raise ValueError(f"case number {text!r} has a zero window or sequence")
    return CaseNumber(center, window, day, int(seq), check)


def new_query_code() -> str:
    """Six random digits printed on the receipt for the applicant's online query (查询密码)."""
    import secrets  # noqa: PLC0415 - secrets (hashlib, hmac) stays off the window's first paint, which formats numbers

    return f"{secrets.randbelow(1_000_000):06d}"
