"""A stored case as the plain :class:`~printing.model.DocCase` its documents are rendered from.

The store keeps codes (items, departments, materials), the clerk's marks and each item's outcome; the catalog gives
the names, kinds, fees, hotlines, grounds and who reviews a refusal, and the merged checklist (the case's situation
answers over its applying items) gives each material's form and copies and which results flow internally. A case
decided under an older catalog whose codes are gone still prints, with the stored names and codes. Every date is the
hall's local date, through the hall's :class:`~desktop.cases.clock.Clock`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialStatus, applicant_of
from desktop.cases.numbers import format_number
from desktop.cases.states import Decision
from desktop.catalog.schema import Element, FieldKind, MaterialForm
from desktop.forms.checklist import ChecklistEntry, full_checklist
from desktop.forms.expr import judged_on, rules_of
from desktop.forms.idnumbers import division_name
from desktop.forms.merge import MergedForm, merge_form
from desktop.forms.situations import applicable_items, uses_notify_commit
from printing.documents import TITLES, DocKind, application_form_pdf
from printing.model import HOTLINE, OUTSTANDING, DocCase, DocItem, DocMaterial, FormGroup, HallInfo

if TYPE_CHECKING:
    from desktop.catalog.index import CatalogIndex
    from desktop.catalog.schema import Item
    from desktop.settings import Settings
    from desktop.store.models import Case, CaseItem, MaterialRecord
    from desktop.store.repo import CaseDetail

PHONE_KEYS = ("applicant.phone", "contact.phone", "enterprise.phone", "legal_rep.phone", "agent.phone")
DELIVERY_METHOD, DELIVERY_ADDRESS = "delivery.method", "delivery.address"

# Who signs the printed application form: the parties who apply or act, never its subjects (逝者, 新生儿, 子女).
# An enterprise seals it. Parties not listed here sign nothing (结果送达, 不动产, 车辆 …).
SIGNING_PARTIES: dict[str, str] = {
    "applicant": "申请人",
    "agent": "代办人",
    "father": "父亲",
    "mother": "母亲",
    "spouse": "配偶",
    "heir": "继承人",
    "seller": "出卖人",
    "buyer": "买受人",
    "enterprise": "企业（盖章）",
    "legal_rep": "法定代表人",
    "contact": "经办人",
}

# What each outcome of an item calls for; a case gets the union over its applying items, in this order.
OUTCOME_DOCUMENTS: dict[Decision, tuple[DocKind, ...]] = {
    Decision.ACCEPT: (DocKind.RECEIPT, DocKind.TRANSFER),
    # 容缺受理 is an acceptance: the departments start work while the material is supplied.
    Decision.DEFER: (DocKind.RECEIPT, DocKind.DEFERRED, DocKind.TRANSFER),
    Decision.NOTIFY: (DocKind.ONE_TIME,),
    Decision.REJECT: (DocKind.REJECT,),
}
DOCUMENT_ORDER = (DocKind.RECEIPT, DocKind.DEFERRED, DocKind.ONE_TIME, DocKind.REJECT, DocKind.TRANSFER)
DECISION_DOCUMENTS = OUTCOME_DOCUMENTS  # the name before outcomes were kept per item


@dataclass(frozen=True)
class CaseDocuments:
    """What the result dialog needs of a decided case: its printable view and its documents."""

    case_id: str
    decision: Decision
    doc: DocCase
    kinds: tuple[DocKind, ...]


class NotDecided(ValueError):  # noqa: N818 - reads as what happened
    """The case has no decision (a draft): it has nothing to print yet."""


def hall_info(settings: Settings) -> HallInfo:
    """What the window profile's settings put on every document."""
    return HallInfo(
        consult_phone=settings.consult_phone or HOTLINE,
        supervise_phone=settings.supervise_phone or HOTLINE,
        address=settings.center_address,
        hours=settings.center_hours,
        review_organ=settings.review_organ,
        court=settings.court,
        receipt_base_url=settings.receipt_base_url,
    )


def item_outcome(case: Case, item: CaseItem) -> Decision | None:
    """An applying item's outcome: its own, or for a row stored before outcomes were kept per item, the case's."""
    if not item.applies:
        return None
    own = getattr(item, "outcome", None)
    if own is not None:
        return Decision(own)
    return Decision(case.decision) if case.decision is not None else None


def documents_for(case: Case, items: Sequence[CaseItem] | None = None) -> list[DocKind]:
    """The documents a decided case gets, in the order they are handed out.

    With ``items`` each applying item's outcome asks for its own documents (a case with four items 受理 and one
    一次性告知 gets the receipt, the slips and the 告知书); transfer slips only when an item is accepted. Without
    ``items`` the case's decision stands for every item."""
    if case.decision is None:
        return []
    if items is None:
        return [DocKind.APPLICATION, *OUTCOME_DOCUMENTS[Decision(case.decision)]]
    outcomes = {o for o in (item_outcome(case, i) for i in items) if o is not None}
    wanted = {kind for outcome in outcomes for kind in OUTCOME_DOCUMENTS[outcome]}
    # the applicant signs the 联办申请表 whatever was decided: it is the application the decision answers
    return [DocKind.APPLICATION, *(kind for kind in DOCUMENT_ORDER if kind in wanted)]


