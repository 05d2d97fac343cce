"""The Store: every read and write of cases goes through here (sessions stay inside)."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, delete, select

from desktop.cases.clock import day_bounds, local_day
from desktop.cases.decisions import (
    DecisionError,
    ItemEntry,
    MaterialEntry,
    MaterialStatus,
    applicant_of,
    decision_problems,
)
from desktop.cases.numbers import make_number, new_query_code, normalize_number
from desktop.cases.profile import Profile
from desktop.cases.states import (
    DECISION_STATE,
    PLATFORM_STATES,
    QUEUED_DECISIONS,
    CaseState,
    Decision,
    IllegalTransition,
    check_transition,
)
from desktop.store.columns import utcnow
from desktop.store.db import durable, open_engine, write_session
from desktop.store.migrate import migrate
from desktop.store.models import (
    Attachment,
    AuditEvent,
    Case,
    CaseItem,
    MaterialRecord,
    OutboxEntry,
    OutboxStatus,
    WindowSequence,
)
from desktop.store.payload import case_payload

EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.SUPPLEMENT_NOTIFIED})
HASH_CHUNK = 1 << 20


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
    """The supervisor's figures for one local day (cases decided that day)."""

    day: date
    total: int
    by_decision: dict[str, int]
    by_bundle: dict[str, int]
    by_clerk: dict[str, int]


