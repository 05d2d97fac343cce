"""Shared vocabulary of API v1: platform statuses, paths, limits and version ordering."""

from __future__ import annotations

import re
from enum import StrEnum

API_PREFIX = "/v1"
MAX_JSON_BODY = 8 * 1024 * 1024
MAX_ATTACHMENT = 64 * 1024 * 1024
MAX_TRANSFER = 512 * 1024 * 1024
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


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


def version_key(version: str) -> tuple[int, ...]:
    """``2026.11.1`` → (2026, 11, 1); raises ValueError on anything but dot-separated integers."""
    parts = version.split(".")
    if not version or not all(p.isdigit() for p in parts):
        raise ValueError(f"catalog version {version!r} is not dot-separated integers")
    return tuple(int(p) for p in parts)


def is_newer(candidate: str, installed: str) -> bool:
    return version_key(candidate) > version_key(installed)
