"""``yishi cases`` lists the store's cases (filters on the hall's local days) and ``yishi print`` writes a case's
documents; both over desktop.services.cases, on cases taken through the intake pipeline."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from desktop.cases.clock import stepping_clock
from desktop.cases.decisions import MaterialStatus
from desktop.cases.numbers import format_number
from desktop.cases.profile import Profile
from desktop.cases.states import CaseState, Decision
from desktop.entry import main
from desktop.forms.decision import Mark
from desktop.services import demo
from desktop.services.cases import CaseFilter, list_cases, listing
from desktop.services.documents import case_documents_of
from desktop.services.hall import Hall
from desktop.services.intake import decide, open_intake
from desktop.settings import Settings

PROFILE = Profile(*demo.DEMO_PROFILE)
OTHER = Profile(PROFILE.center_name, PROFILE.center_code, "04", "王建国")
# 00:30 in Beijing on 28 November is still 27 November in UTC: the case belongs to the hall's 28th.
JUST_AFTER_MIDNIGHT = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
NEXT_DAY_NOON = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)


def _code(hall: Hall, name: str) -> str:
    return next(b.code for b in hall.catalogs.current().index.catalog.bundles if b.name == name)


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    """Three decided cases and a draft, on two local days, by two clerks."""
    db = tmp_path / "cases.sqlite3"
    clock = stepping_clock(JUST_AFTER_MIDNIGHT)
    hall = Hall.open(db, Settings(), tmp_path / "data", clock=clock)
    catalog = hall.catalogs.current()
    try:
        # 企业开办: four items 受理, the fifth (the only one asking for contact_id_card) 一次性告知
        session = demo.sample_session(catalog, _code(hall, "企业开办"), clock, seed=5)
        demo.mark_all(session, "accept", random.Random(5))
        session.set_mark("contact_id_card", Mark(MaterialStatus.MISSING))
        opened = open_intake(hall, catalog, session.bundle.code, PROFILE)
        outcomes = {code: Decision.ACCEPT for code in session.items} | {"ZJ013": Decision.NOTIFY}
        decide(hall, opened.case_id, session, Decision.ACCEPT, PROFILE, outcomes=outcomes)
        demo.decide_sample(hall, catalog, _code(hall, "公民身后一件事"), Decision.NOTIFY, PROFILE, seed=3)
        clock.source.set(NEXT_DAY_NOON)  # type: ignore[attr-defined]
        demo.decide_sample(hall, catalog, _code(hall, "新生儿出生"), Decision.REJECT, OTHER, seed=4)
        open_intake(hall, catalog, _code(hall, "新生儿出生"), OTHER)  # a draft
    finally:
        hall.close()
    return db


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(list(args)) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["cases"]
    return list(data["cases"])


def test_cases_json_has_exactly_the_promised_shape_with_item_outcomes(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = _json(capsys, "--db", str(store_file), "cases", "--json")
    assert len(cases) == 4
    for case in cases:
        assert list(case) == ["number", "bundle_code", "decision", "decided_at", "items"]
    opened = next(c for c in cases if c["bundle_code"] == "LNYJS033")
    assert opened["decision"] == "accept"
    assert opened["items"] == [
        {"code": "SJ002", "outcome": "accept"},
        {"code": "GA022", "outcome": "accept"},
        {"code": "SW006", "outcome": "accept"},
        {"code": "RS031", "outcome": "accept"},
        {"code": "ZJ013", "outcome": "notify"},
    ]
    assert str(opened["decided_at"]).startswith("2026-11-28T00:30")  # the hall's wall clock, with its offset
    assert str(opened["decided_at"]).endswith("+08:00")
    draft = next(c for c in cases if c["decision"] is None)
    assert draft["number"] is None and draft["decided_at"] is None and draft["items"] == []


def test_cases_filters_by_local_day_status_and_clerk(store_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(store_file), "cases", "--json"]
    on_28th = _json(capsys, *db, "--from", "2026-11-28", "--to", "2026-11-28")
    assert sorted(str(c["bundle_code"]) for c in on_28th) == ["LNYJS003", "LNYJS033"]
    assert _json(capsys, *db, "--to", "2026-11-27") == []  # UTC's 27th is the hall's 28th
    notified = _json(capsys, *db, "--status", CaseState.SUPPLEMENT_NOTIFIED.value)
    assert [c["decision"] for c in notified] == ["notify"]
    by_other = _json(capsys, *db, "--clerk", OTHER.clerk)
    assert sorted(str(c["decision"]) for c in by_other) == ["None", "reject"]


def test_service_listing_matches_the_store(store_file: Path, tmp_path: Path) -> None:
    hall = Hall.open(store_file, Settings(), tmp_path / "data")
    try:
        rows = listing(hall, list_cases(hall, CaseFilter(clerk=OTHER.clerk, first=date(2026, 11, 29))))
    finally:
        hall.close()
    assert sorted(str(r.decision) for r in rows) == ["None", "reject"]
    rows = [r for r in rows if r.decision is Decision.REJECT]
    assert {i.outcome for i in rows[0].items} == {Decision.REJECT}


def test_period_ending_before_it_starts_is_refused(store_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", str(store_file), "cases", "--from", "2026-11-29", "--to", "2026-11-28"])
    err = capsys.readouterr().err
    assert code == 1 and "ends" in err and "Traceback" not in err


def test_print_writes_every_document_of_the_case_as_pdf(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = _json(capsys, "--db", str(store_file), "cases", "--json")
    accepted = next(c for c in cases if c["bundle_code"] == "LNYJS033")
    out = tmp_path / "pdfs"
    assert main(["--db", str(store_file), "print", str(accepted["number"]), "--out", str(out)]) == 0
    printed = [Path(line) for line in capsys.readouterr().out.split()]
    hall = Hall.open(store_file, Settings(), tmp_path / "data")
    try:
        detail = hall.store.find_by_number(str(accepted["number"]))
        assert detail is not None
        offered = case_documents_of(hall, hall.catalogs.current(), detail.case.id, Settings()).kinds
    finally:
        hall.close()
    assert len(printed) == len(offered) and "receipt" in offered  # what the result dialog offers, one file each
    assert {p.name for p in printed} == {f"{format_number(detail.case.number or '')}-{k}.pdf" for k in offered}
    assert sorted(printed) == sorted(out.iterdir())
    for path in printed:
        assert path.read_bytes().startswith(b"%PDF")


def test_print_of_an_unknown_number_says_so_and_writes_nothing(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pdfs"
    assert main(["--db", str(store_file), "print", "210102004-03-261128-9999-X", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no case numbered") and "Traceback" not in err
    assert not out.exists()


def test_listing_a_missing_store_fails_without_creating_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.sqlite3"
    assert main(["--db", str(missing), "cases"]) == 1
    assert "no case store" in capsys.readouterr().err
    assert not missing.exists()
