"""The 日报 / 月报 a hall hands upward: a printable A4 PDF in the documents' font (WenQuanYi Micro Hei, embedded).

The figures come in as a :class:`ReportData` (built by ``desktop.services.reports``); this module only lays out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from printing.layout import BODY_W, build_pdf, cn_date, esc, grid, para, styles

DECISION_NAMES = {"accept": "受理", "defer": "容缺受理", "notify": "一次性告知", "reject": "不予受理"}
RATING_NAMES = {"5": "非常满意", "4": "满意", "3": "基本满意", "2": "不满意", "1": "非常不满意"}


@dataclass(frozen=True)
class ReportCase:
    """One line of the cases sheet / table."""

    number: str
    bundle_code: str
    bundle_name: str
    decision: str  # Decision value
    clerk: str
    window_code: str
    decided_at: str  # the hall's wall clock, YYYY-MM-DD HH:MM
    handling_minutes: float
    rating: int | None
    voided: bool
    case_id: str = ""  # the case's UUID, for a drill-down to it
    hour: int | None = None  # the hour of the hall's day it was decided


@dataclass(frozen=True)
class BadRating:
    number: str
    level: int
    reason: str
    clerk: str
    follow_up: str  # "" while open


@dataclass(frozen=True)
class ReportData:
    """What a report counts. ``cases`` lists every case decided in the period; the counts leave voided ones out."""

    first: date
    last: date
    center_name: str
    window: str | None
    made_at: datetime  # local
    by_decision: dict[str, int]
    by_bundle: dict[str, int]
    by_clerk: dict[str, int]
    by_hour: dict[int, int]
    deferred_open: int
    deferred_overdue: int
    ratings: dict[str, int]
    handling_minutes: dict[str, float]  # bundle code → average minutes from opening to decision
    bundle_names: dict[str, str] = field(default_factory=dict)
    clerk_names: dict[str, str] = field(default_factory=dict)
    cases: list[ReportCase] = field(default_factory=list)
    bad_ratings: list[BadRating] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_decision.values())

    @property
    def kind(self) -> str:
        """日报 for one day, 月报 for a calendar month, else 统计报表."""
        if self.first == self.last:
            return "日报"
        same_month = (self.first.year, self.first.month) == (self.last.year, self.last.month)
        if same_month and self.first.day == 1 and (self.last + timedelta(days=1)).day == 1:
            return "月报"
        return "统计报表"

    @property
    def period_text(self) -> str:
        if self.first == self.last:
            return cn_date(self.first)
        return f"{cn_date(self.first)} 至 {cn_date(self.last)}"


def _bundle(data: ReportData, code: str) -> str:
    name = data.bundle_names.get(code)
    return f"{name}（{code}）" if name else code


def _section(title: str) -> Flowable:
    return para(esc(title), styles().heading)


def _counts(header: tuple[str, str], rows: list[tuple[str, int]], total: int) -> Flowable:
    shown = [[name, str(n), f"{n * 100 / total:.1f}%" if total else "—"] for name, n in rows]
    return grid([header[0], header[1], "占比"], shown, [BODY_W * 0.6, BODY_W * 0.2, BODY_W * 0.2], center=(1, 2))


def report_pdf(data: ReportData) -> bytes:
    """The report as an A4 PDF."""
    s = styles()
    scope = f"窗口 {data.window}" if data.window else "全部窗口"
    story: list[Flowable] = [
        para(esc(f"{data.center_name or '便民服务中心'}"), s.subtitle),
        para(esc(f"一件事一次办 受理{data.kind}"), s.title),
        para(
            esc(f"统计期间：{data.period_text}（北京时间）　范围：{scope}　制表：{data.made_at:%Y-%m-%d %H:%M}"),
            s.number,
        ),
        Spacer(1, 3 * mm),
        _section("一、总体情况"),
        grid(
            ["受理总量", "容缺未补齐", "其中已逾期", "好评（基本满意及以上）", "差评（不满意及以下）"],
            [
                [
                    str(data.total),
                    str(data.deferred_open),
                    str(data.deferred_overdue),
                    str(sum(data.ratings[k] for k in ("3", "4", "5"))),
                    str(sum(data.ratings[k] for k in ("1", "2"))),
                ]
            ],
            [BODY_W / 5] * 5,
            center=(0, 1, 2, 3, 4),
        ),
        _section("二、按办理结果"),
        _counts(("办理结果", "件数"), [(DECISION_NAMES.get(k, k), n) for k, n in data.by_decision.items()], data.total),
        _section("三、按一件事"),
        _counts(
            ("一件事", "件数"),
            [(_bundle(data, k), n) for k, n in sorted(data.by_bundle.items())],
            data.total,
        ),
        _section("四、按窗口人员"),
        _counts(
            ("窗口人员", "件数"),
            [(data.clerk_names.get(k, k), n) for k, n in sorted(data.by_clerk.items())],
            data.total,
        ),
        _section("五、好差评"),
        _counts(
            ("评价", "件数"),
            [(RATING_NAMES[k], data.ratings[k]) for k in ("5", "4", "3", "2", "1")],
            sum(data.ratings.values()),
        ),
    ]
    if data.bad_ratings:
        story.append(Spacer(1, 2 * mm))
        story.append(
            grid(
                ["办件编号", "评价", "差评原因", "窗口人员", "回访/整改"],
                [
                    [
                        b.number,
                        RATING_NAMES[str(b.level)],
                        b.reason,
                        data.clerk_names.get(b.clerk, b.clerk),
                        b.follow_up or "未回访（待办）",
                    ]
                    for b in data.bad_ratings
                ],
                [BODY_W * w for w in (0.24, 0.12, 0.26, 0.14, 0.24)],
            )
        )
    story += [
        _section("六、平均办理用时（开始受理至作出决定）"),
        grid(
            ["一件事", "平均用时（分钟）"],
            [[_bundle(data, k), f"{v:.1f}"] for k, v in sorted(data.handling_minutes.items())],
            [BODY_W * 0.75, BODY_W * 0.25],
            center=(1,),
        ),
        _section("七、办件清单"),
        grid(
            ["办件编号", "一件事", "结果", "窗口人员", "决定时间", "评价"],
            [
                [
                    c.number,
                    c.bundle_name,
                    "已作废" if c.voided else DECISION_NAMES.get(c.decision, c.decision),
                    data.clerk_names.get(c.clerk, c.clerk),
                    c.decided_at,
                    "" if c.rating is None else RATING_NAMES[str(c.rating)],
                ]
                for c in data.cases
            ],
            [BODY_W * w for w in (0.27, 0.27, 0.11, 0.11, 0.15, 0.09)],
        ),
    ]
    title = f"{data.kind} {data.period_text}"
    return build_pdf(story, title=title, footer=f"yishi 受理{data.kind} · {data.period_text}")
