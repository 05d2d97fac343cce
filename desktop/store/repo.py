"""The Store: every read and write of cases goes through here (sessions stay inside its parts)."""

from __future__ import annotations

from pathlib import Path

from desktop.cases.clock import Clock
from desktop.store.accounts import Accounts
from desktop.store.attachments import Attachments
from desktop.store.audit_log import AuditLog
from desktop.store.cases import EDITABLE_STATES, CaseWrites
from desktop.store.db import center_local_path, is_postgres, open_engine
from desktop.store.direct import DirectReads
from desktop.store.outbox import Outbox, OutboxFigures
from desktop.store.phrases import Phrases
from desktop.store.queries import CaseQueries
from desktop.store.ratings import Ratings
from desktop.store.revision import at_head
from desktop.store.rows import CaseDetail, CaseNotFound, CaseSummary, DaySummary, NotEditable
from desktop.store.supervision import Supervision

__all__ = [
    "EDITABLE_STATES",
    "CaseDetail",
    "CaseNotFound",
    "CaseSummary",
    "DaySummary",
    "NotEditable",
    "OutboxFigures",
    "Store",
]


class Store(CaseWrites, CaseQueries, Attachments, Outbox, Accounts, AuditLog, Ratings, Supervision):
    """The case store on one SQLite file, or on a center's PostgreSQL server (a ``postgresql://`` URL);
    ``attachments/`` lives beside the file (for a URL: in ``local_dir``, the window's data dir). Opening migrates
    to head.

    ``clock`` gives every instant it writes and the hall's local day a case number is issued under."""

    def __init__(self, path: Path | str, *, clock: Clock | None = None, local_dir: Path | None = None) -> None:
        self.url = str(path) if is_postgres(path) else None
        self.path = center_local_path(local_dir) if self.url else Path(path)
        self.attachments_dir = self.path.parent / "attachments"
        self.engine = open_engine(self.url or self.path)
        self.reads = DirectReads(self.engine)
        self.phrases = Phrases(self.engine)
        self.clock = clock or Clock()
        if not at_head(self.engine):
            from desktop.store.migrate import migrate  # noqa: PLC0415 - alembic loads only when the schema changes

            migrate(self.engine)

    def close(self) -> None:
        self.reads.close()
        self.engine.dispose()
