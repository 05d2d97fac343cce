"""Every date a document prints is the hall's local date, whatever UTC says at that moment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from print_helpers import flat, pdf_text
from stored_cases import decided_case

from desktop.cases.clock import Clock, stepping_clock
from desktop.cases.states import Decision
from desktop.services.catalogs import CatalogInUse, Catalogs
from desktop.services.hall import Hall
from desktop.store.repo import Store
from printing.documents import DocKind, pdf_bytes
from printing.from_case import case_documents

pytestmark = pytest.mark.clock  # date-sensitive: CI reruns it under other TZ and faked wall clocks

# 04:00 on Friday 27 November 2026 in Beijing is 20:00 on Thursday 26 November in UTC.
BEIJING_4AM = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
ACCEPTANCE_DAY = date(2026, 11, 27)
CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@pytest.fixture
def early_hall(tmp_path: Path) -> Iterator[Hall]:
    clock = stepping_clock(BEIJING_4AM)
    store = Store(tmp_path / "cases.sqlite3", clock=clock)
    yield Hall(store, clock, Catalogs(tmp_path / "data"))
    store.close()


def _dates(text: str) -> list[date]:
    found = [date(int(y), int(m), int(d)) for y, m, d in CN_DATE.findall(text)]
    return found + [date(int(y), int(m), int(d)) for y, m, d in ISO_DATE.findall(text)]


@pytest.mark.parametrize(
    ("bundle", "decision"),
    [
        ("公民身后一件事", Decision.DEFER),
        ("企业开办", Decision.ACCEPT),
        ("公民身后一件事", Decision.NOTIFY),
        ("企业开办", Decision.REJECT),
    ],
)
def test_a_case_taken_at_4am_beijing_dates_nothing_before_its_acceptance_day(
    early_hall: Hall, shipped: CatalogInUse, bundle: str, decision: Decision
) -> None:
    detail = decided_case(early_hall, shipped, bundle, decision)
    assert detail.case.decided_at is not None and detail.case.decided_at.date() == date(2026, 11, 26)  # UTC
    assert detail.case.number is not None and "261127" in detail.case.number  # numbered on the Beijing day
    docs = case_documents(detail, shipped.index, clock=early_hall.clock)
    assert docs.doc.decided_at.date() == ACCEPTANCE_DAY
    for kind in docs.kinds:
        text = flat(pdf_text(pdf_bytes(kind, docs.doc)))
        if kind is DocKind.APPLICATION:  # it prints the applicant's own dates (a death, a birth): only its own day
            assert "申请日期2026年11月27日" in text
            continue
        printed = _dates(text)
        assert ACCEPTANCE_DAY in printed, kind  # the seal's date (and 受理日期) is the Beijing day
        assert min(printed) >= ACCEPTANCE_DAY, (kind, sorted(printed)[:3])
        if "受理时间" in text:
            assert "2026-11-2704:00" in text  # the hall's wall clock, not UTC's 20:00 the day before


def test_the_hall_zone_decides_the_printed_day(early_hall: Hall, shipped: CatalogInUse) -> None:
    detail = decided_case(early_hall, shipped, "企业开办", Decision.ACCEPT)
    # The same instant in a hall on UTC is still the 26th: the clock, not the machine, decides.
    utc_hall = Clock.for_zone("UTC")
    docs = case_documents(detail, shipped.index, clock=utc_hall)
    assert docs.doc.decided_at.date() == date(2026, 11, 26)
    assert "2026-11-2620:00" in flat(pdf_text(pdf_bytes(DocKind.RECEIPT, docs.doc)))
