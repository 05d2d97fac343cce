"""Printing use cases: the documents of a case, read from the store and rendered by ``printing``."""

from __future__ import annotations

import uuid
from dataclasses import replace

from desktop.services.accounts import display_name
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.settings import Settings
from printing.from_case import CaseDocuments, application_form_of_case, case_documents, hall_info


def case_documents_of(hall: Hall, current: CatalogInUse, case_id: uuid.UUID, settings: Settings) -> CaseDocuments:
    """Every document the case's item outcomes call for, the 联办申请表 first, with the hall's address, hours,
    phones, reviewing organ and court (raises ``NotDecided`` for a case not decided yet)."""
    catalog = hall.catalogs.for_case(hall.store, case_id, current)
    docs = case_documents(hall.store.get(case_id), catalog.index, hall=hall_info(settings), clock=hall.clock)
    # the case keeps the operator's account; paper names the person
    return replace(docs, doc=replace(docs.doc, clerk=display_name(hall, docs.doc.clerk)))


def application_form_of(hall: Hall, current: CatalogInUse, case_id: uuid.UUID, settings: Settings) -> bytes:
    """The 联办申请表 of a case as stored, for the applicant to sign (a draft prints 待受理, without a number)."""
    catalog = hall.catalogs.for_case(hall.store, case_id, current)
    return application_form_of_case(hall.store.get(case_id), catalog.index, hall=hall_info(settings), clock=hall.clock)


def record_output(hall: Hall, operator: str, case_id: uuid.UUID, what: str, *, first: bool, path: str = "") -> None:
    """Audit a document that left the window: printed (``reprint`` once the result dialog of the decision has
    closed) or saved as a PDF file (``export``)."""
    action = "export" if path else ("print" if first else "reprint")
    detail = {"document": what, **({"path": path} if path else {})}
    hall.store.record(operator, action, detail, case_id)
