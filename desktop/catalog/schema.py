"""Pydantic schema of the catalog files under ``resources/catalog/``.

The catalog is data: departments, data elements (shared form fields), materials,
situation questions, items with their service guides, bundles, and the retirement table.
Expressions (``when``, ``required_if``, ``derive``, checks) are strings in the rule language of
:mod:`desktop.catalog.rules`, evaluated by :mod:`desktop.forms.expr`.

Every text has a length limit and every list a size limit, so that a catalog file cannot smuggle in
a 20 MB name; the loader limits file sizes and nesting before this schema sees the data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from desktop.catalog.rules import MAX_RULE_LENGTH
from desktop.catalog.version import version_key

# Text limits: names and labels are one line on a form; texts are a sentence or a paragraph of a guide.
NAME_MAX = 120
TEXT_MAX = 500

Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=TEXT_MAX)]
RuleText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_RULE_LENGTH)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9][0-9-]{2,19}$")]
DepartmentCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}$")]
ItemCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}[0-9]{3}$")]
MaterialCode = Annotated[str, StringConstraints(pattern=r"^[a-z_0-9]{1,64}$")]
ElementCode = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}\.[a-z_0-9]{1,64}$")]
AnswerCode = Annotated[str, StringConstraints(pattern=r"^[a-z_0-9]{1,64}$")]
# What an item produces: a material (``retirement_cert``) or a data element (``enterprise.uscc``).
ResultCode = Annotated[str, StringConstraints(pattern=r"^(?:[a-z_0-9]{1,64}|[a-z_]{1,32}\.[a-z_0-9]{1,64})$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(StrEnum):
    PERSONAL = "个人"
    LEGAL = "法人"


class FieldKind(StrEnum):
    TEXT = "text"
    ID_NUMBER = "id_number"
    USCC = "uscc"
    PHONE = "phone"
    DATE = "date"
    CHOICE = "choice"
    BOOL = "bool"
    MONEY = "money"
    COUNT = "count"
    ADDRESS = "address"


class MaterialForm(StrEnum):
    """How the window takes a material, strongest first."""

    ORIGINAL_KEPT = "原件收"
    ORIGINAL_CHECKED = "原件验"
    COPY = "复印件"
    ELICENCE = "电子证照"


class ItemKind(StrEnum):
    """The item's kind in the 政务服务事项 catalogue; notices word themselves by it (a 行政许可 is refused
    under 《行政许可法》, a 公共服务 or 行政给付 is not a licence)."""

    LICENCE = "行政许可"
    CONFIRMATION = "行政确认"
    BENEFIT = "行政给付"
    FILING = "行政备案"
    AWARD = "行政奖励"
    ADJUDICATION = "行政裁决"
    LEVY = "行政征收"
    OTHER_POWER = "其他行政权力"
    PUBLIC_SERVICE = "公共服务"

    @property
    def is_licence(self) -> bool:
        return self is ItemKind.LICENCE


class Department(Strict):
    code: DepartmentCode
    name: Name
    aliases: list[Name] = Field(default=[], max_length=20)
    # 咨询/投诉 hotline of the department's system (12333 人社, 12393 医保 …); an item's guide.phone overrides it.
    hotline: Phone | None = None
    # Named on a 不予受理通知书: the 复议机关 and the court where they differ from the hall's own (its 本级人民政府
    # and local court, from the settings), e.g. 上一级税务机关 for a vertically led tax office.
    review_organ: Text | None = None
    court: Text | None = None
    # False for a body that is no administrative organ (a power utility): no review or suit lies against its refusal.
    administrative: bool = True


class PartyCopy(Strict):
    """A party whose answers the clerk may copy into this one (同申请人, 同法定代表人): each field takes the
    source's field of the same name; with ``fields``, only the fields it maps (``account_name: name``)."""

    party: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$")]
    fields: dict[Annotated[str, StringConstraints(pattern=r"^[a-z_0-9]{1,64}$")], str] = Field(
        default={}, max_length=50
    )


class Party(Strict):
    """A group of the merged form. ``place`` pins it first or last; otherwise groups follow the order in
    which the bundle's items first ask about them."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$")]
    label: Name
    place: Literal["first", "auto", "last"] = "auto"
    # Parties the form offers to copy from, as 同<label> buttons (Ctrl+D) in this party's group.
    copy_from: list[PartyCopy] = Field(default=[], max_length=10)


class Element(Strict):
    """A shared data element: one field of the merged form, asked once."""

    code: ElementCode
    label: Name
    kind: FieldKind
    options: list[Name] = Field(default=[], max_length=100)
    not_future: bool = False
    derive: RuleText | None = None
    hint: Text | None = None
    # Elements whose value this one may take with one key (同户籍地址: an address copied from another).
    same_as: list[ElementCode] = Field(default=[], max_length=10)
    # A word list of the catalog (``word_lists``) the field proposes as the clerk types (民族, 开户银行).
    suggest: AnswerCode | None = None

    @property
    def party(self) -> str:
        return self.code.split(".", 1)[0]


class Material(Strict):
    code: MaterialCode
    name: Name
    elicence: bool = False
    # The 告知承诺书 of 告知承诺制: only an item that uses 告知承诺 (``notify_commit``) may ask for it.
    notify_commit: bool = False
    note: Text | None = None


class Option(Strict):
    value: AnswerCode
    label: Name


class Question(Strict):
    """A situation question (情形). Items refer to answers by the question's code."""

    code: AnswerCode
    text: Name
    options: list[Option] = Field(min_length=2, max_length=30)
    default: str = Field(max_length=64)


