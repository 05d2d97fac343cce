"""Plain data the printed documents are rendered from, independent of the store and of the catalog's schema.

Everything a document says comes in here as plain values; a value the catalog or the settings do not give yet is
an empty string (or tuple), and every document has a sensible wording for it being absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import Decision
from desktop.catalog.schema import MaterialForm
from desktop.forms.decision import PRESENT

HOTLINE = "12345"
LICENSING = "行政许可"  # the guide kind whose notices follow 《行政许可法》

# What the 状态 column prints: fuller words than the window's short marks (desktop.cases.decisions).
STATUS_LABELS: dict[MaterialStatus, str] = {
    MaterialStatus.RECEIVED: "已收取",
    MaterialStatus.CHECKED: "已核验",
    MaterialStatus.ELICENCE: "电子证照免提交",
    MaterialStatus.MISSING: "缺少",
    MaterialStatus.DEFERRED: "容缺后补",
}

# A taken material printed in words that fit how it was taken: a kept original or a copy is received, not only checked.
FORM_STATUS_LABELS: dict[tuple[MaterialForm, MaterialStatus], str] = {
    (MaterialForm.ORIGINAL_KEPT, MaterialStatus.RECEIVED): "已收取原件",
    (MaterialForm.ORIGINAL_KEPT, MaterialStatus.CHECKED): "已收取原件",
    (MaterialForm.COPY, MaterialStatus.CHECKED): "已收取",
}

OUTCOME_LABELS: dict[Decision, str] = {
    Decision.ACCEPT: "受理",
    Decision.DEFER: "容缺受理",
    Decision.NOTIFY: "一次性告知补正",
    Decision.REJECT: "不予受理",
}

TAKEN = PRESENT
OUTSTANDING = frozenset(set(MaterialStatus) - PRESENT)
ACCEPTED = frozenset({Decision.ACCEPT, Decision.DEFER})


def status_label(form: MaterialForm, status: MaterialStatus) -> str:
    """The printed 状态 of a material taken (or not) in ``form``."""
    return FORM_STATUS_LABELS.get((form, status)) or STATUS_LABELS[status]


def mask_id_number(number: str) -> str:
    """Keep the first 6 and last 4 characters (``110105********002X``); idempotent."""
    number = number.strip()
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def internal_label(m: DocMaterial) -> str:
    """``内部流转（由「出生医学证明办理」产生）``: a result passed on, in place of a 收取 status."""
    return f"内部流转（由「{m.produced_by}」产生）"


def fee_label(fee: str) -> str:
    """The guide's fee as a receipt prints it: ``不收费…`` reads ``免费…``; unknown is ``—``."""
    fee = fee.strip()
    if not fee:
        return "—"
    return "免费" + fee.removeprefix("不收费") if fee.startswith("不收费") else fee


@dataclass(frozen=True)
class HallInfo:
    """What the hall prints on every document: the profile's standing settings, not per case."""

    consult_phone: str = HOTLINE
    supervise_phone: str = HOTLINE
    address: str = ""  # the center's address: where to collect results, supply materials, post them
    hours: str = ""  # opening hours
    review_organ: str = ""  # 复议机关 when the catalog names none for an item
    court: str = ""  # the court for 行政诉讼 when the catalog names none
    receipt_base_url: str = ""  # https prefix of the receipt QR link; empty: the app-only payload


@dataclass(frozen=True)
class DocItem:
    """One service item of the bundle as printed: who runs it, by when, and what the window decided for it."""

    name: str
    department: str
    promised_days: int
    promised_date: date | None = None
    estimated: bool = False
    statutory_days: int | None = None
    code: str = ""
    outcome: Decision = Decision.ACCEPT  # the item's 办理结果 at the window
    outcome_reason: str = ""  # why refused, or what it lacks beyond missing materials
    kind: str = ""  # the guide's 事项类型: 行政许可, 公共服务, 行政给付 … ('' unknown)
    fee: str = ""  # the guide's 收费 text ('' unknown)
    hotline: str = ""  # the item's consult phone ('' none: the hall's is printed)
    basis: tuple[str, ...] = ()  # 设定依据
    review_organ: str = ""  # 复议机关 for this item ('' : the hall's)
    court: str = ""  # court for this item ('' : the hall's)
    reviewable: bool = True  # False: the department is no administrative organ (a utility), no review lies
    notify_commit: bool = False  # 告知承诺制: the applicant commits instead of proving a condition
    refer_to: str = ""  # the organ to apply to when the matter is not this organ's (行政许可法 §32(1)(2))
    produces: tuple[str, ...] = ()  # results of this item passed on internally (结果互认)
    # The organ competent in law where the catalog names one other than the listed department (bundle 31): it is
    # the 承办部门, and notices about the item are issued in its name, the center acting on its entrustment.
    competent_organ: str = ""

    @property
    def accepted(self) -> bool:
        """受理 or 容缺受理: the departments start work on it."""
        return self.outcome in ACCEPTED

    @property
    def licensing(self) -> bool:
        return self.kind == LICENSING


@dataclass(frozen=True)
class DocMaterial:
    """One material of the merged checklist; ``item_names`` empty means it serves every item.

    ``produced_by`` names the item of this case whose result it is: it flows between departments (内部流转) and is
    never asked of the applicant."""

    name: str
    form: MaterialForm
    copies: int = 1
    status: MaterialStatus = MaterialStatus.RECEIVED
    deadline: date | None = None
    item_names: tuple[str, ...] = ()
    note: str = ""
    produced_by: str = ""

    def serves(self, item_name: str) -> bool:
        return not self.item_names or item_name in self.item_names

    @property
    def status_text(self) -> str:
        """The printed 状态: how it was taken, or that it flows internally."""
        return internal_label(self) if self.produced_by else status_label(self.form, self.status)


