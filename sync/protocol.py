"""Shared vocabulary of API v1: platform statuses, paths, limits and version ordering."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, TypeGuard

MAX_JSON_BODY = 8 * 1024 * 1024
MAX_ATTACHMENT = 64 * 1024 * 1024
MAX_TRANSFER = 512 * 1024 * 1024
MAX_REVISION = 2**31 - 1  # the platform keeps revisions in 32-bit integer columns
MAX_COUNTER = 10**18 - 1  # cursors and other counters in query strings fit a signed 64-bit column
# Anchored with \Z and matched in full: "$" would also accept a trailing newline.
SHA256_RE = re.compile(r"\A[0-9a-f]{64}\Z")
UUID_RE = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
DEVICE_ID_RE = re.compile(r"\Adev-[0-9a-f]{16}\Z")  # "dev-" + key_id of the device's Ed25519 key
KEY_ID_RE = re.compile(r"\A[0-9a-f]{16}\Z")
_DIGITS_RE = re.compile(r"[0-9]{1,18}")  # ASCII only: str.isdigit() also takes "²" and "٣", which int() refuses


def is_int_in(value: Any, low: int, high: int) -> TypeGuard[int]:
    """``value`` is a JSON integer (not a bool) from ``low`` to ``high``."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def parse_count(text: str, *, maximum: int = MAX_COUNTER) -> int:
    """A non-negative integer written in ASCII digits, at most ``maximum``; ValueError (English) otherwise."""
    if not _DIGITS_RE.fullmatch(text) or int(text) > maximum:
        raise ValueError(f"{text[:30]!r} is not an integer from 0 to {maximum}")
    return int(text)


class PlatformStatus(StrEnum):
    """A case's status on the provincial platform."""

    RECEIVED = "received"  # 已接收: submitted, not yet handled
    ACCEPTED = "accepted"  # 受理 (在办)
    COMPLETED = "completed"  # 办结
    RETURNED = "returned"  # 退件 (需补正)
    REJECTED = "rejected"  # 不予受理


STATUS_LABELS: dict[PlatformStatus, str] = {
    PlatformStatus.RECEIVED: "已接收",
    PlatformStatus.ACCEPTED: "受理",
    PlatformStatus.COMPLETED: "办结",
    PlatformStatus.RETURNED: "退件（需补正）",
    PlatformStatus.REJECTED: "不予受理",
}

# Statuses an operator may set, from each status; completed and rejected are final.
OPERATOR_MOVES: dict[PlatformStatus, frozenset[PlatformStatus]] = {
    PlatformStatus.RECEIVED: frozenset(
        {PlatformStatus.ACCEPTED, PlatformStatus.COMPLETED, PlatformStatus.RETURNED, PlatformStatus.REJECTED}
    ),
    PlatformStatus.ACCEPTED: frozenset({PlatformStatus.COMPLETED, PlatformStatus.RETURNED, PlatformStatus.REJECTED}),
    PlatformStatus.RETURNED: frozenset({PlatformStatus.ACCEPTED, PlatformStatus.REJECTED}),
    PlatformStatus.COMPLETED: frozenset(),
    PlatformStatus.REJECTED: frozenset(),
}
