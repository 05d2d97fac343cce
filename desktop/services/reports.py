"""Reports a hall hands upward (日报 / 月报) and the supervisor's figures: one count, three outputs.

:func:`build_report` reads the cases decided in a period of the hall's local days once; :func:`report_json`,
:func:`write_xlsx` (openpyxl) and :func:`write_pdf` (``printing.report``) all render that one
:class:`~printing.report.ReportData`, so the JSON, the workbook and the PDF cannot disagree.

What is counted:

- ``by_decision`` / ``by_bundle`` / ``by_clerk`` / ``by_hour``: cases decided in the period (the decision a case has
  now: a 容缺 case whose materials all came in counts as 受理), voided cases left out; ``total`` is their sum.
- ``deferred_open``: of those, 容缺受理 cases with a material still missing; ``deferred_overdue``: of those, the ones
  whose earliest deadline is before the hall's today.
- ``ratings``: the 好差评 levels given to those cases.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from desktop.cases.ratings import BAD_REASONS
from desktop.cases.states import CaseState, Decision
from desktop.catalog.loader import CatalogError
from desktop.services.hall import Hall
from desktop.services.ratings import RatingSummary, follow_up_text, rating_summary
from desktop.store.supervision import SupervisedCase
from printing.report import DECISION_NAMES, RATING_NAMES, BadRating, ReportCase, ReportData, report_pdf

JSON_KEYS = (
    "from",
    "to",
    "total",
    "by_decision",
    "by_bundle",
    "by_clerk",
    "deferred_open",
    "deferred_overdue",
    "ratings",
)


@dataclass(frozen=True)
class Filters:
    """What the supervisor narrowed the period to (``None``: all)."""

    window: str | None = None
    clerk: str | None = None
    bundle: str | None = None


def period(hall: Hall, first: date | None, last: date | None) -> tuple[date, date]:
    """The report's days: today in the hall's time zone when neither is given; one given alone is a single day."""
    if first is None and last is None:
        first = last = hall.clock.today()
    first = first or last
    last = last or first
    assert first is not None and last is not None
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    return first, last


def counted_cases(hall: Hall, first: date, last: date, filters: Filters = Filters()) -> list[SupervisedCase]:
    """Every case decided in the period (voided ones included, flagged), oldest first."""
    start, end = hall.clock.period_bounds(first, last)
    return hall.store.decided_between(start, end, window=filters.window, clerk=filters.clerk, bundle=filters.bundle)


def build_report(
    hall: Hall,
    first: date,
    last: date,
    filters: Filters = Filters(),
    *,
    center_name: str = "",
    bundle_names: Mapping[str, str] | None = None,
) -> ReportData:
    """The period's figures; ``bundle_names`` from the catalog the caller has (else the catalog in use is read)."""
    cases = counted_cases(hall, first, last, filters)
    live = [c for c in cases if not c.voided and c.decision is not None]
    today = hall.clock.today()
    deferred = [c for c in live if c.decision is Decision.DEFER and c.deferred_deadline is not None]
    names = dict(bundle_names) if bundle_names is not None else _bundle_names(hall)
    minutes: dict[str, list[float]] = defaultdict(list)
    for c in live:
        assert c.decided_at is not None
        minutes[c.bundle_code].append((c.decided_at - c.created_at).total_seconds() / 60)
    ratings = Counter(str(c.rating) for c in live if c.rating is not None)
    by_decision = Counter(str(c.decision) for c in live)
    ids = {c.id for c in live}
    return ReportData(
        first=first,
        last=last,
        center_name=center_name,
        window=filters.window,
        made_at=hall.clock.local_now(),
        by_decision={d.value: by_decision.get(d.value, 0) for d in Decision},
        by_bundle=dict(sorted(Counter(c.bundle_code for c in live).items())),
        by_clerk=dict(sorted(Counter(c.clerk for c in live).items())),
        by_hour=dict(sorted(Counter(hall.clock.local(c.decided_at).hour for c in live if c.decided_at).items())),
        deferred_open=len(deferred),
        deferred_overdue=sum(1 for c in deferred if c.deferred_deadline is not None and c.deferred_deadline < today),
        ratings={str(level): ratings.get(str(level), 0) for level in range(1, 6)},
        handling_minutes={k: sum(v) / len(v) for k, v in sorted(minutes.items())},
        bundle_names=names,
        clerk_names={a.username: a.display_name for a in hall.store.accounts()},
        cases=[_line(hall, c, names) for c in cases],
        bad_ratings=_bad_ratings(hall, ids),
    )


def _bundle_names(hall: Hall) -> dict[str, str]:
    """Bundle names from the catalog in use; codes alone when no catalog loads (a report reads only the store)."""
    try:
        bundles = hall.catalogs.current().index.bundles
    except CatalogError:
        return {}
    return {code: b.name for code, b in bundles.items()}


def _line(hall: Hall, c: SupervisedCase, names: dict[str, str]) -> ReportCase:
    decided = hall.clock.local(c.decided_at) if c.decided_at else None
    return ReportCase(
        number=c.number or "",
        bundle_code=c.bundle_code,
        bundle_name=names.get(c.bundle_code, c.bundle_code),
        decision=str(c.decision or ""),
        clerk=c.clerk,
        window_code=c.window_code,
        decided_at="" if decided is None else f"{decided:%Y-%m-%d %H:%M}",
        handling_minutes=0.0 if c.decided_at is None else (c.decided_at - c.created_at).total_seconds() / 60,
        rating=c.rating,
        voided=c.voided,
        case_id=str(c.id),
        hour=None if decided is None else decided.hour,
    )


