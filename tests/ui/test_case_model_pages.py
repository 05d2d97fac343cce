"""The case list model brings pages on demand (canFetchMore / fetchMore) and stays a sound Qt model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from desktop.cases.clock import Clock
from desktop.cases.states import CaseState, Decision
from desktop.ui.case_model import CaseTableModel
from desktop.ui.loading import CaseRow

START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def rows(n: int) -> list[CaseRow]:
    return [
        CaseRow(
            f"id-{i}",
            None,
            "公民身后一件事",
            f"申请人{i}",
            Decision.ACCEPT,
            CaseState.QUEUED,
            START - timedelta(minutes=i),
            START - timedelta(minutes=i),
            "王芳",
            page_key=i,
        )
        for i in range(n)
    ]


class Pages:
    """A store of ``total`` rows answering "the page after this row", holding answers until ``deliver_all``."""

    def __init__(self, total: int, size: int) -> None:
        self.all, self.size = rows(total), size
        self.asked: list[Any] = []
        self.waiting: list[tuple[Callable[[Sequence[Any]], None], list[CaseRow]]] = []

    def more(self, last: CaseRow, deliver: Callable[[Sequence[Any]], None]) -> None:
        self.asked.append(last.page_key)
        start = int(last.page_key) + 1
        self.waiting.append((deliver, self.all[start : start + self.size]))

    def deliver_all(self) -> None:
        waiting, self.waiting = self.waiting, []
        for deliver, page in waiting:
            deliver(page)


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> CaseTableModel:
    monkeypatch.setattr(CaseTableModel, "PAGE", 4)
    return CaseTableModel(Clock())


def test_pages_come_when_the_view_asks_until_a_short_page_ends_the_list(
    model: CaseTableModel, qtmodeltester: Any
) -> None:
    pages = Pages(total=10, size=4)
    model.set_rows(pages.all[:4], more=pages.more)
    assert model.rowCount() == 4 and model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # one page at a time: none is asked twice while it is on its way
    pages.deliver_all()
    assert model.rowCount() == 8 and model.canFetchMore()
    model.fetchMore()
    pages.deliver_all()
    assert model.rowCount() == 10 and not model.canFetchMore()
    assert pages.asked == [3, 7]
    assert [model.row_at(i).id for i in range(10)] == [r.id for r in pages.all]
    qtmodeltester.check(model)


def test_a_first_page_shorter_than_a_page_is_the_whole_list(model: CaseTableModel) -> None:
    pages = Pages(total=3, size=4)
    model.set_rows(pages.all, more=pages.more)
    assert not model.canFetchMore()


def test_a_page_asked_for_before_a_new_search_is_dropped(model: CaseTableModel) -> None:
    pages = Pages(total=12, size=4)
    model.set_rows(pages.all[:4], more=pages.more)
    model.fetchMore()
    model.set_rows(pages.all[6:10], more=pages.more)  # the clerk typed a search meanwhile
    pages.deliver_all()
    assert [model.row_at(i).id for i in range(model.rowCount())] == [r.id for r in pages.all[6:10]]
    assert model.canFetchMore()
