"""Delivery: send the outbox to the platform exactly once, and bring platform statuses back.

Exactly once = at-least-once sending + an idempotent platform. The outbox row is marked sent only after the
platform answered; if the process dies in between, the next run resends the same (case id, revision, payload)
and the platform answers with the same platform number. Every step can be interrupted and rerun.

Marks are written in batches (:data:`MARK_EVERY` revisions per durable commit, on a helper thread while the next
cases travel), which widens that window to a batch and changes nothing else. A platform status the local case
cannot take now is withheld, with why, and shown (:func:`withheld_statuses`) until it applies: never skipped.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.cases.states import PLATFORM_STATES, STATE_LABELS, CaseState, can_transition
from desktop.store.models import OutboxEntry, OutboxStatus
from desktop.store.repo import CaseNotFound, Store
from sync.client import (
    ConflictError,
    PlatformClient,
    PlatformError,
    RejectedError,
    TransientError,
    UnauthorizedError,
)
from sync.outbox_files import LocalProblemError, attachment_refs, held_here, read_attachment
from sync.protocol import PlatformStatus
from sync.state import SyncState, Withheld, state_path
from sync.transfer import settle_spooled, spooled

BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0
BATCH = 200
HELD_DELAY = timedelta(minutes=2)  # a revision whose scans are on another window waits this long for them
HELD_SCAN_LIMIT = 1000  # waiting revisions whose scans a window uploads in one run
MARK_EVERY = 25  # revisions the platform took, marked sent in one durable transaction (not one fsync per case)

PLATFORM_TO_STATE: dict[str, CaseState] = {
    PlatformStatus.ACCEPTED: CaseState.PLATFORM_ACCEPTED,
    PlatformStatus.COMPLETED: CaseState.COMPLETED,
    PlatformStatus.RETURNED: CaseState.RETURNED,
    PlatformStatus.REJECTED: CaseState.PLATFORM_REJECTED,
}


@dataclass(frozen=True)
class Sent:
    """A revision the platform took."""

    case_id: uuid.UUID
    revision: int
    platform_number: str


@dataclass(frozen=True)
class Retry:
    """A revision that failed for a transient reason and waits until ``next_attempt_at``."""

    case_id: uuid.UUID
    revision: int
    error: str
    next_attempt_at: datetime


@dataclass(frozen=True)
class Quarantined:
    """A revision the platform refused (4xx); the clerk must look at it."""

    case_id: uuid.UUID
    revision: int
    reason: str


@dataclass(frozen=True)
class Held:
    """A revision on a center store whose scans are on the window that took them: left for that window (its
    sync run uploads them) and due again after :data:`HELD_DELAY`, not refused."""

    case_id: uuid.UUID
    revision: int
    reason: str


@dataclass(frozen=True)
class Conflict:
    """409: the platform holds another revision of this case."""

    case_id: uuid.UUID
    local_revision: int
    platform_revision: int | None
    platform_number: str | None


@dataclass(frozen=True)
class StatusChange:
    """A local case moved by a platform status."""

    case_id: uuid.UUID
    state: CaseState
    reason: str | None


@dataclass
class SyncReport:
    """What one :func:`sync_once` run did; ``stopped`` says why it ended early (network down, device refused)."""

    sent: list[Sent] = field(default_factory=list)
    retries: list[Retry] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    withheld: list[uuid.UUID] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    stopped: str | None = None

    @property
    def changed_cases(self) -> list[uuid.UUID]:
        """Cases whose local state changed in this run (for the UI to refresh)."""
        seen = dict.fromkeys([s.case_id for s in self.sent] + [q.case_id for q in self.quarantined])
        seen.update(dict.fromkeys(c.case_id for c in self.status_changes))
        return list(seen)


class _StopRunError(Exception):
    """End this run early; the message goes into the report."""


def backoff_delay(attempts: int, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform over [0, min(cap, base·2^attempts)]."""
    return rng.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** min(attempts, 30)))


