"""What every part of the store shares: its engine, its clock and where its files live."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from desktop.cases.clock import Clock
from desktop.store.direct import DirectReads
from desktop.store.phrases import Phrases


class StoreBase:
    """The attributes the store's parts (cases, queries, attachments, outbox) work with; set by ``Store``."""

    engine: Engine
    reads: DirectReads  # hot reads on the driver connection
    phrases: Phrases  # the ids of repeated texts, known once met (migration 0008)
    clock: Clock
    path: Path
    attachments_dir: Path
