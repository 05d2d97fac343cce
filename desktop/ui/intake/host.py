"""Runs one intake against the store: creates or reopens the case, autosaves, records the decision.

Every store call goes through the main window's one-thread store pool, so an autosave is always
written before the decision that follows it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.catalog.index import CatalogIndex
from desktop.forms.session import IntakeSession
from desktop.ui.intake.widget import IntakeWidget
from desktop.ui.workers import Op

AUTOSAVE_MS = 500


class IntakeHost(QObject):
    """Binds an :class:`IntakeWidget` to a case in the store.

    Signals:
        saved(): the draft was written.
        decided(object): the decision was committed durably; carries the stored Case.
        failed(str): the decision could not be written; Chinese message for the clerk.
        save_failed(str): an autosave failed (the clerk keeps working; the next save retries).
    """

    saved = Signal()
    decided = Signal(object)
    failed = Signal(str)
    save_failed = Signal(str)

    def __init__(
        self, store: Any, pool: QThreadPool, session: IntakeSession, case_id: uuid.UUID, profile: Profile
    ) -> None:
        super().__init__()
        self.store = store
        self.pool = pool
        self.session = session
        self.case_id = case_id
        self.profile = profile
        self.widget = IntakeWidget(session)
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)
        self.widget.changed.connect(self._timer.start)
        self.widget.decided.connect(self.decide)
        self.closed = False  # decided: the case is no longer a draft

    def save_now(self) -> None:
        self._timer.stop()
        if self.closed:
            return
        draft = self.session.to_draft()
        materials = self.session.material_entries(dt.date.today(), marked_only=True)
        store, case_id = self.store, self.case_id
        Op(self.pool, lambda: store.save_draft(case_id, draft["answers"], draft["values"], materials)).success(
            lambda _r: self.saved.emit()
        ).failure(lambda e: self.save_failed.emit(f"草稿保存失败：{e}")).run()

    def decide(self, decision: Decision, reason: str) -> None:
        self.save_now()
        today = dt.date.today()
        session, store = self.session, self.store
        kwargs = {
            "answers": dict(session.answers),
            "values": session.submitted_values(),
            "items": session.item_entries(today),
            "materials": session.material_entries(today),
            "profile": self.profile,
            "reason": reason or None,
        }
        case_id = self.case_id
        self.closed = True
        Op(self.pool, lambda: store.decide(case_id, decision, **kwargs)).success(self.decided.emit).failure(
            self._decide_failed
        ).run()

    def _decide_failed(self, exc: Exception) -> None:
        self.closed = False
        self.failed.emit(f"办件保存失败，未作出决定：{exc}")


def new_case(store: Any, idx: CatalogIndex, bundle_code: str, profile: Profile) -> tuple[IntakeSession, uuid.UUID]:
    """Runs on the store pool: a fresh draft."""
    case = store.new_draft(bundle_code, idx.version, profile)
    return IntakeSession(idx, bundle_code), case.id


def reopen_case(store: Any, idx: CatalogIndex, case_id: uuid.UUID) -> tuple[IntakeSession, uuid.UUID]:
    """Runs on the store pool: a draft as saved, or a 补正/退件 case reopened for the returning applicant."""
    from desktop.cases.states import CaseState
    from desktop.forms.decision import Mark
    from desktop.forms.session import marks_from_records

    detail = store.get(case_id)
    if detail.case.state is not CaseState.DRAFT:
        detail = store.reopen(case_id)
    case = detail.case
    marks = marks_from_records(detail.materials, dt.date.today())
    for attachment in detail.attachments:
        marks.setdefault(attachment.material_code, Mark()).attachments.append(attachment.sha256)
    return IntakeSession(idx, case.bundle_code, case.answers, case.values, marks), case.id