def sync_once(
    store: Store,
    client: PlatformClient,
    now: datetime,
    *,
    rng: random.Random | None = None,
    batch: int = BATCH,
    pull_status: bool = True,
    spool_dir: Path | None = None,
) -> SyncReport:
    """Send due outbox entries (oldest first, attachments before their case), upload spooled transfer files,
    then pull platform statuses. Safe to interrupt at any point and to run again."""
    report = SyncReport()
    try:
        if store.url is not None:  # a center store: other windows may send the cases this window scanned
            _upload_held_scans(store, client, now)
        _send_outbox(store, client, now, rng=rng or random.Random(), batch=batch, report=report)
        _upload_spooled(client, spool_dir or default_spool_dir(store), report)
        if pull_status:
            pull_statuses(store, client, report)
    except _StopRunError as stop:
        report.stopped = str(stop)
    return report


def default_spool_dir(store: Store) -> Path:
    return store.path.parent / "transfers"


# -- outbox -------------------------------------------------------------------------------------------------------


def _send_outbox(
    store: Store, client: PlatformClient, now: datetime, *, rng: random.Random, batch: int, report: SyncReport
) -> None:
    # claimed: the other windows draining a center's store skip these (FOR UPDATE SKIP LOCKED)
    entries = store.claim_outbox(now, batch)
    marks = _Marks(store, report)
    try:
        _send_claimed(store, client, now, entries, marks, rng=rng, report=report)
    finally:
        try:
            marks.flush()  # a kill before this resends the unmarked revisions: the platform answers them the same
        finally:
            store.release_claims(entries, now)  # what this run did not try is due again at once


def _send_claimed(
    store: Store, client: PlatformClient, now: datetime, entries: list[OutboxEntry], marks: _Marks, *,
    rng: random.Random, report: SyncReport,
) -> None:  # fmt: skip
    history = _History.load(store, {e.case_id for e in entries})
    scans = _Scans(store, entries)
    blocked: set[uuid.UUID] = set()  # a case whose older revision did not go stays behind it this run
    for entry in entries:
        assert entry.id is not None
        if entry.case_id in blocked or history.older_unsent(entry):
            blocked.add(entry.case_id)
            continue
        try:
            _send_entry(store, client, entry, history.base_revision(entry), marks=marks, scans=scans)
            history.sent(entry)
        except TransientError as exc:
            blocked.add(entry.case_id)
            marks.flush()
            when = now + timedelta(seconds=backoff_delay(entry.attempts, rng))
            store.mark_failed(entry.id, str(exc), when)
            report.retries.append(Retry(entry.case_id, entry.revision, str(exc), when))
            # The platform is unreachable or failing: stop rather than time out on every entry.
            raise _StopRunError(f"platform unreachable: {exc}") from None
        except UnauthorizedError as exc:
            raise _StopRunError(f"platform refused this device: {exc}") from None
        except ConflictError as exc:
            blocked.add(entry.case_id)
            marks.flush()
            _conflict(store, client, entry, exc, report)
        except (RejectedError, LocalProblemError) as exc:
            blocked.add(entry.case_id)
            marks.flush()
            if isinstance(exc, LocalProblemError) and exc.missing and store.url is not None:
                store.release_claims([entry], now + HELD_DELAY)  # the scanning window uploads them meanwhile
                report.held.append(Held(entry.case_id, entry.revision, str(exc)))
                continue
            store.quarantine(entry.id, str(exc))
            report.quarantined.append(Quarantined(entry.case_id, entry.revision, str(exc)))


