"""What a scanned text is: our receipt, a credit code (alone or in a business-licence QR), an ID number,
an e-licence identifier, or unknown. Nothing is guessed: ambiguous or damaged text is never coerced.

Texts that are too long or carry control characters are INVALID and are not kept in the result, so
they cannot be written anywhere by accident.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from desktop.cases.numbers import parse_number
from desktop.forms.idnumbers import id_error, normalize_id, uscc_error
from desktop.scan.elicence import elicence_error, looks_like_elicence, parse_elicence_id
from printing.payload import PREFIX as RECEIPT_PREFIX
from printing.payload import ReceiptPayload, parse_receipt_payload, parse_receipt_url

MAX_PAYLOAD_CHARS = 4096
_ALLOWED_CONTROLS = frozenset("\t\r\n")
# Bidi overrides/isolates can make a text display differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_USCC_CHARS = "0-9A-HJ-NPQRTUWXY"
_USCC_IN_TEXT = re.compile(rf"(?<![0-9A-Za-z])[{_USCC_CHARS}]{{18}}(?![0-9A-Za-z])")
_ID_SHAPE = re.compile(r"\d{17}[\dX]|\d{15}")
_USCC_SHAPE = re.compile(rf"[{_USCC_CHARS}]{{18}}")
_QUERY_CODE = re.compile(r"\d{6}")


class PayloadKind(StrEnum):
    """Kinds of scanned text the window recognises."""

    RECEIPT = "receipt"  # our own receipt QR (the citizen's https link, or the older YISHI:1 text): number + query code
    CASE_NUMBER = "case_number"  # a bare case number, e.g. the Code 128 on a receipt or transfer slip
    USCC = "uscc"  # unified social credit code, alone or found in a business-licence QR
    RESIDENT_ID = "resident_id"
    ELICENCE = "elicence"  # GB/T 36904 e-licence identifier
    UNKNOWN = "unknown"  # shown to the clerk as text
    INVALID = "invalid"  # recognised shape but failing a check, or unsafe text; ``problem`` says why


@dataclass(frozen=True)
class Payload:
    """A classified scan. ``value`` is the normalised identifier; ``text`` the scanned text ('' if unsafe)."""

    kind: PayloadKind
    text: str
    value: str = ""
    query_code: str = ""
    problem: str = ""  # Chinese, for the clerk


def unsafe_reason(text: str) -> str | None:
    """Why ``text`` must not be shown or stored as-is (too long, control characters); None when fine."""
    if len(text) > MAX_PAYLOAD_CHARS:
        return f"扫描内容过长（超过{MAX_PAYLOAD_CHARS}个字符），已忽略"
    for ch in text:
        if ch in _BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS):
            return "扫描内容含有控制字符，已忽略"
    return None


def _receipt(text: str) -> Payload:
    parsed = parse_receipt_payload(text)
    if parsed is None:
        return Payload(PayloadKind.INVALID, text, problem="回执二维码内容不完整或版本不支持")
    try:
        number = parse_number(parsed.case_number).canonical
    except ValueError:
        return Payload(PayloadKind.INVALID, text, problem="回执二维码中的办件编号无效")
    return _receipt_with_code(text, number, parsed)


def _receipt_url(text: str) -> Payload | None:
    """A receipt link (``https://…/q/<number>?c=<code>``): ours only when the number's check character holds, so
    another site's ``/q/`` link stays unknown rather than being called a damaged receipt."""
    parsed = parse_receipt_url(text)
    if parsed is None:
        return None
    try:
        number = parse_number(parsed.case_number).canonical
    except ValueError:
        return None
    return _receipt_with_code(text, number, parsed)


def _receipt_with_code(text: str, number: str, parsed: ReceiptPayload) -> Payload:
    if not _QUERY_CODE.fullmatch(parsed.query_code):
        return Payload(PayloadKind.INVALID, text, value=number, problem="回执二维码中的查询密码无效")
    return Payload(PayloadKind.RECEIPT, text, value=number, query_code=parsed.query_code)


def _elicence(text: str) -> Payload:
    problem = elicence_error(text)
    if problem:
        return Payload(PayloadKind.INVALID, text, problem=problem)
    return Payload(PayloadKind.ELICENCE, text, value=str(parse_elicence_id(text)))


def _case_number(text: str) -> Payload | None:
    try:
        return Payload(PayloadKind.CASE_NUMBER, text, value=parse_number(text).canonical)
    except ValueError:
        return None


def _bare_code(text: str) -> Payload | None:
    code = normalize_id(text)
    id_shape, uscc_shape = bool(_ID_SHAPE.fullmatch(code)), bool(_USCC_SHAPE.fullmatch(code))
    if not (id_shape or uscc_shape):
        return None
    id_ok = id_shape and id_error(code) is None
    uscc_ok = uscc_shape and uscc_error(code) is None
    if id_ok and uscc_ok:
        return Payload(PayloadKind.UNKNOWN, text, problem="既可能是身份证号码也可能是统一社会信用代码，请人工核对")
    if id_ok:
        return Payload(PayloadKind.RESIDENT_ID, text, value=code)
    if uscc_ok:
        return Payload(PayloadKind.USCC, text, value=code)
    if id_shape and uscc_shape:
        return Payload(PayloadKind.INVALID, text, problem="既不是有效的身份证号码，也不是有效的统一社会信用代码")
    return Payload(PayloadKind.INVALID, text, problem=(id_error(code) if id_shape else uscc_error(code)) or "")


def _licence_text(text: str) -> Payload | None:
    # Business-licence QR codes carry a URL or text that contains the 18-character credit code.
    codes = {m.group(0) for m in _USCC_IN_TEXT.finditer(text) if uscc_error(m.group(0)) is None}
    if len(codes) == 1:
        return Payload(PayloadKind.USCC, text, value=codes.pop())
    if len(codes) > 1:
        return Payload(PayloadKind.UNKNOWN, text, problem="内容中有多个统一社会信用代码，请人工核对")
    return None


def classify(text: str) -> Payload:
    """Classify one scanned text (from an image or a keyboard-wedge scanner)."""
    problem = unsafe_reason(text)
    if problem:
        return Payload(PayloadKind.INVALID, "", problem=problem)
    stripped = text.strip()
    if stripped.startswith(RECEIPT_PREFIX):
        return _receipt(stripped)
    if looks_like_elicence(stripped):
        return _elicence(stripped)
    found = _receipt_url(stripped) or _case_number(stripped) or _bare_code(stripped) or _licence_text(stripped)
    return found or Payload(PayloadKind.UNKNOWN, text)