class Guide(Strict):
    """The service guide (办事指南) of one item."""

    kind: ItemKind
    conditions: list[Text] = Field(min_length=1, max_length=30)
    statutory_days: int = Field(ge=0, le=365)
    promised_days: int = Field(ge=0, le=365)
    fee: Text
    delivery: list[Name] = Field(min_length=1, max_length=10)
    basis: list[Text] = Field(min_length=1, max_length=30)
    phone: Phone | None = None


class ItemField(Strict):
    element: ElementCode
    required: bool = True
    when: RuleText | None = None
    required_if: RuleText | None = None


class ItemMaterial(Strict):
    material: MaterialCode
    form: MaterialForm
    copies: int = Field(default=0, ge=0, le=20)
    deferrable: bool = False
    when: RuleText | None = None


class Check(Strict):
    """A cross-field rule: ``expr`` must hold, else ``message`` shows on ``fields``."""

    expr: RuleText
    message: Text
    fields: list[ElementCode] = Field(min_length=1, max_length=20)
    when: RuleText | None = None


class Item(Strict):
    code: ItemCode
    name: Name
    aliases: list[Name] = Field(default=[], max_length=20)
    department: DepartmentCode
    # The organ competent in law where it differs from the department the seed lists (bundle 31), with a note.
    competent_department: DepartmentCode | None = None
    note: Text | None = None
    guide: Guide
    fields: list[ItemField] = Field(min_length=1, max_length=200)
    materials: list[ItemMaterial] = Field(max_length=100)
    checks: list[Check] = Field(default=[], max_length=100)
    # Results this item issues (a material such as ``retirement_cert``, or a data element such as
    # ``enterprise.uscc``): when it applies in a case, the other items get them internally (内部流转).
    produces: list[ResultCode] = Field(default=[], max_length=20)
    # 告知承诺制: true, or a rule over the answers saying when the item is done on the applicant's commitment.
    notify_commit: bool | RuleText = False
    # Override the department's 复议机关 / court for this item; ``administrative: false`` for a service a
    # company renders (a water or gas meter transfer), against which no review lies.
    review_organ: Text | None = None
    court: Text | None = None
    administrative: bool = True


class BundleItem(Strict):
    """An item entry of a bundle; ``listed_*`` keep the seed list's own wording."""

    item: ItemCode
    listed_name: Name | None = None
    listed_department: Name | None = None
    when: RuleText | None = None


class Bundle(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^LNYJS[0-9]{3}$")]
    seq: int = Field(ge=1, le=999)
    name: Name
    category: Category
    lead_departments: list[DepartmentCode] = Field(min_length=1, max_length=10)
    listed_lead_departments: list[Name] | None = Field(default=None, max_length=10)
    questions: list[AnswerCode] = Field(default=[], max_length=30)
    items: list[BundleItem] = Field(min_length=1, max_length=50)
    # Words a clerk may type to find the bundle besides its name (死亡 → 公民身后一件事, 开公司 → 企业开办).
    keywords: list[Name] = Field(default=[], max_length=30)
    note: Text | None = None


class RetirementScheme(Strict):
    """One row of the 2024 NPC decision's table: the original statutory age, the age it rises to, and from which
    birth month it rises by one month per ``birth_months_per_step`` months of birth."""

    code: AnswerCode
    label: Name
    original_age: int = Field(ge=16, le=80)
    target_age: int = Field(ge=16, le=80)
    first_birth_month: Annotated[str, StringConstraints(pattern=r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")]
    birth_months_per_step: int = Field(ge=1, le=24)


class ContributionRule(Strict):
    """Minimum contribution for a monthly pension: ``original_months`` until the year before ``first_year``,
    then ``step_months`` more each year up to ``target_months``."""

    original_months: int = Field(ge=0, le=600)
    target_months: int = Field(ge=0, le=600)
    first_year: int = Field(ge=2000, le=2100)
    step_months: int = Field(ge=1, le=60)


class RetirementTable(Strict):
    """渐进式延迟法定退休年龄 (2024 NPC decision, from 2025-01-01), read by the retirement rule functions."""

    basis: Text
    effective: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    schemes: list[RetirementScheme] = Field(min_length=1, max_length=10)
    # 弹性退休: up to this many months before (never below the original age) or after the statutory age.
    flexible_months: int = Field(ge=0, le=120)
    min_contribution: ContributionRule


class Catalog(Strict):
    version: str = Field(max_length=40)
    source: Text
    departments: list[Department] = Field(max_length=200)
    parties: list[Party] = Field(max_length=100)
    elements: list[Element] = Field(max_length=5000)
    materials: list[Material] = Field(max_length=5000)
    questions: list[Question] = Field(max_length=2000)
    items: list[Item] = Field(max_length=2000)
    bundles: list[Bundle] = Field(max_length=500)
    retirement: RetirementTable | None = None
    # Words a text field proposes (``Element.suggest``), typed by characters or pinyin initials.
    word_lists: dict[AnswerCode, list[Name]] = Field(default={}, max_length=50)

    @field_validator("version")
    @classmethod
    def _version_format(cls, value: str) -> str:
        version_key(value)  # raises a ValueError pydantic reports with the field's path
        return value