@dataclass
class _History:
    """Every outbox row (id, revision, status) of the cases in this batch, read once per run."""

    rows: dict[uuid.UUID, list[tuple[int, int, OutboxStatus]]]

    @classmethod
    def load(cls, store: Store, case_ids: set[uuid.UUID]) -> _History:
        return cls(store.outbox_history(case_ids))

    def older_unsent(self, entry: OutboxEntry) -> bool:
        assert entry.id is not None
        return any(i < entry.id and s is not OutboxStatus.SENT for i, _r, s in self.rows[entry.case_id])

    def base_revision(self, entry: OutboxEntry) -> int | None:
        """The newest revision of this case the platform acknowledged, as far as this PC knows."""
        sent = [r for _i, r, s in self.rows[entry.case_id] if s is OutboxStatus.SENT and r < entry.revision]
        return max(sent, default=None)

    def sent(self, entry: OutboxEntry) -> None:
        self.rows[entry.case_id] = [
            (i, r, OutboxStatus.SENT if i == entry.id else s) for i, r, s in self.rows[entry.case_id]
        ]


class _Marks:
    """Revisions the platform took this run, marked sent in batches of :data:`MARK_EVERY`, one durable commit
    each. A full batch commits on a helper thread while the next cases travel (the wait for the platform and the
    store's work overlap); every other write of the run first waits for it (:meth:`flush`), so the outbox keeps
    its order. Until a batch commits its revisions are still pending: a run killed in between sends them again
    and the platform, idempotent on (case id, revision, payload), answers with the same numbers."""

    def __init__(self, store: Store, report: SyncReport) -> None:
        self.store, self.report = store, report
        self.waiting: list[tuple[OutboxEntry, str]] = []
        self._committing: Future[None] | None = None
        self._pool: ThreadPoolExecutor | None = None

    def add(self, entry: OutboxEntry, platform_number: str) -> None:
        self.waiting.append((entry, platform_number))
        if len(self.waiting) >= MARK_EVERY:
            self._settle()
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mark-sent")
            self._committing = self._pool.submit(self._commit, self._take())

    def flush(self) -> None:
        """Every mark of this run committed when it returns (a failed background commit raises here)."""
        try:
            self._settle()
            self._commit(self._take())
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def _take(self) -> list[tuple[OutboxEntry, str]]:
        batch, self.waiting = self.waiting, []
        return batch

    def _settle(self) -> None:
        committing, self._committing = self._committing, None
        if committing is not None:
            committing.result()

    def _commit(self, batch: list[tuple[OutboxEntry, str]]) -> None:
        if batch:
            self.store.mark_sent_batch([(int(e.id or 0), number) for e, number in batch])
            self.report.sent.extend(Sent(e.case_id, e.revision, number) for e, number in batch)


def _send_entry(
    store: Store, client: PlatformClient, entry: OutboxEntry, base: int | None, *, marks: _Marks, scans: _Scans
) -> None:
    assert entry.id is not None
    shas = _upload_attachments(store, client, entry, scans)
    try:
        receipt = client.submit_case(str(entry.case_id), entry.revision, base, entry.payload, shas)
    except RejectedError as exc:
        if exc.code != "missing_attachments" or not scans.forget(exc.body.get("missing")):
            raise
        # the platform lacks a scan it had acknowledged (restored from an older backup?): upload it again, once
        _upload_attachments(store, client, entry, scans)
        receipt = client.submit_case(str(entry.case_id), entry.revision, base, entry.payload, shas)
    marks.add(entry, receipt.platform_number)


def _conflict(store: Store, client: PlatformClient, entry: OutboxEntry, exc: ConflictError, report: SyncReport) -> None:
    assert entry.id is not None
    platform_revision: int | None = exc.body.get("platform_revision")
    number: str | None = exc.body.get("platform_number")
    try:
        theirs = client.get_case(str(entry.case_id))
        platform_revision, number = theirs.revision, theirs.platform_number
    except PlatformError:
        pass  # no revision there at all, or unreachable: the 409 body says enough
    reason = f"conflict: platform holds revision {platform_revision} (platform number {number}); {exc}"
    store.quarantine(entry.id, reason)
    report.conflicts.append(Conflict(entry.case_id, entry.revision, platform_revision, number))
    report.quarantined.append(Quarantined(entry.case_id, entry.revision, reason))


