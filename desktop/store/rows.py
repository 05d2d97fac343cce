"""Helpers every store module uses inside the caller's transaction: load a row, read a case whole, audit."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import FromClause, Table
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlmodel import Session, SQLModel, col, select

from desktop.cases.states import CaseState, Decision
from desktop.store.audit_log import append_audit
from desktop.store.models import PHRASES, Attachment, AuditEvent, Case, CaseItem, MaterialRecord, OutboxEntry, Phrase

_Row = TypeVar("_Row", bound=SQLModel)


class CaseNotFound(KeyError):  # noqa: N818 - reads as what happened
    """No case with that id."""


class NotEditable(ValueError):  # noqa: N818
    """The case is past the point where the window may change it."""


@dataclass(frozen=True)
class CaseSummary:
    """One row of the case list."""

    id: uuid.UUID
    number: str | None
    state: CaseState
    decision: Decision | None
    bundle_code: str
    applicant_name: str | None
    applicant_id: str | None
    clerk: str
    window_code: str
    revision: int
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True)
class CaseDetail:
    """A case with its items, materials and attachments (detached rows: read, don't write)."""

    case: Case
    items: list[CaseItem]
    materials: list[MaterialRecord]
    attachments: list[Attachment]


@dataclass(frozen=True)
class DaySummary:
    """The supervisor's figures for a period of local days (cases decided then)."""

    day: date
    total: int
    by_decision: dict[str, int]
    by_bundle: dict[str, int]
    by_clerk: dict[str, int]


def detached(model: type[_Row], row: Sequence[Any] | Mapping[str, Any]) -> _Row:
    """A ``model`` object holding ``row`` (the columns of :func:`read_statement` in order, or by name), built as a
    session builds the rows it loads but without one, and without the constructor's per-field work: a tenth of the
    cost (opening a case builds a dozen). Read it; a write loads its own rows."""
    instance: _Row = _manager(model).new_instance()
    instance.__dict__.update(row if isinstance(row, Mapping) else zip(_keys(model), row, strict=True))
    return instance


def read_statement(model: type[SQLModel]) -> Any:
    """``SELECT`` of what :func:`detached` builds ``model`` from: its table's columns, then the text of each of its
    phrases (desktop.store.models.PHRASES), each joined on the phrase's primary key (a third of the cost of the
    correlated subquery a session's load uses; outer, as that subquery gives NULL for no phrase). Add the WHERE."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    texts: list[Any] = []
    joined: FromClause = table
    for name in PHRASES.get(model, ()):
        phrase = Phrase.__table__.alias(f"{name}_phrase")  # type: ignore[attr-defined]
        joined = joined.outerjoin(phrase, phrase.c.id == table.c[f"{name}_id"])
        texts.append(phrase.c.text)
    return select(*table.columns, *texts).select_from(joined)


@functools.cache
def _manager(model: type[SQLModel]) -> Any:
    configure_mappers()  # attribute access needs the mappers set up, which a first query would otherwise do
    return manager_of_class(model)


@functools.cache
def _keys(model: type[SQLModel]) -> tuple[str, ...]:
    return tuple(attribute.key for attribute in _manager(model).mapper.column_attrs)


def load_case(session: Session, case_id: uuid.UUID) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(str(case_id))
    return case


def load_entry(session: Session, entry_id: int) -> OutboxEntry:
    entry = session.get(OutboxEntry, entry_id)
    if entry is None:
        raise KeyError(f"no outbox entry {entry_id}")
    return entry


def audit(
    session: Session, case_id: uuid.UUID | None, actor: str, action: str, detail: dict[str, Any], *, at: datetime
) -> None:
    """Append to the hash-chained audit log; refuses an actor that is not an enabled account (see audit_log)."""
    append_audit(session, AuditEvent(case_id=case_id, at=at, actor=actor, action=action, detail=detail))


def case_detail(session: Session, case: Case) -> CaseDetail:
    items = session.exec(select(CaseItem).where(CaseItem.case_id == case.id).order_by(col(CaseItem.id)))
    materials = session.exec(
        select(MaterialRecord).where(MaterialRecord.case_id == case.id).order_by(col(MaterialRecord.id))
    )
    attachments = session.exec(select(Attachment).where(Attachment.case_id == case.id).order_by(col(Attachment.id)))
    return CaseDetail(case, list(items), list(materials), list(attachments))


def case_summary(case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        number=case.number,
        state=case.state,
        decision=case.decision,
        bundle_code=case.bundle_code,
        applicant_name=case.applicant_name,
        applicant_id=case.applicant_id,
        clerk=case.clerk,
        window_code=case.window_code,
        revision=case.revision,
        created_at=case.created_at,
        updated_at=case.updated_at,
        decided_at=case.decided_at,
    )
