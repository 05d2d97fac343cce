"""A stored case as the plain :class:`~printing.model.DocCase` its documents are rendered from.

The store keeps codes (items, departments, materials) and the clerk's marks; the catalog gives the
names, and the merged checklist (the case's situation answers over its applying items) gives each
material's form and copies. A case decided under an older catalog whose codes are gone still
prints, with the stored names and codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.cases.clock import LOCAL_TZ
from desktop.cases.decisions import MaterialStatus, applicant_of
from desktop.cases.numbers import format_number
from desktop.cases.states import Decision
from desktop.catalog.schema import MaterialForm
from desktop.forms.checklist import ChecklistEntry, merge_checklist
from printing.documents import DocKind
from printing.model import HOTLINE, OUTSTANDING, DocCase, DocItem, DocMaterial

if TYPE_CHECKING:
    from desktop.catalog.index import CatalogIndex
    from desktop.store.models import Case, CaseItem, MaterialRecord
    from desktop.store.repo import CaseDetail

PHONE_KEYS = ("applicant.phone", "contact.phone", "enterprise.phone", "legal_rep.phone", "agent.phone")

DECISION_DOCUMENTS: dict[Decision, tuple[DocKind, ...]] = {
    Decision.ACCEPT: (DocKind.RECEIPT, DocKind.TRANSFER),
    # 容缺受理 is an acceptance: the departments start work while the material is supplied.
    Decision.DEFER: (DocKind.RECEIPT, DocKind.DEFERRED, DocKind.TRANSFER),
    Decision.NOTIFY: (DocKind.ONE_TIME,),
    Decision.REJECT: (DocKind.REJECT,),
}


@dataclass(frozen=True)
class CaseDocuments:
    """What the result dialog needs of a decided case: its printable view and its documents."""

    case_id: str
    decision: Decision
    doc: DocCase
    kinds: tuple[DocKind, ...]


class NotDecided(ValueError):  # noqa: N818 - reads as what happened
    """The case has no decision (a draft): it has nothing to print yet."""


def documents_for(case: Case, items: Sequence[CaseItem] | None = None) -> list[DocKind]:
    """The documents a decided case gets, in the order they are handed out.

    Transfer slips (one per back-office department) go with accepted cases; with ``items`` given, only
    when at least one item applies.
    """
    if case.decision is None:
        return []
    kinds = list(DECISION_DOCUMENTS[Decision(case.decision)])
    if items is not None and not any(i.applies for i in items):
        kinds = [k for k in kinds if k is not DocKind.TRANSFER]
    return kinds


def doc_case(
    detail: CaseDetail,
    idx: CatalogIndex,
    *,
    consult_phone: str = HOTLINE,
    supervise_phone: str = HOTLINE,
    bundle_name: str | None = None,
) -> DocCase:
    """The printable view of a decided case; raises :class:`NotDecided` for a draft.

    ``bundle_name`` overrides the catalog's name (needed when the bundle left the catalog).
    """
    case = detail.case
    if case.number is None or case.decided_at is None:
        raise NotDecided(f"case {case.id} has no decision yet")
    applying = [i for i in detail.items if i.applies]
    names = _item_names(idx, [i.item_code for i in applying])
    bundle = idx.bundles.get(case.bundle_code)
    name, id_number = applicant_of(case.values)
    return DocCase(
        case_number=format_number(case.number),
        query_code=case.query_code or "",
        bundle_name=bundle_name or (bundle.name if bundle else case.bundle_code),
        bundle_code=case.bundle_code,
        applicant_name=name or case.applicant_name or "",
        applicant_id_masked=id_number or case.applicant_id or "",
        phone=phone_of(case.values),
        center_name=case.center_name,
        division_code=case.division_code,
        window=window_label(case.window_code),
        clerk=case.clerk,
        decided_at=case.decided_at.astimezone(LOCAL_TZ).replace(tzinfo=None),
        catalog_version=case.catalog_version,
        items=tuple(_doc_item(idx, i, names) for i in applying),
        materials=_doc_materials(idx, case.answers, applying, detail.materials, names),
        reject_reason=case.reason or "",
        consult_phone=consult_phone or HOTLINE,
        supervise_phone=supervise_phone or HOTLINE,
    )


def case_documents(detail: CaseDetail, idx: CatalogIndex, **phones: str) -> CaseDocuments:
    """The printable view and document list of a decided case (``phones``: consult/supervise)."""
    decision = detail.case.decision
    if decision is None:
        raise NotDecided(f"case {detail.case.id} has no decision yet")
    doc = doc_case(detail, idx, **phones)
    return CaseDocuments(str(detail.case.id), decision, doc, tuple(documents_for(detail.case, detail.items)))


def phone_of(values: Mapping[str, Any]) -> str:
    """The applicant's contact phone: the applicant's own first, then the enterprise's or an agent's."""
    keys = [*PHONE_KEYS, *sorted(k for k in values if k.endswith(".phone") and k not in PHONE_KEYS)]
    for key in keys:
        value = values.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def window_label(window_code: str) -> str:
    """``03`` → ``3号窗口``; field laptops (90–99) are ``外勤设备90``."""
    if window_code.isdigit() and int(window_code) >= 90:
        return f"外勤设备{window_code}"
    return f"{int(window_code)}号窗口" if window_code.isdigit() else window_code


def document_file_name(kind: DocKind, doc: DocCase) -> str:
    """A file name for 另存为 PDF: ``受理回执_210102004-03-261128-0001-K.pdf``."""
    from printing.documents import TITLES

    return f"{TITLES[kind]}_{doc.case_number}.pdf"


# --- pieces ---------------------------------------------------------------------------------------


def _item_names(idx: CatalogIndex, codes: Sequence[str]) -> dict[str, str]:
    return {code: idx.items[code].name if code in idx.items else code for code in codes}


def _department(idx: CatalogIndex, code: str) -> str:
    return idx.departments[code].name if code in idx.departments else code


def _doc_item(idx: CatalogIndex, item: CaseItem, names: Mapping[str, str]) -> DocItem:
    known = idx.items.get(item.item_code)
    return DocItem(
        name=names[item.item_code],
        department=_department(idx, item.department),
        promised_days=item.promised_days if item.promised_days is not None else 0,
        promised_date=item.promised_date,
        estimated=item.estimated,
        statutory_days=known.guide.statutory_days if known else None,
        code=item.item_code,
    )


def _checklist(idx: CatalogIndex, answers: Mapping[str, Any], codes: Sequence[str]) -> dict[str, ChecklistEntry]:
    known = [c for c in codes if c in idx.items]
    try:
        return {e.code: e for e in merge_checklist(idx, known, dict(answers))}
    except (KeyError, ValueError):  # answers from an older catalog: fall back to the stored marks
        return {}


def _doc_materials(
    idx: CatalogIndex,
    answers: Mapping[str, Any],
    applying: Sequence[CaseItem],
    records: Sequence[MaterialRecord],
    names: Mapping[str, str],
) -> tuple[DocMaterial, ...]:
    codes = [i.item_code for i in applying]
    checklist = _checklist(idx, answers, codes)
    return tuple(_doc_material(idx, r, checklist.get(r.material_code), codes, names) for r in records)


def _doc_material(
    idx: CatalogIndex,
    record: MaterialRecord,
    entry: ChecklistEntry | None,
    applying: Sequence[str],
    names: Mapping[str, str],
) -> DocMaterial:
    status = MaterialStatus(str(record.status))
    served = [c for c in record.items if c in names]
    every = set(served) >= set(applying)  # serves every item: printed as 全部事项
    material = idx.materials.get(record.material_code)
    return DocMaterial(
        name=record.name,
        form=_form(status, entry),
        copies=max(1, record.copies or (entry.copies if entry else 0)),
        status=status,
        deadline=record.deadline,
        item_names=() if every else tuple(names[c] for c in served),
        note=(material.note or "") if material and status in OUTSTANDING else "",
    )


def _form(status: MaterialStatus, entry: ChecklistEntry | None) -> MaterialForm:
    """How the material is (or is to be) taken: the checklist's form, or the e-licence that replaced it."""
    if status is MaterialStatus.ELICENCE:
        return MaterialForm.ELICENCE
    if entry is not None:
        return entry.form
    return MaterialForm.ORIGINAL_CHECKED if status is MaterialStatus.CHECKED else MaterialForm.COPY
