"""Audit chain and reports: what tamper evidence and the supervisor's figures cost, against baselines in the same run.

- chained append: an audited action (``store.record``, hash of the previous row + canonical JSON) vs the same row
  inserted plain in the same kind of write transaction;
- verify: ``yishi audit verify`` over every row vs only reading those rows;
- report: ``build_report`` for a day (cases, ratings, deferred deadlines, names) vs the store's plain three-way
  ``period_summary`` of the same day.

    .venv/bin/python bench/bench_audit.py [--json] [ROWS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from report import Figure, emit, wants_json  # bench/report.py (this script's folder is on sys.path)
from sqlmodel import Session, col, select

from desktop.cases.clock import stepping_clock
from desktop.cases.decisions import ItemEntry, MaterialEntry, MaterialStatus, plan_outcomes
from desktop.cases.profile import Profile
from desktop.cases.roles import Role
from desktop.cases.states import Decision
from desktop.services import reports
from desktop.services.catalogs import Catalogs
from desktop.services.hall import Hall
from desktop.store.db import write_session
from desktop.store.models import AuditEvent
from desktop.store.repo import Store

DAY = date(2026, 11, 30)
PROFILE = Profile("和平区政务服务中心", "210102", "03", "wangf")
ITEMS = [ItemEntry("GA001", True, "GA", "正常死亡", 5, date(2026, 12, 5))]


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    as_json = wants_json()
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    folder = Path(tempfile.mkdtemp())
    clock = stepping_clock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    hall = Hall(Store(folder / "cases.sqlite3", clock=clock), clock, Catalogs(folder / "data"))
    store = hall.store
    store.add_account("admin", "管理员", Role.ADMIN, "bench-pass-1", actor="system")
    store.add_account("wangf", "王芳", Role.CLERK, "bench-pass-1", actor="admin")

    def chained() -> None:
        for n in range(rows):
            store.record("wangf", "reprint", {"n": n})

    def plain() -> None:
        for n in range(rows):
            with write_session(store.engine) as session:
                session.add(AuditEvent(at=clock.now(), actor="wangf", action="reprint", detail={"n": n}))

    plain_s = timed(plain)  # unchained rows first: verify below must see them as the break they are
    with write_session(store.engine) as session:  # leave the chain intact for verify: drop the plain rows
        for event in session.exec(select(AuditEvent).where(col(AuditEvent.hash) == "")):
            session.delete(event)
    chained_s = timed(chained)

    def read_all() -> None:
        with Session(store.engine) as session:
            list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))

    read_s = timed(read_all)
    verify_s = timed(store.verify_audit)
    checked, broken = store.verify_audit()
    assert broken is None, broken

    cases = max(50, rows // 10)
    marks = [MaterialEntry("id_card", "居民身份证", MaterialStatus.CHECKED, 1, None, ["GA001"])]
    for _ in range(cases):
        draft = store.new_draft("LNYJS001", "2026.1", PROFILE)
        store.decide(
            draft.id,
            Decision.ACCEPT,
            answers={},
            values={"applicant.name": "张三"},
            items=plan_outcomes(Decision.ACCEPT, ITEMS, marks),
            materials=marks,
            profile=PROFILE,
        )
    names = {code: b.name for code, b in hall.catalogs.current().index.bundles.items()}  # as the window has them
    summary_s = min(timed(lambda: store.period_summary(DAY, DAY)) for _ in range(5))
    report_s = min(timed(lambda: reports.build_report(hall, DAY, DAY, bundle_names=names)) for _ in range(5))
    total = reports.build_report(hall, DAY, DAY).total
    assert total == cases, (total, cases)
    hall.close()

    figures = [
        # an audited action may cost up to three bare inserts (it reads the operator and the chain's head)
        Figure("chained audit append", chained_s / rows * 1000, "ms/row", ratio=chained_s / plain_s, target=3.0),
        Figure("audit verify", checked / verify_s, "rows/s", ratio=verify_s / read_s, target=3.0),
        # no ratio target: the report lists every case with its rating and deadline, the baseline only counts
        Figure(f"day report ({cases} cases)", report_s * 1000, "ms", ratio=report_s / summary_s),
    ]
    for f in figures:
        target = "" if f.target is None else f", target ≤ {f.target}"
        print(f"{f.name}: {f.value:.3f} {f.unit} (×{f.ratio:.2f} of baseline{target})")
    if as_json:
        emit("audit", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