def _bad_ratings(hall: Hall, case_ids: set[uuid.UUID]) -> list[BadRating]:
    out = []
    for r in hall.store.bad_ratings():
        if r.case_id in case_ids:
            number = hall.store.get(r.case_id).case.number or ""
            reason = BAD_REASONS.get(r.reason or "", r.reason or "")
            out.append(BadRating(number, r.level, reason, r.clerk, follow_up_text(r)))
    return out


@dataclass(frozen=True)
class OpenCase:
    """A case on one of the supervisor's open lists, with the days left to its deadline (negative: overdue)."""

    case: SupervisedCase
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass(frozen=True)
class Workspace:
    """Everything the supervisor's workspace shows for a period and its filters."""

    report: ReportData
    deferred: list[OpenCase]  # 容缺 with materials missing, soonest deadline first
    notified: list[OpenCase]  # 一次性告知 not back yet
    quarantined: list[OpenCase]  # refused by the platform, waiting for the window
    ratings: RatingSummary


def workspace(
    hall: Hall,
    first: date,
    last: date,
    filters: Filters = Filters(),
    *,
    center_name: str = "",
    bundle_names: Mapping[str, str] | None = None,
) -> Workspace:
    """The period's figures (with ``filters``) and the lists of what is open now (window and clerk filters apply)."""
    data = build_report(hall, first, last, filters, center_name=center_name, bundle_names=bundle_names)
    today = hall.clock.today()

    def listed(cases: list[SupervisedCase]) -> list[OpenCase]:
        chosen = [c for c in cases if filters.bundle in (None, c.bundle_code)]
        return [
            OpenCase(c, None if c.deferred_deadline is None else (c.deferred_deadline - today).days) for c in chosen
        ]

    store = hall.store
    return Workspace(
        report=data,
        deferred=listed(store.open_deferred(window=filters.window, clerk=filters.clerk)),
        notified=listed(store.in_states([CaseState.SUPPLEMENT_NOTIFIED], window=filters.window, clerk=filters.clerk)),
        quarantined=listed(store.in_states([CaseState.QUARANTINED], window=filters.window, clerk=filters.clerk)),
        ratings=rating_summary(hall, data.ratings),
    )


def report_json(data: ReportData) -> dict[str, Any]:
    """Exactly the keys of ``yishi report --json``; ``total`` is the sum of ``by_decision``."""
    return {
        "from": data.first.isoformat(),
        "to": data.last.isoformat(),
        "total": data.total,
        "by_decision": dict(data.by_decision),
        "by_bundle": dict(data.by_bundle),
        "by_clerk": dict(data.by_clerk),
        "deferred_open": data.deferred_open,
        "deferred_overdue": data.deferred_overdue,
        "ratings": dict(data.ratings),
    }


def dumps(data: ReportData) -> str:
    return json.dumps(report_json(data), ensure_ascii=False, sort_keys=False)


SHEETS = ("汇总", "按办理结果", "按一件事", "按窗口人员", "按时段", "好差评", "办件清单")


def write_xlsx(data: ReportData, path: Path) -> None:
    """An openpyxl workbook: a summary, one sheet per breakdown (code/key in column A, count in B) and the cases."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = SHEETS[0]
    for row in (
        ("项目", "值"),
        ("from", data.first.isoformat()),
        ("to", data.last.isoformat()),
        ("total", data.total),
        ("deferred_open", data.deferred_open),
        ("deferred_overdue", data.deferred_overdue),
        ("window", data.window or "全部"),
    ):
        summary.append(row)
    _breakdown(book, SHEETS[1], ("decision", "件数", "办理结果"), data.by_decision, DECISION_NAMES)
    _breakdown(book, SHEETS[2], ("bundle", "件数", "一件事"), data.by_bundle, data.bundle_names)
    _breakdown(book, SHEETS[3], ("clerk", "件数", "姓名"), data.by_clerk, data.clerk_names)
    _breakdown(
        book,
        SHEETS[4],
        ("hour", "件数", "时段"),
        {str(h): n for h, n in data.by_hour.items()},
        {str(h): f"{h:02d}:00–{h:02d}:59" for h in data.by_hour},
    )
    _breakdown(book, SHEETS[5], ("level", "件数", "评价"), data.ratings, RATING_NAMES)
    cases = book.create_sheet(SHEETS[6])
    cases.append(
        (
            "办件编号",
            "一件事编码",
            "一件事",
            "办理结果",
            "窗口人员",
            "窗口",
            "决定时间",
            "办理用时(分钟)",
            "评价",
            "作废",
        )
    )
    for c in data.cases:
        cases.append(
            (
                c.number,
                c.bundle_code,
                c.bundle_name,
                c.decision,
                c.clerk,
                c.window_code,
                c.decided_at,
                round(c.handling_minutes, 1),
                c.rating,
                "是" if c.voided else "",
            )
        )
    for sheet in book.worksheets:
        for column in sheet.columns:
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = max(10, *(len(str(cell.value or "")) * 2 for cell in column))
    book.save(path)


def _breakdown(
    book: Workbook, title: str, header: tuple[str, str, str], counts: dict[str, int], names: dict[str, str]
) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for key, n in counts.items():
        sheet.append((key, n, names.get(key, key)))


def write_pdf(data: ReportData, path: Path) -> None:
    path.write_bytes(report_pdf(data))


def audit_export(hall: Hall, actor: str, kind: str, data: ReportData, target: str) -> None:
    """Exports are audited: who took which report of which period where."""
    detail = {"kind": kind, "from": data.first.isoformat(), "to": data.last.isoformat(), "target": target}
    hall.store.record(actor, "export_report", detail)