def _upload_held_scans(store: Store, client: PlatformClient, now: datetime) -> None:
    """Upload the scans this window holds of every revision still waiting on the center store, whichever window
    will send it (a scan's file is only on the PC that took it). A damaged file is left to the sending path,
    which refuses its revision."""
    waiting = store.pending_outbox(now + timedelta(days=36500), limit=HELD_SCAN_LIMIT)
    scans = _Scans(store, waiting)
    for entry, ref in held_here(store, waiting):
        try:
            _upload(store, client, entry, ref, scans)
        except LocalProblemError:
            continue
        except TransientError as exc:
            raise _StopRunError(f"platform unreachable: {exc}") from None
        except UnauthorizedError as exc:
            raise _StopRunError(f"platform refused this device: {exc}") from None


def _upload_attachments(store: Store, client: PlatformClient, entry: OutboxEntry, scans: _Scans) -> list[str]:
    refs = attachment_refs(entry.payload)
    for ref in refs:
        _upload(store, client, entry, ref, scans)
    return [ref["sha256"] for ref in refs]


def _upload(store: Store, client: PlatformClient, entry: OutboxEntry, ref: dict[str, Any], scans: _Scans) -> None:
    """One attachment onto the platform, unless it holds it already (content-addressed: any window may): known from
    the store when the platform acknowledged it before, else asked (HEAD)."""
    sha = ref["sha256"]
    if _same_size(scans.held.get(sha), ref):  # acknowledged before
        return
    size = client.has_attachment(sha)
    if size is not None and _same_size(size, ref):
        scans.acknowledged(sha, size)
        return
    data = read_attachment(store, entry.case_id, sha)
    client.put_attachment(sha, data, str(ref.get("media_type") or "application/octet-stream"))
    if client.has_attachment(sha) != len(data):
        raise TransientError(f"attachment {sha[:12]}… not found on the platform after upload")
    scans.acknowledged(sha, len(data))


def _same_size(held: int | None, ref: dict[str, Any]) -> bool:
    """The platform holds ``held`` bytes of the content, as many as the payload names (when it names a size)."""
    return held is not None and held == ref.get("size", held)


class _Scans:
    """What the platform acknowledged holding of the scans at hand: as the store remembers it (read once for a run's
    revisions), and what this run gets acknowledged, written to the store at once. An acknowledged scan is neither
    asked about (HEAD) nor uploaded (PUT) again: not in this run, a later one, for a later revision of its case, nor
    by another window of a center store."""

    def __init__(self, store: Store, entries: Iterable[OutboxEntry]) -> None:
        self.store = store
        shas = {ref["sha256"] for entry in entries for ref in attachment_refs(entry.payload)}
        self.held = store.scans_on_platform(shas) if shas else {}

    def acknowledged(self, sha: str, size: int) -> None:
        self.store.mark_on_platform(sha, size)
        self.held[sha] = size

    def forget(self, missing: object) -> bool:
        """The platform says it lacks ``missing`` (its 422's list): forget those it had acknowledged; whether any."""
        named = [sha for sha in missing if isinstance(sha, str)] if isinstance(missing, list) else []
        known = [sha for sha in named if self.held.pop(sha, None) is not None]
        if known:
            self.store.forget_on_platform(known)
        return bool(known)


# -- spooled transfer files ---------------------------------------------------------------------------------------


def _upload_spooled(client: PlatformClient, spool_dir: Path, report: SyncReport) -> None:
    for path in spooled(spool_dir):
        try:
            result = client.upload_transfer(path.read_bytes())
        except TransientError as exc:
            raise _StopRunError(f"platform unreachable: {exc}") from None
        except UnauthorizedError as exc:
            raise _StopRunError(f"platform refused this device: {exc}") from None
        except RejectedError as exc:
            settle_spooled(path, "rejected", str(exc))
            report.transfers.append({"file": path.name, "error": str(exc)})
            continue
        settle_spooled(path, "done", repr(result))
        report.transfers.append({"file": path.name, **result})


