"""Plain data the printed documents are rendered from, independent of the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from desktop.cases.decisions import MaterialStatus
from desktop.catalog.schema import MaterialForm
from desktop.forms.decision import PRESENT

HOTLINE = "12345"

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

TAKEN = PRESENT
OUTSTANDING = frozenset(set(MaterialStatus) - PRESENT)


def status_label(form: MaterialForm, status: MaterialStatus) -> str:
    """The printed 状态 of a material taken (or not) in ``form``."""
    return FORM_STATUS_LABELS.get((form, status)) or STATUS_LABELS[status]


def mask_id_number(number: str) -> str:
    """Keep the first 6 and last 4 characters (``110105********002X``); idempotent."""
    number = number.strip()
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


@dataclass(frozen=True)
class DocItem:
    """One service item of the bundle as printed: who runs it and by when."""

    name: str
    department: str
    promised_days: int
    promised_date: date | None = None
    estimated: bool = False
    statutory_days: int | None = None
    code: str = ""


@dataclass(frozen=True)
class DocMaterial:
    """One material of the merged checklist; ``item_names`` empty means it serves every item."""

    name: str
    form: MaterialForm
    copies: int = 1
    status: MaterialStatus = MaterialStatus.RECEIVED
    deadline: date | None = None
    item_names: tuple[str, ...] = ()
    note: str = ""

    def serves(self, item_name: str) -> bool:
        return not self.item_names or item_name in self.item_names


@dataclass(frozen=True)
class DocCase:
    """Everything any printed document shows about one case. The ID number is stored masked only."""

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
    decided_at: datetime
    catalog_version: str
    items: tuple[DocItem, ...] = ()
    materials: tuple[DocMaterial, ...] = ()
    reject_reason: str = ""
    consult_phone: str = HOTLINE
    supervise_phone: str = HOTLINE

    def __post_init__(self) -> None:
        # Masking here means a full ID number can never reach paper, whatever the caller passed.
        object.__setattr__(self, "applicant_id_masked", mask_id_number(self.applicant_id_masked))

    @property
    def departments(self) -> tuple[str, ...]:
        """Departments in the order their first item appears."""
        return tuple(dict.fromkeys(item.department for item in self.items))

    def items_of(self, department: str) -> tuple[DocItem, ...]:
        return tuple(item for item in self.items if item.department == department)

    def materials_for(self, items: tuple[DocItem, ...]) -> tuple[DocMaterial, ...]:
        names = {item.name for item in items}
        return tuple(m for m in self.materials if not m.item_names or names & set(m.item_names))

    @property
    def taken(self) -> tuple[DocMaterial, ...]:
        return tuple(m for m in self.materials if m.status in TAKEN)

    @property
    def outstanding(self) -> tuple[DocMaterial, ...]:
        return tuple(m for m in self.materials if m.status in OUTSTANDING)

    @property
    def deferred(self) -> tuple[DocMaterial, ...]:
        return tuple(m for m in self.materials if m.status == MaterialStatus.DEFERRED)
