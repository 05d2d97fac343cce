"""Printing use cases: the documents of a decided case, read from the store and rendered by ``printing``."""

from __future__ import annotations

import uuid

from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.settings import Settings
from printing.from_case import CaseDocuments, case_documents


def case_documents_of(hall: Hall, current: CatalogInUse, case_id: uuid.UUID, settings: Settings) -> CaseDocuments:
    """Every document the case's decision calls for, with the window profile's phones (raises ``NotDecided`` for a
    case not decided yet)."""
    catalog = hall.catalogs.for_case(hall.store, case_id, current)
    phones = {"consult_phone": settings.consult_phone, "supervise_phone": settings.supervise_phone}
    return case_documents(hall.store.get(case_id), catalog.index, **phones)
