"""Canonical JSON: one byte string per value, so hashes and signatures agree across machines.

:func:`loads` is the one way the sync code reads JSON that came from outside (HTTP bodies, transfer files): it
bounds the nesting depth (Python's parser recurses, so ``[[[[…`` 100,000 deep would end in RecursionError),
refuses NaN and infinities (canonical JSON cannot write them back) and lone UTF-16 surrogates (``"\\ud800"``
parses to a string that cannot be encoded as UTF-8, so hashing or storing it would fail later).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from sync.crypto import sha256_hex

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted from outside; a case payload is about five levels deep."""

_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # a JSON string, escapes included
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_EMPTY_PAIRS = re.compile(r"\[\]|\{\}")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonError(ValueError):
    """Input refused as JSON: malformed, nested too deep, a non-finite number or a lone surrogate."""


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(value: Any) -> str:
    return sha256_hex(dumps(value))


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse untrusted JSON; raises :class:`JsonError` (an English message) for anything :func:`dumps` cannot
    write back byte for byte."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonError("not UTF-8 text") from None
    else:
        text = data
    _check_depth(text, max_depth)
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except JsonError:
        raise
    except RecursionError:  # unbalanced and deep, which the depth check leaves to the parser
        raise JsonError(f"JSON nested deeper than {max_depth} levels") from None
    except json.JSONDecodeError as exc:
        raise JsonError(f"not JSON: {exc}") from None
    except ValueError:  # the only other ValueError: an integer of more digits than Python converts (4300)
        raise JsonError("JSON holds a number with too many digits") from None
    if _SURROGATE_ESCAPE.search(text):
        _check_strings(value)
    return value


def _check_depth(text: str, max_depth: int) -> None:
    """Strip strings and everything but brackets, then peel innermost pairs off once per level (each pass runs
    in C, so 8 MiB is checked in milliseconds). Unbalanced brackets are left to the parser to report."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    for _ in range(max_depth):
        peeled = _EMPTY_PAIRS.sub("", brackets)
        if not peeled or len(peeled) == len(brackets):
            return
        brackets = peeled
    if _EMPTY_PAIRS.search(brackets):
        raise JsonError(f"JSON nested deeper than {max_depth} levels")


def _refuse_constant(name: str) -> Any:
    raise JsonError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonError(f"number {text[:20]} is out of range")
    return value


def _check_strings(value: Any) -> None:
    """Every string (keys included) must encode as UTF-8; only reached when the text holds a surrogate escape."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise JsonError("string holds a lone UTF-16 surrogate") from None
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