def doc_case(
    detail: CaseDetail,
    idx: CatalogIndex,
    *,
    hall: HallInfo | None = None,
    clock: Clock | None = None,
    consult_phone: str = "",
    supervise_phone: str = "",
    bundle_name: str | None = None,
) -> DocCase:
    """The printable view of a decided case; raises :class:`NotDecided` for a draft.

    ``hall`` is what the settings print (:func:`hall_info`); ``consult_phone`` / ``supervise_phone`` are the older
    way to pass only the phones. ``clock`` turns the stored instants into the hall's dates (default Beijing).
    ``bundle_name`` overrides the catalog's name (needed when the bundle left the catalog)."""
    case = detail.case
    if case.number is None or case.decided_at is None:
        raise NotDecided(f"case {case.id} has no decision yet")
    return _doc(detail, idx, _hall(hall, consult_phone, supervise_phone), clock or Clock(), bundle_name)


def with_form(doc: DocCase, detail: CaseDetail, idx: CatalogIndex) -> DocCase:
    """``doc`` with its merged form's groups (what :attr:`DocKind.APPLICATION` prints)."""
    case = detail.case
    codes = [i.code for i in doc.items if i.code in idx.items]
    try:
        with judged_on(doc.decided_at.date()), rules_of(idx):
            form = merge_form(idx, codes, case.answers, case.values)
    except (KeyError, ValueError):  # answers from an older catalog: the form prints its values by their codes
        return replace(doc, form=(FormGroup("申请信息", tuple((k, str(v)) for k, v in case.values.items())),))
    return replace(doc, form=form_groups(idx, form, case.values))


def case_documents(
    detail: CaseDetail,
    idx: CatalogIndex,
    *,
    hall: HallInfo | None = None,
    clock: Clock | None = None,
    consult_phone: str = "",
    supervise_phone: str = "",
) -> CaseDocuments:
    """The printable view and document list of a decided case."""
    decision = detail.case.decision
    if decision is None:
        raise NotDecided(f"case {detail.case.id} has no decision yet")
    hall = _hall(hall, consult_phone, supervise_phone)
    doc = with_form(doc_case(detail, idx, hall=hall, clock=clock), detail, idx)
    return CaseDocuments(str(detail.case.id), decision, doc, tuple(documents_for(detail.case, detail.items)))


def application_form(
    detail: CaseDetail, idx: CatalogIndex, *, hall: HallInfo | None = None, clock: Clock | None = None
) -> tuple[DocCase, tuple[FormGroup, ...]]:
    """The printable view and merged-form groups of a case for its 联办申请表, decided or still a draft (a draft
    prints 待受理 with its reference where the number will stand)."""
    doc = with_form(_doc(detail, idx, hall or HallInfo(), clock or Clock(), None), detail, idx)
    return doc, doc.form


def application_form_of_case(
    detail: CaseDetail, idx: CatalogIndex, *, hall: HallInfo | None = None, clock: Clock | None = None
) -> bytes:
    """《“一件事”联办申请表》 of a stored case (decided or a draft), ready to print for signature."""
    doc, groups = application_form(detail, idx, hall=hall, clock=clock)
    return application_form_pdf(doc, groups)


def form_groups(idx: CatalogIndex, form: MergedForm, values: Mapping[str, Any]) -> tuple[FormGroup, ...]:
    """The merged form's groups as printed, in screen order: every field with its value as the form shows it (an
    empty value prints blank, to fill by hand), and the signature a party owes."""
    groups = []
    for group in form.groups:
        rows = tuple((f.element.label, format_value(f.element, values.get(f.code))) for f in group.fields)
        groups.append(FormGroup(group.label, rows, _signer(group.party, group.label, group.fields)))
    return tuple(groups)


