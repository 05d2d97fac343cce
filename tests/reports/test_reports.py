import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from hall_cases import PASSWORD, decided, set_time, staff
from openpyxl import load_workbook
from pypdf import PdfReader

from desktop.cases.ratings import FollowUpKind
from desktop.cases.states import Decision
from desktop.entry import main
from desktop.services import ratings, reports
from desktop.services.hall import Hall
from desktop.store.accounts import AccountInfo

pytestmark = pytest.mark.clock  # date-sensitive: CI reruns it under other TZ and faked wall clocks

DAY = date(2026, 11, 28)
# 23:59 and 00:01 Beijing time either side of midnight into 11-29
BEFORE_MIDNIGHT = datetime(2026, 11, 28, 15, 59, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 11, 28, 16, 1, tzinfo=UTC)


def a_day_of_work(hall: Hall) -> dict[str, AccountInfo]:
    """Seven cases on 11-28 (one voided), one on 11-29, with ratings and a 容缺 falling due."""
    people = staff(hall)
    ok = decided(hall, Decision.ACCEPT, bundle="LNYJS001")
    decided(hall, Decision.ACCEPT, bundle="LNYJS002", clerk="lq", window="04")
    decided(hall, Decision.DEFER, bundle="LNYJS001", deadline=date(2026, 11, 27))  # overdue by the 28th
    decided(hall, Decision.DEFER, bundle="LNYJS002", clerk="lq", deadline=date(2026, 12, 20))
    bad = decided(hall, Decision.NOTIFY, bundle="LNYJS001", clerk="lq")
    rejected = decided(hall, Decision.REJECT, bundle="LNYJS003")
    void = decided(hall, Decision.ACCEPT, bundle="LNYJS003")
    ratings.rate(hall, ok.id, 5, people["wangf"])
    ratings.rate(hall, bad.id, 1, people["lq"], reason="attitude")
    ratings.rate(hall, rejected.id, 3, people["wangf"])
    ratings.rate(hall, void.id, 2, people["wangf"], reason="efficiency")
    ratings.void(hall, void.id, "重复录入", people["zhaom"])
    decided(hall, Decision.ACCEPT, at=datetime(2026, 11, 29, 1, 0, tzinfo=UTC))
    set_time(hall.clock, datetime(2026, 11, 28, 9, 0, tzinfo=UTC))  # 17:00 on the 28th
    return people


def test_report_json_counts_the_day_and_total_is_the_sum_of_decisions(hall: Hall) -> None:
    a_day_of_work(hall)
    data = reports.build_report(hall, DAY, DAY)
    got = reports.report_json(data)
    assert list(got) == list(reports.JSON_KEYS)
    assert got == {
        "from": "2026-11-28",
        "to": "2026-11-28",
        "total": 6,
        "by_decision": {"accept": 2, "defer": 2, "notify": 1, "reject": 1},
        "by_bundle": {"LNYJS001": 3, "LNYJS002": 2, "LNYJS003": 1},
        "by_clerk": {"lq": 3, "wangf": 3},
        "deferred_open": 2,
        "deferred_overdue": 1,
        "ratings": {"1": 1, "2": 0, "3": 1, "4": 0, "5": 1},
    }
    assert got["total"] == sum(got["by_decision"].values())
    assert reports.report_json(reports.build_report(hall, DAY, DAY, reports.Filters(window="04")))["total"] == 1
    two_days = reports.report_json(reports.build_report(hall, DAY, DAY + timedelta(days=1)))
    assert two_days["total"] == 7 and two_days["by_clerk"] == {"lq": 3, "wangf": 4}