# -- statuses -----------------------------------------------------------------------------------------------------


def pull_statuses(store: Store, client: PlatformClient, report: SyncReport) -> None:
    """Apply the platform's status updates after the saved cursor; withheld ones are retried first."""
    state = SyncState(state_path(store.path))
    try:
        _retry_withheld(store, client, state, report)
        cursor = state.cursor()
        while True:
            page = client.status_updates(cursor)
            for update in page.updates:
                _apply(store, state, Withheld(update.case_id, update.seq, update.status, update.reason), report)
            cursor = page.cursor
            state.set_cursor(cursor)
            if not page.more:
                break
    except TransientError as exc:
        raise _StopRunError(f"platform unreachable while pulling statuses: {exc}") from None
    except PlatformError as exc:
        raise _StopRunError(f"status pull refused: {exc}") from None


def _apply(store: Store, state: SyncState, update: Withheld, report: SyncReport) -> bool:
    """Apply one platform status, or withhold it (returns True then): a status is never skipped unless it is
    stale (this case already took a newer one). The cursor may pass a withheld status: the withheld table keeps
    it, durably, before the cursor moves, until it applies."""
    target = PLATFORM_TO_STATE.get(update.status)
    try:
        case_id = uuid.UUID(update.case_id)
        current = store.get(case_id).case.state
    except (ValueError, CaseNotFound):
        return False  # not a case of this PC (e.g. carried in by a transfer file from a field laptop)
    if target is None or current is target or _stale(state, update, current):
        return False
    if store.has_unsent(case_id):
        # Local changes not yet on the platform win; look again once they are sent.
        return _withhold(state, update, "local changes not yet on the platform", report)
    if not can_transition(current, target):
        # e.g. a returned case reopened and edited at the window, then 不予受理 by the platform: shown to the
        # clerk and looked at again each run, never dropped
        why = f"the case is {STATE_LABELS[current]} here and cannot take {STATE_LABELS[target]} now"
        return _withhold(state, update, why, report)
    store.record_platform_state(case_id, target, update.reason or "")
    state.record_applied(update.case_id, update.seq)
    report.status_changes.append(StatusChange(case_id, target, update.reason))
    return False


def _stale(state: SyncState, update: Withheld, current: CaseState) -> bool:
    """An older status replayed (the cursor is saved after applying, so a crash replays a page)."""
    applied = state.applied_seq(update.case_id)
    if applied is None:  # a state file from before applied statuses were recorded: trust the state machine
        return current in PLATFORM_STATES and not can_transition(current, PLATFORM_TO_STATE[update.status])
    return update.seq <= applied


def _withhold(state: SyncState, update: Withheld, why: str, report: SyncReport) -> bool:
    state.withhold(Withheld(update.case_id, update.seq, update.status, update.reason, why))
    report.withheld.append(uuid.UUID(update.case_id))
    return True


def withheld_statuses(store: Store) -> list[Withheld]:
    """Platform statuses this PC has not applied yet, each with why (for the clerk's sync panel)."""
    return SyncState(state_path(store.path)).withheld()


def _retry_withheld(store: Store, client: PlatformClient, state: SyncState, report: SyncReport) -> None:
    for item in state.withheld():
        case_id = uuid.UUID(item.case_id)
        if store.has_unsent(case_id):
            report.withheld.append(case_id)
            continue
        # The withheld status may be stale now (a new revision resets 退件): ask for the current one.
        try:
            current = client.get_case(item.case_id)
        except RejectedError:
            state.release(item.case_id)
            continue
        # released only once applied (or moot): a kill in between leaves it withheld, never lost
        if not _apply(store, state, Withheld(item.case_id, item.seq, current.status, current.status_reason), report):
            state.release(item.case_id)
