"""The text inside a receipt's QR code, and its parsers for the app's own scanner.

A receipt's QR is a URL a citizen's phone opens (the platform's case page)::

    {receipt_base_url}/q/{case number}?c={query code}

``receipt_base_url`` is a setting (https only). The app recognises any https URL of that shape whose case number
carries a valid check character, whatever the host, so a moved platform does not orphan printed receipts.

Before the URL there was an app-only payload, version 1 (ASCII keys, UTF-8 values, fields separated by ``;``),
still printed when no base URL is set and still recognised when scanned::

    YISHI:1;N=<case number>;Q=<query code>

Its values are percent-encoded for ``%``, ``;``, ``=`` and control characters, so any text round-trips.
Unknown fields are ignored so that later versions may add some; another version number is not ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

PREFIX = "YISHI:"
VERSION = "1"
URL_PATH = "/q/"
URL_QUERY_KEY = "c"
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


def receipt_base_url_problem(base_url: str) -> str | None:
    """Why ``base_url`` cannot prefix receipt links (Chinese, for the profile dialog); None when it can."""
    base = base_url.strip()
    if not base:
        return None
    parts = urlsplit(base)
    if parts.scheme != "https" or not parts.hostname:
        return "回执二维码网址须以 https:// 开头并包含域名"
    if parts.query or parts.fragment or any(ch.isspace() for ch in base):
        return "回执二维码网址不能含有空格、查询参数（?）或锚点（#）"
    return None


def format_receipt_url(base_url: str, case_number: str, query_code: str) -> str:
    """``https://host/base/q/210102000-03-250926-0012-O?c=583920``; raises ValueError for an unusable base."""
    if not case_number:
        raise ValueError("case number is empty")
    base = base_url.strip()
    if not base or receipt_base_url_problem(base):
        raise ValueError(f"receipt base URL must be an https URL without query or fragment, got {base_url!r}")
    number = quote(case_number, safe="-")
    return f"{base.rstrip('/')}{URL_PATH}{number}?{URL_QUERY_KEY}={quote(query_code, safe='')}"


def receipt_qr_text(base_url: str, case_number: str, query_code: str) -> str:
    """What a receipt's QR carries: the citizen's URL when a usable base URL is set, else the app-only payload."""
    if base_url.strip() and receipt_base_url_problem(base_url) is None:
        return format_receipt_url(base_url, case_number, query_code)
    return format_receipt_payload(case_number, query_code)


def parse_receipt_url(text: str) -> ReceiptPayload | None:
    """Read a scanned receipt URL (any https host, path ending ``/q/<number>``, ``c`` in the query); else None."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return None
    _, sep, tail = parts.path.rpartition(URL_PATH)
    if parts.scheme.lower() != "https" or not parts.hostname or not sep or not tail or "/" in tail:
        return None
    try:
        number = unquote(tail, errors="strict")
        codes = parse_qs(parts.query, keep_blank_values=True, errors="strict").get(URL_QUERY_KEY, [])
    except (UnicodeDecodeError, ValueError):
        return None
    if not number or len(codes) != 1:
        return None
    return ReceiptPayload(case_number=number, query_code=codes[0])


def parse_receipt_text(text: str) -> ReceiptPayload | None:
    """A receipt QR of either shape: the URL, or the older ``YISHI:1`` payload."""
    return parse_receipt_payload(text) if text.startswith(PREFIX) else parse_receipt_url(text)