def format_value(element: Element, value: Any) -> str:
    """A form value in words: 是/否, an address with its division named, a date as 2025年1月2日."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Mapping):
        return address_text(value)
    if isinstance(value, list | tuple):
        return "、".join(format_value(element, v) for v in value)
    text = str(value).strip()
    if element.kind is FieldKind.DATE:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.year}年{day.month}月{day.day}日"
    return text


def address_text(value: Mapping[str, Any]) -> str:
    """``{"division": "210102", "detail": "中山路1号"}`` → ``辽宁省沈阳市和平区中山路1号``."""
    division = str(value.get("division") or "").strip()
    detail = str(value.get("detail") or "").strip()
    named = division_name(division) if division else None
    return f"{named or division}{detail}"


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
    """A file name for 另存为 PDF: ``受理回执_210102004-03-261128-0001-K.pdf`` (no quotation marks)."""
    return f"{TITLES[kind].replace('“', '').replace('”', '')}_{doc.case_number or doc.draft_ref}.pdf"


# --- pieces ---------------------------------------------------------------------------------------


def _hall(hall: HallInfo | None, consult_phone: str, supervise_phone: str) -> HallInfo:
    if hall is not None:
        return hall
    return HallInfo(consult_phone=consult_phone or HOTLINE, supervise_phone=supervise_phone or HOTLINE)


def _doc(detail: CaseDetail, idx: CatalogIndex, hall: HallInfo, clock: Clock, bundle_name: str | None) -> DocCase:
    case = detail.case
    moment = case.decided_at or case.updated_at
    local = clock.local(moment)
    rows = _applying(detail, idx)
    names = {i.item_code: idx.items[i.item_code].name if i.item_code in idx.items else i.item_code for i in rows}
    codes = [i.item_code for i in rows if i.item_code in idx.items]
    with judged_on(local.date()), rules_of(idx):
        checklist = _checklist(idx, case.answers, codes)
        items = tuple(_doc_item(idx, case, i, names) for i in rows)
    bundle = idx.bundles.get(case.bundle_code)
    name, id_number = applicant_of(case.values)
    return DocCase(
        case_number=format_number(case.number) if case.number else "",
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
        decided_at=local,
        catalog_version=case.catalog_version,
        items=items,
        materials=_doc_materials(idx, checklist, rows, detail.materials, names),
        reason=case.reason or "",
        hall=hall,
        applicant_id=id_number or case.applicant_id or "",
        identifiers=_identifiers(idx, case.values),
        delivery_method=str(case.values.get(DELIVERY_METHOD) or ""),
        delivery_address=_address_of(case.values.get(DELIVERY_ADDRESS)),
        draft_ref="" if case.number else str(case.id).split("-", 1)[0].upper(),
    )


@dataclass(frozen=True)
class _DraftItem:
    """An item a draft applies for: the shape of a stored item row, before the decision writes them."""

    item_code: str
    department: str
    applies: bool = True
    promised_days: int | None = None
    promised_date: None = None
    estimated: bool = False


def _applying(detail: CaseDetail, idx: CatalogIndex) -> list[Any]:
    """The stored applying items; for a draft (no rows yet) the items its answers make apply."""
    if detail.items:
        return [i for i in detail.items if i.applies]
    bundle = idx.bundles.get(detail.case.bundle_code)
    if bundle is None:
        return []
    codes = applicable_items(idx, bundle.code, detail.case.answers)
    return [_DraftItem(c, idx.items[c].department, promised_days=idx.items[c].guide.promised_days) for c in codes]


def _department(idx: CatalogIndex, code: str) -> str:
    return idx.departments[code].name if code in idx.departments else code


def _doc_item(idx: CatalogIndex, case: Case, item: Any, names: Mapping[str, str]) -> DocItem:
    known = idx.items.get(item.item_code)
    outcome = item_outcome(case, item) if case.decision is not None else None
    base = DocItem(
        name=names[item.item_code],
        department=_department(idx, item.department),
        promised_days=item.promised_days if item.promised_days is not None else 0,
        promised_date=item.promised_date,
        estimated=item.estimated,
        code=item.item_code,
        outcome=outcome or Decision.ACCEPT,
        outcome_reason=str(getattr(item, "outcome_reason", "") or ""),
        # Where to apply instead (行政许可法 §32(1)(2)), once the store keeps it with a refusal.
        refer_to=str(getattr(item, "outcome_refer_to", "") or ""),
    )
    return base if known is None else _with_guide(idx, case, base, known)


def _with_guide(idx: CatalogIndex, case: Case, base: DocItem, item: Item) -> DocItem:
    """The catalog's side of an item: kind, fee, hotline, grounds, who reviews a refusal, 告知承诺, results.

    The catalog names a 复议机关 / court only where it differs from the hall's own (the settings); an item or a
    department marked ``administrative: false`` (a utility's service) is no administrative act: no review lies."""
    dept = idx.departments.get(item.department)
    guide = item.guide
    administrative = bool(getattr(item, "administrative", True)) and bool(getattr(dept, "administrative", True))
    competent = _department(idx, item.competent_department) if item.competent_department else ""
    return replace(
        base,
        department=competent or base.department,
        competent_organ=competent,
        statutory_days=guide.statutory_days,
        kind=str(guide.kind),
        fee=guide.fee,
        hotline=guide.phone or (dept.hotline if dept and dept.hotline else ""),
        basis=tuple(guide.basis),
        review_organ=item.review_organ or (dept.review_organ if dept and dept.review_organ else ""),
        court=item.court or (dept.court if dept and dept.court else ""),
        reviewable=administrative,
        notify_commit=uses_notify_commit(idx, item.code, case.answers),
        produces=tuple(_result_name(idx, code) for code in item.produces),
    )


def _result_name(idx: CatalogIndex, code: str) -> str:
    if code in idx.materials:
        return idx.materials[code].name
    return idx.elements[code].label if code in idx.elements else code


def _checklist(idx: CatalogIndex, answers: Mapping[str, Any], codes: Sequence[str]) -> dict[str, ChecklistEntry]:
    try:
        return {e.code: e for e in full_checklist(idx, codes, dict(answers))}
    except (KeyError, ValueError):  # answers from an older catalog: fall back to the stored marks
        return {}


def _doc_materials(
    idx: CatalogIndex,
    checklist: Mapping[str, ChecklistEntry],
    applying: Sequence[Any],
    records: Sequence[MaterialRecord],
    names: Mapping[str, str],
) -> tuple[DocMaterial, ...]:
    codes = [i.item_code for i in applying]
    marked = {r.material_code for r in records}
    taken = [_doc_material(idx, r, checklist.get(r.material_code), codes, names) for r in records]
    # Results another item of the case issues are not marked by the clerk: they print as 内部流转.
    internal = [
        _internal_material(idx, entry, codes, names)
        for code, entry in checklist.items()
        if entry.produced_by is not None and code not in marked
    ]
    return tuple(taken + internal)


def _served(item_codes: Sequence[str], applying: Sequence[str], names: Mapping[str, str]) -> tuple[str, ...]:
    served = [c for c in item_codes if c in names]
    return () if set(served) >= set(applying) else tuple(names[c] for c in served)  # all items: 全部事项


def _doc_material(
    idx: CatalogIndex,
    record: MaterialRecord,
    entry: ChecklistEntry | None,
    applying: Sequence[str],
    names: Mapping[str, str],
) -> DocMaterial:
    status = MaterialStatus(str(record.status))
    material = idx.materials.get(record.material_code)
    producer = entry.produced_by if entry is not None else None
    return DocMaterial(
        name=record.name,
        form=_form(status, entry),
        copies=max(1, record.copies or (entry.copies if entry else 0)),
        status=status,
        deadline=record.deadline,
        item_names=_served(record.items, applying, names),
        note=(material.note or "") if material and status in OUTSTANDING else "",
        produced_by=names.get(producer, "") if producer else "",
    )


def _internal_material(
    idx: CatalogIndex, entry: ChecklistEntry, applying: Sequence[str], names: Mapping[str, str]
) -> DocMaterial:
    producer = entry.produced_by or ""
    users = [c for c in entry.item_codes if c != producer]
    return DocMaterial(
        name=entry.material.name,
        form=entry.form,
        copies=max(1, entry.copies),
        status=MaterialStatus.RECEIVED,
        item_names=_served(users, applying, names),
        produced_by=names.get(producer, idx.items[producer].name if producer in idx.items else producer),
    )


def _form(status: MaterialStatus, entry: ChecklistEntry | None) -> MaterialForm:
    """How the material is (or is to be) taken: the checklist's form, or the e-licence that replaced it."""
    if status is MaterialStatus.ELICENCE:
        return MaterialForm.ELICENCE
    if entry is not None:
        return entry.form
    return MaterialForm.ORIGINAL_CHECKED if status is MaterialStatus.CHECKED else MaterialForm.COPY


def _identifiers(idx: CatalogIndex, values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Every ID number and credit code of the form, in full, labelled as the form labels them (transfer slips)."""
    out = []
    for code, value in values.items():
        element = idx.elements.get(code)
        if element is None or not isinstance(value, str) or not value.strip():
            continue
        if element.kind in (FieldKind.ID_NUMBER, FieldKind.USCC) or code.endswith((".id_number", ".uscc")):
            out.append((element.label, value.strip()))
    order = idx.element_order
    return tuple(sorted(out, key=lambda pair: order.get(_code_of(idx, pair[0]), 0)))


def _code_of(idx: CatalogIndex, label: str) -> str:
    return next((e.code for e in idx.catalog.elements if e.label == label), "")


def _address_of(value: Any) -> str:
    if isinstance(value, Mapping):
        return address_text(value)
    return str(value or "").strip()


def _signer(party: str, label: str, fields: Sequence[Any]) -> str:
    """The signature line a party owes on the form ('' none); a signing party is named as the form names it."""
    role = SIGNING_PARTIES.get(party, "")
    if not role:
        return ""
    if role.endswith("（盖章）"):
        return f"{label}（盖章）"
    return label if any(f.code.endswith(".name") for f in fields) else ""
