"""The text inside a receipt's QR code, and its parser for the app's own scanner.

Format, version 1 (ASCII keys, UTF-8 values, fields separated by ``;``)::

    YISHI:1;N=<case number>;Q=<query code>

Values are percent-encoded for ``%``, ``;``, ``=`` and control characters, so any text round-trips.
Unknown fields are ignored so that later versions may add some; another version number is not ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

PREFIX = "YISHI:"
VERSION = "1"
_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in "%;=")


@dataclass(frozen=True)
class ReceiptPayload:
    """What a receipt's QR code carries: enough to look the case up, nothing personal."""

    case_number: str
    query_code: str


def _enc(value: str) -> str:
    # Non-ASCII stays as is (the QR is UTF-8 with ECI); only separators and controls are escaped.
    return "".join(ch if ch in _SAFE or ord(ch) > 0x7F else quote(ch, safe="") for ch in value)


def format_receipt_payload(case_number: str, query_code: str) -> str:
    """The QR text for a receipt, e.g. ``YISHI:1;N=210102000-03-250926-0012-O;Q=583920``."""
    if not case_number:
        raise ValueError("case number is empty")
    return f"{PREFIX}{VERSION};N={_enc(case_number)};Q={_enc(query_code)}"


def parse_receipt_payload(text: str) -> ReceiptPayload | None:
    """Read a scanned receipt QR; ``None`` when the text is not a version-1 yishi receipt."""
    if not text.startswith(PREFIX):
        return None
    version, *fields = text[len(PREFIX) :].split(";")
    if version != VERSION:
        return None
    values: dict[str, str] = {}
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep:
            continue
        try:
            values.setdefault(key, unquote(value, errors="strict"))
        except UnicodeDecodeError:
            return None
    case_number = values.get("N", "")
    if not case_number:
        return None
    return ReceiptPayload(case_number=case_number, query_code=values.get("Q", ""))
