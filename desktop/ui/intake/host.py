"""Runs one intake against the hall: autosaves the draft and records the decision through
:mod:`desktop.services.intake` (the window never assembles a decision itself).

Every store call goes through the main window's one-thread store pool, so an autosave is always
written before the decision that follows it.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from desktop.cases.decisions import DecisionError
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.forms.session import IntakeSession
from desktop.services import intake as intake_service
from desktop.services.hall import Hall
from desktop.ui.intake.decision_page import Verdict
from desktop.ui.intake.widget import IntakeWidget
from desktop.ui.workers import Op

AUTOSAVE_MS = 500


class IntakeHost(QObject):
    """Binds an :class:`IntakeWidget` to a case in the hall's store.

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
        self,
        hall: Hall,
        pool: QThreadPool,
        opened: intake_service.OpenedIntake,
        profile: Profile,
        *,
        assists: bool = True,
    ) -> None:
        super().__init__()
        self.hall = hall
        self.pool = pool
        self.session: IntakeSession = opened.session
        self.case_id: uuid.UUID = opened.case_id
        self.profile = profile
        self.widget = IntakeWidget(self.session, home_division=profile.division_code, assists=assists)
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)
        self.widget.changed.connect(self._timer.start)
        self.widget.decided.connect(self.decide)
        self.closed = False  # decided: the case is no longer a draft

    def save_now(self) -> None:
        self._timer.stop()
        if self.closed:
            return
        hall, case_id, session = self.hall, self.case_id, self.session
        Op(self.pool, lambda: intake_service.save_draft(hall, case_id, session)).success(
            lambda _r: self.saved.emit()
        ).failure(lambda e: self.save_failed.emit(f"草稿保存失败：{e}")).run()

    def decide(self, verdict: Verdict) -> None:
        """Record the clerk's verdict: the case-level decision and each applying item's outcome."""
        self.save_now()
        hall, case_id, session, profile = self.hall, self.case_id, snapshot(self.session), self.profile
        outcomes: Mapping[str, Decision] = dict(verdict.outcomes)
        reasons: Mapping[str, str] = dict(verdict.outcome_reasons)
        self.closed = True
        Op(
            self.pool,
            lambda: intake_service.decide(
                hall,
                case_id,
                session,
                verdict.decision,
                profile,
                reason=verdict.reason or None,
                outcomes=outcomes,
                outcome_reasons=reasons,
            ),
        ).success(self.decided.emit).failure(self._decide_failed).run()

    def _decide_failed(self, exc: Exception) -> None:
        self.closed = False
        if isinstance(exc, DecisionError):
            why = "；".join(p.zh for p in exc.problems)
            self.failed.emit(f"未作出决定：{why}")
        else:
            self.failed.emit(f"办件保存失败，未作出决定：{exc}")


def snapshot(session: IntakeSession) -> IntakeSession:
    """A copy of what the clerk entered, for the store thread to decide from while the screen stays live."""
    marks = {code: copy.deepcopy(mark) for code, mark in session.marks.items()}
    return IntakeSession(
        session.idx,
        session.bundle.code,
        dict(session.answers),
        copy.deepcopy(session.values),
        marks,
        clock=session.clock,
        calendar=session.calendar,
    )