@dataclass(frozen=True)
class ResultFlow:
    """An item's result passed on to the departments whose items need it (内部流转 / 结果互认)."""

    result: str
    from_item: str
    from_department: str
    to_items: tuple[str, ...]
    to_departments: tuple[str, ...]


@dataclass(frozen=True)
class FormGroup:
    """One group of the merged form as printed: its title, its (label, value) rows, and who signs for it.

    ``signer`` is the role printed on a signature line ('' : the group signs nothing, e.g. 结果送达)."""

    title: str
    rows: tuple[tuple[str, str], ...]
    signer: str = ""


@dataclass(frozen=True)
class DocCase:
    """Everything any printed document shows about one case.

    ``applicant_id_masked`` is masked whatever the caller passed; the full ``applicant_id`` and ``identifiers`` are
    printed only where they must be: the receiving department's transfer slip and the signed application form.
    ``case_number`` is empty for a draft (the application form prints 待受理)."""

    case_number: str
    query_code: str
    bundle_name: str
    bundle_code: str
    applicant_name: str
    applicant_id_masked: str
    phone: str
    center_name: str
    division_code: str
    window: str
    clerk: str
    decided_at: datetime  # on the hall's wall clock (aware, in the hall's zone): its date is the business date
    catalog_version: str
    items: tuple[DocItem, ...] = ()
    materials: tuple[DocMaterial, ...] = ()
    reason: str = ""  # the case's 不予受理 reason, or other defects told at once with a 一次性告知
    hall: HallInfo = field(default_factory=HallInfo)
    applicant_id: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # every ID number / credit code of the form, by label
    delivery_method: str = ""  # 窗口领取 / 邮寄送达 / 电子送达 ('' not asked)
    delivery_address: str = ""
    draft_ref: str = ""  # a draft's reference, printed where the number will stand
    form: tuple[FormGroup, ...] = ()  # the merged form as printed on the 联办申请表

    def __post_init__(self) -> None:
        # Masking here means a full ID number can never reach a citizen's paper, whatever the caller passed.
        masked = mask_id_number(self.applicant_id_masked or self.applicant_id)
        object.__setattr__(self, "applicant_id_masked", masked)

    # -- who issues ----------------------------------------------------------------------------------------------

    def issuer_for(self, items: Sequence[DocItem]) -> str:
        """The name a notice about ``items`` is issued in: their competent organ when the catalog names one for all
        of them (the center acts on its entrustment, 受委托), else the center."""
        organs = {item.competent_organ.strip() for item in items}
        if len(organs) == 1 and (organ := organs.pop()):
            return organ
        return self.center_name

    # -- items by outcome ----------------------------------------------------------------------------------------

    def items_with(self, *outcomes: Decision) -> tuple[DocItem, ...]:
        return tuple(item for item in self.items if item.outcome in outcomes)

    @property
    def accepted_items(self) -> tuple[DocItem, ...]:
        return tuple(item for item in self.items if item.accepted)

    @property
    def notified_items(self) -> tuple[DocItem, ...]:
        return self.items_with(Decision.NOTIFY)

    @property
    def refused_items(self) -> tuple[DocItem, ...]:
        return self.items_with(Decision.REJECT)

    @property
    def departments(self) -> tuple[str, ...]:
        """Departments of the accepted items, in the order their first item appears (one transfer slip each)."""
        return tuple(dict.fromkeys(item.department for item in self.accepted_items))

    def items_of(self, department: str) -> tuple[DocItem, ...]:
        return tuple(item for item in self.accepted_items if item.department == department)

    # -- materials -----------------------------------------------------------------------------------------------

    def materials_for(self, items: tuple[DocItem, ...]) -> tuple[DocMaterial, ...]:
        names = {item.name for item in items}
        return tuple(m for m in self.materials if not m.item_names or names & set(m.item_names))

    @property
    def internal(self) -> tuple[DocMaterial, ...]:
        """Results of this case's items that other items use: passed on between departments, never asked for."""
        return tuple(m for m in self.materials if m.produced_by)

    @property
    def taken(self) -> tuple[DocMaterial, ...]:
        return tuple(m for m in self.materials if m.status in TAKEN and not m.produced_by)

    @property
    def outstanding(self) -> tuple[DocMaterial, ...]:
        """What the applicant still owes: missing or deferred, internal results excepted."""
        return tuple(m for m in self.materials if m.status in OUTSTANDING and not m.produced_by)

    @property
    def deferred(self) -> tuple[DocMaterial, ...]:
        return tuple(m for m in self.outstanding if m.status == MaterialStatus.DEFERRED)

    def lacking(self, item: DocItem) -> tuple[DocMaterial, ...]:
        """What ``item`` still needs of the applicant: its outstanding materials."""
        return tuple(m for m in self.outstanding if m.serves(item.name))

    # -- internal result flow ------------------------------------------------------------------------------------

    @property
    def flows(self) -> tuple[ResultFlow, ...]:
        """Each result an accepted item of this case produces that another accepted item needs, with who needs it."""
        by_name = {item.name: item for item in self.accepted_items}  # only work that goes ahead passes results
        out = []
        for m in self.materials:
            source = by_name.get(m.produced_by)
            if source is None:
                continue
            users = [by_name[n] for n in (m.item_names or tuple(by_name)) if n in by_name and n != source.name]
            if users:
                departments = tuple(dict.fromkeys(u.department for u in users))
                out.append(
                    ResultFlow(m.name, source.name, source.department, tuple(u.name for u in users), departments)
                )
        return tuple(out)
