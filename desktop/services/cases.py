"""Case use cases outside an intake: the case list and its filters, one case by id or number, open drafts,
resubmitting a refused case, and the documents of a case written as PDF files."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop.cases.numbers import format_number
from desktop.cases.states import CaseState, Decision
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.settings import Settings
from desktop.store.models import Attachment, Case
from desktop.store.queries import PageKey, page_key
from desktop.store.repo import CaseDetail, CaseNotFound, CaseSummary, DaySummary

__all__ = [
    "Attachment",
    "Case",
    "CaseDetail",
    "CaseFilter",
    "CaseListing",
    "CaseNotFound",
    "CaseSummary",
    "DaySummary",
    "NothingToPrint",
    "UnknownCaseNumber",
    "case_detail",
    "drafts",
    "find_by_number",
    "list_cases",
    "listing",
    "page_key",
    "print_case",
    "retry_refused",
]


class UnknownCaseNumber(LookupError):  # noqa: N818 - reads as what happened
    """No case with that number in this store."""


class NothingToPrint(ValueError):  # noqa: N818 - reads as what happened
    """The case has no decision yet, so no document."""


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a list shows: a state, a period of the hall's local days (decided, or created for undecided
    cases), a clerk, a text search (number, applicant name or ID), bundle codes (None: every bundle)."""

    state: CaseState | None = None
    first: date | None = None
    last: date | None = None
    clerk: str | None = None
    text: str | None = None
    bundles: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.first and self.last and self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")


def list_cases(
    hall: Hall, chosen: CaseFilter | None = None, *, limit: int = 500, after: PageKey | None = None
) -> list[CaseSummary]:
    """Cases newest first, filtered in the store (on its indexes, whatever its size); dates are the hall's local
    days. The next page starts ``after`` the last row's ``page_key``."""
    f = chosen or CaseFilter()
    states = [f.state] if f.state else None
    return hall.store.list_cases(
        states=states,
        text=f.text,
        first=f.first,
        last=f.last,
        clerk=f.clerk,
        bundles=f.bundles,
        limit=limit,
        after=after,
    )


def case_detail(hall: Hall, case_id: uuid.UUID) -> CaseDetail:
    """One case whole: its items, materials and attachments."""
    return hall.store.get(case_id)


def find_by_number(hall: Hall, number: str) -> CaseDetail | None:
    """The case with this number (grouped or not), or None."""
    return hall.store.find_by_number(number)


def drafts(hall: Hall) -> list[CaseSummary]:
    """Open drafts, newest first (offered after a crash)."""
    return hall.store.drafts()


def retry_refused(hall: Hall, case_id: uuid.UUID, actor: str) -> None:
    """重新提交: a case the platform refused goes back into the outbox."""
    hall.store.retry_quarantined(case_id, actor)


@dataclass(frozen=True)
class ItemOutcome:
    code: str
    outcome: Decision | None


@dataclass(frozen=True)
class CaseListing:
    """One case as ``yishi cases`` shows it."""

    number: str | None
    bundle_code: str
    state: CaseState
    decision: Decision | None
    decided_at: datetime | None  # on the hall's wall clock
    clerk: str
    applicant_name: str | None
    items: tuple[ItemOutcome, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "bundle_code": self.bundle_code,
            "decision": self.decision.value if self.decision else None,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "items": [{"code": i.code, "outcome": i.outcome.value if i.outcome else None} for i in self.items],
        }


def listing(hall: Hall, rows: Iterable[CaseSummary]) -> list[CaseListing]:
    """The rows with each applying item's outcome (one read per case)."""
    out = []
    for row in rows:
        detail = hall.store.get(row.id)
        items = tuple(ItemOutcome(i.item_code, i.outcome) for i in detail.items if i.applies)
        decided = hall.clock.local(row.decided_at) if row.decided_at else None
        out.append(
            CaseListing(
                row.number, row.bundle_code, row.state, row.decision, decided, row.clerk, row.applicant_name, items
            )
        )
    return out


def print_case(hall: Hall, current: CatalogInUse, number: str, settings: Settings, out_dir: Path) -> list[Path]:
    """Write every document of the case numbered ``number`` (the set the result dialog offers) as PDF files in
    ``out_dir``; raises :class:`UnknownCaseNumber`, or :class:`NothingToPrint` for a case not decided."""
    from desktop.services.documents import case_documents_of  # noqa: PLC0415 - reportlab loads only to print
    from printing.documents import DocKind, render  # noqa: PLC0415 - same

    detail = hall.store.find_by_number(number)
    if detail is None:
        raise UnknownCaseNumber(number)
    if detail.case.decision is None:
        raise NothingToPrint(number)
    docs = case_documents_of(hall, current, detail.case.id, settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = format_number(detail.case.number or number)
    paths = []
    for kind in docs.kinds:
        paths.append(render(kind, docs.doc, out_dir / f"{stem}-{DocKind(kind).value}.pdf"))
    return paths
