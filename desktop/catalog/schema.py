"""Pydantic schema of the catalog files under ``resources/catalog/``.

The catalog is data: departments, data elements (shared form fields), materials,
situation questions, items with their service guides, and bundles. Expressions
(``when``, ``visible_if``, ``required_if``, ``derive``, checks) are strings in the
safe expression language of :mod:`desktop.forms.expr`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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


class Department(Strict):
    code: str = Field(pattern=r"^[A-Z]{2,4}$")
    name: str
    aliases: list[str] = []


class Party(Strict):
    """A group of the merged form. ``place`` pins it first or last; otherwise groups follow the order in
    which the bundle's items first ask about them."""

    code: str = Field(pattern=r"^[a-z_]+$")
    label: str
    place: Literal["first", "auto", "last"] = "auto"


class Element(Strict):
    """A shared data element: one field of the merged form, asked once."""

    code: str = Field(pattern=r"^[a-z_]+\.[a-z_0-9]+$")
    label: str
    kind: FieldKind
    options: list[str] = []
    not_future: bool = False
    derive: str | None = None
    hint: str | None = None

    @property
    def party(self) -> str:
        return self.code.split(".", 1)[0]


class Material(Strict):
    code: str = Field(pattern=r"^[a-z_0-9]+$")
    name: str
    elicence: bool = False
    note: str | None = None


class Option(Strict):
    value: str = Field(pattern=r"^[a-z_0-9]+$")
    label: str


class Question(Strict):
    """A situation question (情形). Items refer to answers by the question's code."""

    code: str = Field(pattern=r"^[a-z_0-9]+$")
    text: str
    options: list[Option] = Field(min_length=2)
    default: str


class Guide(Strict):
    """The service guide (办事指南) of one item."""

    kind: str
    conditions: list[str] = Field(min_length=1)
    statutory_days: int = Field(ge=0)
    promised_days: int = Field(ge=0)
    fee: str
    delivery: list[str] = Field(min_length=1)
    basis: list[str] = Field(min_length=1)
    phone: str | None = None


class ItemField(Strict):
    element: str
    required: bool = True
    when: str | None = None
    required_if: str | None = None


class ItemMaterial(Strict):
    material: str
    form: MaterialForm
    copies: int = Field(default=0, ge=0)
    deferrable: bool = False
    when: str | None = None


class Check(Strict):
    """A cross-field rule: ``expr`` must hold, else ``message`` shows on ``fields``."""

    expr: str
    message: str
    fields: list[str] = Field(min_length=1)
    when: str | None = None


class Item(Strict):
    code: str = Field(pattern=r"^[A-Z]{2,4}\d{3}$")
    name: str
    aliases: list[str] = []
    department: str
    guide: Guide
    fields: list[ItemField] = Field(min_length=1)
    materials: list[ItemMaterial]
    checks: list[Check] = []


class BundleItem(Strict):
    """An item entry of a bundle; ``listed_*`` keep the seed list's own wording."""

    item: str
    listed_name: str | None = None
    listed_department: str | None = None
    when: str | None = None


class Bundle(Strict):
    code: str = Field(pattern=r"^LNYJS\d{3}$")
    seq: int = Field(ge=1)
    name: str
    category: Category
    lead_departments: list[str] = Field(min_length=1)
    listed_lead_departments: list[str] | None = None
    questions: list[str] = []
    items: list[BundleItem] = Field(min_length=1)
    note: str | None = None


class Catalog(Strict):
    version: str
    source: str
    departments: list[Department]
    parties: list[Party]
    elements: list[Element]
    materials: list[Material]
    questions: list[Question]
    items: list[Item]
    bundles: list[Bundle]