def test_the_workbook_agrees_with_the_json(hall: Hall, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_day_of_work(hall)
    db = str(hall.store.path)
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        assert main(["--db", db, "report", "--from", "2026-11-28", "--json"]) == 0
        expected = json.loads(capsys.readouterr().out)
        book_path = tmp_path / "day.xlsx"
        assert main(["--db", db, "report", "--from", "2026-11-28", "--xlsx", str(book_path)]) == 0
    book = load_workbook(book_path)
    assert book.sheetnames == list(reports.SHEETS)

    def sheet(name: str) -> dict[str, int]:
        return {str(k): v for k, v, *_ in book[name].iter_rows(min_row=2, values_only=True)}

    summary = {k: v for k, v in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert (summary["from"], summary["to"], summary["total"]) == (expected["from"], expected["to"], expected["total"])
    assert (summary["deferred_open"], summary["deferred_overdue"]) == (
        expected["deferred_open"],
        expected["deferred_overdue"],
    )
    assert sheet("按办理结果") == expected["by_decision"]
    assert sheet("按一件事") == expected["by_bundle"]
    assert sheet("按窗口人员") == expected["by_clerk"]
    assert sheet("好差评") == expected["ratings"]
    cases = list(book["办件清单"].iter_rows(min_row=2, values_only=True))
    live = [c for c in cases if c[9] != "是"]
    assert len(live) == expected["total"] and len(cases) == expected["total"] + 1
    exports = [e for e in hall.store.audit_events() if e.action == "export_report"]
    assert exports[0].detail["target"] == str(book_path) and hall.store.verify_audit()[1] is None


def test_the_pdf_report_reads_as_a_daily_report(hall: Hall, tmp_path: Path) -> None:
    people = a_day_of_work(hall)
    worst = next(r for r in hall.store.bad_ratings() if r.level == 1)
    ratings.follow_up(hall, worst.case_id, people["zhaom"], kind=FollowUpKind.VISIT, on=DAY, note="已致歉")
    data = reports.build_report(hall, DAY, DAY, center_name="和平区政务服务中心")
    path = tmp_path / "day.pdf"
    reports.write_pdf(data, path)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    compact = "".join(text.split())
    assert "一件事一次办受理日报" in compact
    assert "2026年11月28日" in compact and "和平区政务服务中心" in compact
    assert "受理总量" in compact and "非常不满意" in compact and "回访2026-11-28：已致歉" in compact
    assert "王芳" in compact and "李强" in compact  # clerks by name
    month = reports.build_report(hall, date(2026, 11, 1), date(2026, 11, 30))
    assert month.kind == "月报"


@pytest.mark.clock
@pytest.mark.parametrize(
    ("moment", "day"), [(BEFORE_MIDNIGHT, "2026-11-28"), (AFTER_MIDNIGHT, "2026-11-29")], ids=["23:59", "00:01"]
)
def test_a_report_without_dates_counts_the_hall_day(
    hall: Hall, moment: datetime, day: str, capsys: pytest.CaptureFixture[str]
) -> None:
    staff(hall)
    decided(hall, Decision.ACCEPT, at=BEFORE_MIDNIGHT - timedelta(seconds=30))  # 23:58:30 on the 28th
    decided(hall, Decision.DEFER, at=AFTER_MIDNIGHT - timedelta(seconds=30))  # 00:00:30 on the 29th
    with time_machine.travel(moment, tick=False):
        assert main(["--db", str(hall.store.path), "report", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["from"], got["to"], got["total"]) == (day, day, 1)
    decision = "accept" if day == "2026-11-28" else "defer"
    assert got["by_decision"][decision] == 1


def test_bad_report_input_is_a_clear_error(
    hall: Hall, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(hall.store.path)
    assert main(["--db", db, "report", "--from", "2026-11-29", "--to", "2026-11-28", "--json"]) == 1
    assert capsys.readouterr().err.strip() == "error: the period ends (2026-11-28) before it starts (2026-11-29)"
    assert main(["--db", db, "report", "--window", "3", "--json"]) == 1
    assert "window must be two digits" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", db, "report", "--pdf", "/nonexistent/dir/r.pdf"]) == 1
    assert capsys.readouterr().err.startswith("error: cannot write /nonexistent/dir/r.pdf")