class Store:
    """The case store on one SQLite file; ``attachments/`` lives beside it. Opening migrates to head."""

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.path = Path(path)
        self.attachments_dir = self.path.parent / "attachments"
        self.engine = open_engine(self.path)
        self.clock = clock
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- drafts -------------------------------------------------------------------------------

    def new_draft(self, bundle_code: str, catalog_version: str, profile: Profile) -> Case:
        now = self.clock()
        case = Case(
            bundle_code=bundle_code,
            catalog_version=catalog_version,
            center_name=profile.center_name,
            division_code=profile.center_code,
            window_code=profile.window_code,
            clerk=profile.clerk,
            created_at=now,
            updated_at=now,
        )
        with write_session(self.engine) as session:
            session.add(case)
            session.flush()  # rows without relationships are not ordered by foreign key
            _audit(session, case.id, profile.clerk, "draft", {"bundle": bundle_code}, at=now)
        return case

    def save_draft(
        self,
        case_id: uuid.UUID,
        answers: Mapping[str, Any],
        values: Mapping[str, Any],
        materials: Sequence[MaterialEntry] = (),
    ) -> datetime:
        """Autosave of an open case (draft, or reopened after a supplement notice); returns updated_at."""
        with write_session(self.engine) as session:
            case = _load(session, case_id)
            if case.state not in EDITABLE_STATES:
                raise NotEditable(f"case {case_id} is {case.state.value}; only drafts and reopened cases are edited")
            _set_form(case, answers, values)
            case.updated_at = self.clock()
            _replace_materials(session, case_id, materials)
            session.add(case)
            return case.updated_at

    def drafts(self) -> list[CaseSummary]:
        """Open drafts, newest first (to offer after a crash)."""
        return self.list_cases(states=[CaseState.DRAFT])

    # --- decisions ----------------------------------------------------------------------------

    def decide(
        self,
        case_id: uuid.UUID,
        decision: Decision,
        *,
        answers: Mapping[str, Any],
        values: Mapping[str, Any],
        items: Sequence[ItemEntry],
        materials: Sequence[MaterialEntry],
        profile: Profile,
        reason: str | None = None,
    ) -> Case:
        """Record the clerk's decision, number the case and (accept/defer/reject) queue it, all in one
        durable transaction: once this returns, the receipt may be printed."""
        problems = decision_problems(decision, materials, reason)
        if problems:
            raise DecisionError(problems)
        with durable(self.engine) as session:
            case = _load(session, case_id)
            case.state = check_transition(case.state, DECISION_STATE[decision])
            now = self.clock()
            if case.number is None:
                case.number = _next_number(session, profile, local_day(now))
                case.query_code = new_query_code()
            _set_form(case, answers, values)
            case.decision, case.reason, case.decided_at, case.updated_at = decision, reason, now, now
            case.center_name, case.window_code, case.clerk = profile.center_name, profile.window_code, profile.clerk
            case.division_code = profile.center_code
            _replace_items(session, case_id, items)
            _replace_materials(session, case_id, materials)
            session.add(case)
            _audit(
                session, case_id, profile.clerk, "decide", {"decision": decision.value, "number": case.number}, at=now
            )
            if decision in QUEUED_DECISIONS:
                _queue(session, case, profile.clerk, now)
            return case

    def reopen(self, case_id: uuid.UUID, actor: str = "") -> CaseDetail:
        """Open a supplement-notified or returned case for editing; decide it again afterwards."""
        with write_session(self.engine) as session:
            case = _load(session, case_id)
            if case.state is not CaseState.SUPPLEMENT_NOTIFIED:
                case.state = check_transition(case.state, CaseState.SUPPLEMENT_NOTIFIED)
                case.updated_at = self.clock()
                session.add(case)
                _audit(session, case_id, actor or case.clerk, "reopen", {}, at=case.updated_at)
            return _detail(session, case)

    def supply_deferred(self, case_id: uuid.UUID, material_codes: Iterable[str], actor: str = "") -> Case:
        """Deferred materials came in: mark them received; once none is left the case becomes accepted.

        Either way a new revision is queued for the platform.
        """
        codes = set(material_codes)
        with durable(self.engine) as session:
            case = _load(session, case_id)
            if case.decision is not Decision.DEFER:
                raise IllegalTransition(case.state, CaseState.ACCEPTED)
            now = self.clock()
            left = _receive_deferred(session, case_id, codes)
            if not left:
                check_transition(CaseState.DEFERRED_ACCEPTED, CaseState.ACCEPTED)
                case.decision = Decision.ACCEPT
            case.updated_at = now
            _audit(session, case_id, actor or case.clerk, "supply_deferred", {"materials": sorted(codes)}, at=now)
            _queue(session, case, actor or case.clerk, now)
            return case

    def record_platform_state(self, case_id: uuid.UUID, state: CaseState, note: str = "") -> Case:
        """The platform reported 在办 / 办结 / 退件 / 不予受理 for a synced case."""
        if state not in PLATFORM_STATES:
            raise ValueError(f"{state.value} is not a state the platform reports")
        with write_session(self.engine) as session:
            case = _load(session, case_id)
            case.state = check_transition(case.state, state)
            case.updated_at = self.clock()
            session.add(case)
            _audit(
                session, case_id, "platform", "platform_state", {"state": state.value, "note": note}, at=case.updated_at
            )
            return case

    # --- reading ------------------------------------------------------------------------------

    def get(self, case_id: uuid.UUID) -> CaseDetail:
        with Session(self.engine, expire_on_commit=False) as session:
            return _detail(session, _load(session, case_id))

    def find_by_number(self, number: str) -> CaseDetail | None:
        """The case with this number, typed grouped or not."""
        with Session(self.engine, expire_on_commit=False) as session:
            case = session.exec(select(Case).where(Case.number == normalize_number(number))).first()
            return None if case is None else _detail(session, case)

    def list_cases(
        self,
        *,
        day: date | None = None,
        states: Iterable[CaseState] | None = None,
        text: str | None = None,
        limit: int = 500,
    ) -> list[CaseSummary]:
        """Cases newest first; ``day`` is the local day decided (or created, for undecided cases)."""
        query = select(Case).order_by(col(Case.updated_at).desc()).limit(limit)
        if day is not None:
            start, end = day_bounds(day)
            when = func.coalesce(Case.decided_at, Case.created_at)
            query = query.where(when >= start, when < end)
        if states is not None:
            query = query.where(col(Case.state).in_([s.value for s in states]))
        if text and text.strip():
            query = query.where(_text_filter(text.strip()))
        with Session(self.engine) as session:
            return [_summary(c) for c in session.exec(query)]

    def day_summary(self, day: date) -> DaySummary:
        start, end = day_bounds(day)
        query = select(Case.decision, Case.bundle_code, Case.clerk).where(
            col(Case.decided_at) >= start, col(Case.decided_at) < end
        )
        with Session(self.engine) as session:
            rows = session.exec(query).all()
        return DaySummary(
            day=day,
            total=len(rows),
            by_decision=dict(Counter(str(d) for d, _, _ in rows if d is not None)),
            by_bundle=dict(Counter(b for _, b, _ in rows)),
            by_clerk=dict(Counter(c for _, _, c in rows)),
        )

    def audit_trail(self, case_id: uuid.UUID) -> list[AuditEvent]:
        query = select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(col(AuditEvent.id))
        with Session(self.engine) as session:
            return list(session.exec(query))

    # --- attachments --------------------------------------------------------------------------

    def add_attachment(self, case_id: uuid.UUID, material_code: str, source_path: Path | str) -> Attachment:
        """Copy a file into ``attachments/ab/<sha256>`` (once per content) and link it to the case."""
        source = Path(source_path)
        digest = _sha256(source)
        relative = f"{digest[:2]}/{digest}"
        _store_blob(source, self.attachments_dir / relative, digest)
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        with write_session(self.engine) as session:
            _load(session, case_id)
            existing = session.exec(
                select(Attachment).where(
                    Attachment.case_id == case_id,
                    Attachment.material_code == material_code,
                    Attachment.sha256 == digest,
                )
            ).first()
            if existing is not None:
                return existing
            row = Attachment(
                case_id=case_id,
                material_code=material_code,
                sha256=digest,
                path=relative,
                size=source.stat().st_size,
                media_type=media_type,
                added_at=self.clock(),
            )
            session.add(row)
            return row

    def attachment_path(self, attachment: Attachment) -> Path:
        return self.attachments_dir / attachment.path

    # --- outbox (for the sync worker) ---------------------------------------------------------

    def pending_outbox(self, now: datetime, limit: int = 50) -> list[OutboxEntry]:
        """Entries due for sending, oldest first (a case's revisions stay in order)."""
        query = (
            select(OutboxEntry)
            .where(OutboxEntry.status == OutboxStatus.PENDING, col(OutboxEntry.next_attempt_at) <= now)
            .order_by(col(OutboxEntry.id))
            .limit(limit)
        )
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.exec(query))

    def mark_sent(self, entry_id: int, platform_number: str | None) -> None:
        """The platform took this revision; the case is synced once no newer revision waits."""
        with write_session(self.engine) as session:
            entry = _entry(session, entry_id)
            entry.status, entry.platform_number, entry.last_error = OutboxStatus.SENT, platform_number, None
            entry.attempts += 1
            session.add(entry)
            case = _load(session, entry.case_id)
            waiting = session.exec(
                select(OutboxEntry.id).where(
                    OutboxEntry.case_id == case.id,
                    OutboxEntry.status == OutboxStatus.PENDING,
                    OutboxEntry.id != entry_id,
                )
            ).first()
            if case.state is CaseState.QUEUED and waiting is None:
                case.state = check_transition(case.state, CaseState.SYNCED)
                session.add(case)
            detail = {"revision": entry.revision, "platform_number": platform_number}
            _audit(session, case.id, "sync", "sent", detail, at=self.clock())

    def mark_failed(self, entry_id: int, error: str, next_attempt_at: datetime) -> None:
        """A transient failure (network, 5xx): try again at ``next_attempt_at``."""
        with write_session(self.engine) as session:
            entry = _entry(session, entry_id)
            entry.attempts += 1
            entry.last_error, entry.next_attempt_at = error, next_attempt_at
            session.add(entry)

    def quarantine(self, entry_id: int, reason: str) -> None:
        """The platform refused the revision (4xx): park it until the clerk retries."""
        with write_session(self.engine) as session:
            entry = _entry(session, entry_id)
            entry.status, entry.last_error = OutboxStatus.QUARANTINED, reason
            entry.attempts += 1
            session.add(entry)
            case = _load(session, entry.case_id)
            if case.state is not CaseState.QUARANTINED:
                case.state = check_transition(case.state, CaseState.QUARANTINED)
                session.add(case)
            _audit(
                session, case.id, "sync", "quarantined", {"revision": entry.revision, "reason": reason}, at=self.clock()
            )

    def retry_quarantined(self, case_id: uuid.UUID, actor: str = "") -> None:
        """The clerk asks to send a quarantined case again."""
        with write_session(self.engine) as session:
            case = _load(session, case_id)
            case.state = check_transition(case.state, CaseState.QUEUED)
            now = self.clock()
            entries = session.exec(
                select(OutboxEntry).where(
                    OutboxEntry.case_id == case_id, OutboxEntry.status == OutboxStatus.QUARANTINED
                )
            )
            for entry in entries:
                entry.status, entry.attempts, entry.next_attempt_at = OutboxStatus.PENDING, 0, now
                session.add(entry)
            session.add(case)
            _audit(session, case_id, actor or case.clerk, "retry", {}, at=now)


