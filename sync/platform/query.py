"""The applicant's query page: ``GET /q/{case number}?c={query code}``, the link in the receipt's QR code.

A Chinese page sized for a phone: the case's status, its items with their promised dates, materials still owed and
by when. Nothing personal beyond the applicant's masked name (张*三). A wrong code gets exactly the page an unknown
case gets, so the page never tells whether a number exists; and failed codes are counted per client address and per
case number: after ``QueryLimits.failures`` of them within ``QueryLimits.window_seconds`` every query from that
address or for that case is answered 429 until the oldest failure ages out (a right code included, so guessing
cannot go on behind the limit).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from sqlalchemy import Row, select

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialStatus
from desktop.cases.numbers import format_number
from desktop.cases.states import DECISION_LABELS, Decision
from desktop.catalog.loader import CatalogError, raw_from_dir
from desktop.paths import catalog_dir
from sync.platform import db
from sync.platform.service import Platform, Result, aware
from sync.protocol import STATUS_LABELS, PlatformStatus

PATH_PREFIX = "/q/"
_NUMBER_RE = re.compile(r"[0-9]{21}[0-9A-Z]")
_CODE_RE = re.compile(r"[0-9]{6}")
_SEPARATORS = re.compile(r"[\s\-]")
_OWED = frozenset({MaterialStatus.MISSING.value, MaterialStatus.DEFERRED.value})
MAX_TRACKED = 50_000  # addresses and case numbers with recent failures kept in memory


@dataclass(frozen=True)
class QueryLimits:
    """How many failed query codes are allowed, per client address and per case number, in a sliding window."""

    failures: int = 10
    window_seconds: float = 600.0


class QueryGuard:
    """Counts failed queries per key (``("address", ip)``, ``("case", number)``) in a sliding window.

    In memory, per server process: behind several processes each keeps its own count (the limit multiplies by
    their number), and behind a reverse proxy every client has the proxy's address.
    """

    def __init__(self, limits: QueryLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, keys: tuple[tuple[str, str], ...]) -> int | None:
        """Seconds until a blocked key may query again, or None when none of ``keys`` is blocked."""
        now = self.clock()
        waits = []
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.limits.failures:
                    waits.append(times[-self.limits.failures] + self.limits.window_seconds - now)
        return max(1, int(max(waits)) + 1) if waits else None

    def fail(self, keys: tuple[tuple[str, str], ...]) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) >= MAX_TRACKED:
                self._forget_expired(now)
            for key in keys:
                self._failures.setdefault(key, deque(maxlen=self.limits.failures)).append(now)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.limits.window_seconds:
            times.popleft()
        return times

    def _forget_expired(self, now: float) -> None:
        for key in [k for k, t in self._failures.items() if not t or t[-1] <= now - self.limits.window_seconds]:
            del self._failures[key]
        while len(self._failures) >= MAX_TRACKED:  # still full: the oldest-tracked keys go first
            del self._failures[next(iter(self._failures))]


def normalize_number(text: str) -> str:
    """A typed or scanned number in canonical form (hyphens and spaces dropped, upper case), at most 40 characters."""
    return _SEPARATORS.sub("", text)[:40].upper()


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明: the first and last character stay, the rest are stars."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class QueryPages:
    """Answers ``/q/`` requests for one platform: looks the case up, guards against guessing, renders the page."""

    def __init__(self, platform: Platform, limits: QueryLimits | None = None, *, hall: Clock | None = None) -> None:
        self.platform = platform
        self.guard = QueryGuard(limits or QueryLimits(), platform.clock)
        self.hall = hall or Clock()  # the hall's time zone turns instants into the dates an applicant reads
        self._names: tuple[str | None, _Names] | None = None

    def answer(self, number_text: str, code: str, client: str) -> Result:
        number = normalize_number(number_text)
        keys = (("address", client), ("case", number))
        wait = self.guard.retry_after(keys)
        if wait is not None:
            return _page(429, "查询过于频繁", _TOO_MANY, {"Retry-After": str(wait)})
        found = self._find(number, code) if _NUMBER_RE.fullmatch(number) and _CODE_RE.fullmatch(code) else None
        if found is None:
            self.guard.fail(keys)
            return _page(404, "未查到办件", _NOT_FOUND)
        return _page(200, "办件查询", self._render(found))

    def _find(self, number: str, code: str) -> Row[Any] | None:
        cq, cs = db.case_query, db.cases
        with self.platform.engine.connect() as conn:
            rows = conn.execute(
                select(cs, cq.c.query_code).join(cq, cq.c.case_id == cs.c.case_id).where(cq.c.number == number)
            ).all()
        match = None
        for row in rows:  # compare every candidate in constant time, so timing tells nothing either
            if hmac.compare_digest((row.query_code or "").encode(), code.encode()) and match is None:
                match = row
        return match

    def names(self) -> _Names:
        """Read again only when the platform has published a newer catalog."""
        with self.platform.engine.connect() as conn:
            newest = conn.execute(
                select(db.catalogs.c.version, db.catalogs.c.document).order_by(db.catalogs.c.sort_key.desc()).limit(1)
            ).first()
        version = None if newest is None else newest.version
        if self._names is None or self._names[0] != version:
            self._names = (version, _Names.load(None if newest is None else newest.document))
        return self._names[1]

    def _render(self, row: Row[Any]) -> str:
        payload = json.loads(row.payload)
        names = self.names()
        status = PlatformStatus(row.status)
        rows = [
            ("办件编号", _number(payload.get("number"))),
            ("申请人", mask_name(_text(_dict(payload.get("applicant")).get("name")))),
            ("一件事", names.bundles.get(_text(payload.get("bundle_code")), _text(payload.get("bundle_code")))),
            ("受理地点", _text(_dict(payload.get("center")).get("name"))),
            ("受理日期", self._day(payload.get("decided_at"))),
            ("窗口结论", _decision(payload.get("decision"))),
            ("办理状态", STATUS_LABELS[status]),
            ("状态更新", self._day(aware(row.updated_at).isoformat())),
        ]
        parts = [_table(rows)]
        if status in (PlatformStatus.RETURNED, PlatformStatus.REJECTED) and row.status_reason:
            parts.append(f'<p class="note">原因：{escape(row.status_reason)}</p>')
        items = [i for i in _list(payload.get("items")) if isinstance(i, dict) and i.get("applies")]
        if items:
            parts.append("<h2>办理事项</h2>")
            parts.append(
                "<ul>"
                + "".join(
                    f"<li><b>{escape(names.items.get(_text(i.get('item_code')), _text(i.get('item_code'))))}</b>"
                    f"<span>{escape(names.departments.get(_text(i.get('department')), ''))}</span>"
                    f"<span>承诺办结：{escape(_date(i.get('promised_date')) or '以部门通知为准')}</span></li>"
                    for i in items
                )
                + "</ul>"
            )
        owed = [m for m in _list(payload.get("materials")) if isinstance(m, dict) and m.get("status") in _OWED]
        if owed:
            parts.append("<h2>待补交材料</h2>")
            parts.append(
                "<ul>"
                + "".join(
                    f"<li><b>{escape(_text(m.get('name')))}</b>"
                    f"<span>补交期限：{escape(_date(m.get('deadline')) or '请向受理窗口咨询')}</span></li>"
                    for m in owed
                )
                + "</ul>"
            )
        parts.append(f'<p class="foot">平台编号 {escape(row.platform_number or "")}。如有疑问，请咨询受理窗口。</p>')
        return "".join(parts)

    def _day(self, value: Any) -> str:
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            return ""
        return _chinese_date(self.hall.local_day(moment))


@dataclass(frozen=True)
class _Names:
    """Item, bundle and department names by code: the newest catalog the platform published over the shipped one."""

    items: dict[str, str]
    bundles: dict[str, str]
    departments: dict[str, str]

    @classmethod
    def load(cls, published: str | None) -> _Names:
        """From the shipped catalog, overridden by ``published`` (a signed catalog-update document) if any."""
        tables: dict[str, dict[str, str]] = {"items": {}, "bundles": {}, "departments": {}}
        raws: list[Any] = []
        with contextlib.suppress(CatalogError, OSError):
            raws.append(raw_from_dir(catalog_dir()))
        if published is not None:
            raws.append(_dict(json.loads(published)).get("catalog"))
        for raw in raws:
            for table, mapping in tables.items():
                for record in _list(_dict(raw).get(table)):
                    if isinstance(record, dict) and isinstance(record.get("code"), str):
                        mapping[record["code"]] = _text(record.get("name"))
        return cls(**tables)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> str:
    try:
        return format_number(value) if isinstance(value, str) else ""
    except ValueError:
        return _text(value)


def _decision(value: Any) -> str:
    try:
        return DECISION_LABELS[Decision(value)]
    except ValueError:
        return ""


def _date(value: Any) -> str:
    try:
        return _chinese_date(date.fromisoformat(value)) if isinstance(value, str) else ""
    except ValueError:
        return ""


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows if v)
    return f"<table>{cells}</table>"


_NOT_FOUND = (
    '<p class="note">未查到该办件。请核对回执上的办件编号和六位查询密码；办件上报省平台后方可查询，'
    "如刚刚办理，请稍后再试。</p>"
)
_TOO_MANY = '<p class="note">查询次数过多，请稍后再试。如忘记查询密码，请携带身份证件到受理窗口咨询。</p>'
_STYLE = (
    "body{font-family:-apple-system,'PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;"
    "margin:0;padding:16px;max-width:480px;margin:0 auto;color:#222;font-size:16px;line-height:1.5}"
    "h1{font-size:20px;margin:8px 0 16px}h2{font-size:17px;margin:20px 0 8px}"
    "table{width:100%;border-collapse:collapse}th{text-align:left;color:#666;font-weight:normal;"
    "width:5em;vertical-align:top;padding:6px 12px 6px 0;white-space:nowrap}td{padding:6px 0}"
    "tr{border-bottom:1px solid #eee}"
    "ul{list-style:none;padding:0;margin:0}li{border:1px solid #e5e5e5;border-radius:6px;padding:8px 10px;"
    "margin-bottom:8px}li span{display:block;color:#555;font-size:14px}"
    ".note{background:#fff7e6;border-radius:6px;padding:10px}.foot{color:#888;font-size:13px;margin-top:24px}"
)


def _page(status: int, title: str, body: str, headers: dict[str, str] | None = None) -> Result:
    html = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)} - 一件事一次办</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return Result(status, headers=dict(headers or {}), html=html)