# --- helpers (all run inside the caller's transaction) ---------------------------------------


def _load(session: Session, case_id: uuid.UUID) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(str(case_id))
    return case


def _entry(session: Session, entry_id: int) -> OutboxEntry:
    entry = session.get(OutboxEntry, entry_id)
    if entry is None:
        raise KeyError(f"no outbox entry {entry_id}")
    return entry


def _set_form(case: Case, answers: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    case.answers, case.values = dict(answers), dict(values)
    case.applicant_name, case.applicant_id = applicant_of(values)


def _next_number(session: Session, profile: Profile, day: date) -> str:
    """Draw the window's next daily sequence; the row lock is held by our BEGIN IMMEDIATE."""
    row = session.get(WindowSequence, (profile.window_key, day))
    if row is None:
        row = WindowSequence(window_key=profile.window_key, day=day, last=0)
    row.last += 1
    session.add(row)
    session.flush()
    return make_number(profile.center_code, profile.window_code, day, row.last)


def _replace_items(session: Session, case_id: uuid.UUID, items: Sequence[ItemEntry]) -> None:
    session.exec(delete(CaseItem).where(col(CaseItem.case_id) == case_id))
    for item in items:
        session.add(
            CaseItem(
                case_id=case_id,
                item_code=item.item_code,
                applies=item.applies,
                reason=item.reason,
                department=item.department,
                promised_days=item.promised_days,
                promised_date=item.promised_date,
                estimated=item.estimated,
            )
        )


def _replace_materials(session: Session, case_id: uuid.UUID, materials: Sequence[MaterialEntry]) -> None:
    session.exec(delete(MaterialRecord).where(col(MaterialRecord.case_id) == case_id))
    for m in materials:
        session.add(
            MaterialRecord(
                case_id=case_id,
                material_code=m.material_code,
                name=m.name,
                status=m.status,
                copies=m.copies,
                deadline=m.deadline,
                items=list(m.items),
            )
        )


def _receive_deferred(session: Session, case_id: uuid.UUID, codes: set[str]) -> int:
    """Mark ``codes`` received; return how many materials stay deferred."""
    records = list(session.exec(select(MaterialRecord).where(MaterialRecord.case_id == case_id)))
    deferred = {r.material_code: r for r in records if r.status is MaterialStatus.DEFERRED}
    unknown = codes - set(deferred)
    if unknown:
        raise ValueError(f"not deferred on this case: {', '.join(sorted(unknown))}")
    for code in codes:
        deferred[code].status, deferred[code].deadline = MaterialStatus.RECEIVED, None
        session.add(deferred[code])
    return len(deferred) - len(codes)


def _queue(session: Session, case: Case, actor: str, now: datetime) -> None:
    """Move the case to queued with a new revision and put that revision in the outbox."""
    if case.state is not CaseState.QUEUED:
        case.state = check_transition(case.state, CaseState.QUEUED)
    case.revision += 1
    session.add(case)
    session.flush()
    detail = _detail(session, case)
    payload = case_payload(case, detail.items, detail.materials, detail.attachments)
    session.add(
        OutboxEntry(case_id=case.id, revision=case.revision, payload=payload, created_at=now, next_attempt_at=now)
    )
    _audit(session, case.id, actor, "queue", {"revision": case.revision}, at=now)


def _audit(
    session: Session, case_id: uuid.UUID | None, actor: str, action: str, detail: dict[str, Any], *, at: datetime
) -> None:
    session.add(AuditEvent(case_id=case_id, at=at, actor=actor, action=action, detail=detail))


def _detail(session: Session, case: Case) -> CaseDetail:
    items = session.exec(select(CaseItem).where(CaseItem.case_id == case.id).order_by(col(CaseItem.id)))
    materials = session.exec(
        select(MaterialRecord).where(MaterialRecord.case_id == case.id).order_by(col(MaterialRecord.id))
    )
    attachments = session.exec(select(Attachment).where(Attachment.case_id == case.id).order_by(col(Attachment.id)))
    return CaseDetail(case, list(items), list(materials), list(attachments))


def _summary(case: Case) -> CaseSummary:
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


def _text_filter(text: str) -> Any:
    pattern = f"%{text}%"
    number = f"%{normalize_number(text)}%"
    return or_(
        col(Case.applicant_name).like(pattern),
        col(Case.applicant_id).like(pattern.upper()),
        col(Case.number).like(number),
        col(Case.bundle_code).like(pattern),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _store_blob(source: Path, target: Path, digest: str) -> None:
    """Copy ``source`` to ``target`` via a temp file, verifying the copy's hash before it takes the name."""
    if target.exists() and _sha256(target) == digest:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(source, tmp)
        if _sha256(tmp) != digest:
            raise OSError(f"copy of {source} does not match its sha256 (file changed while copying?)")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
