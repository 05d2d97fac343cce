"""One material checklist (一套材料): each shared material listed once, with what each item needs.

A material another item of the same case issues (the 出生医学证明 of 出生医学证明办理, the 退休证 of a
retirement, the 营业执照 of 企业设立登记) is not asked of the applicant: it flows internally (内部流转).
:func:`merge_checklist` is what the clerk marks; :func:`full_checklist` adds the internal rows, for showing
and printing; :func:`item_flow` puts the case's items in the order their results let them run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import Material, MaterialForm
from desktop.forms.expr import holds, rules_of
from desktop.forms.situations import Answers, full_answers, producers

_STRENGTH = {form: n for n, form in enumerate(MaterialForm)}


@dataclass(frozen=True)
class Need:
    """What one item asks of a material."""

    item_code: str
    form: MaterialForm
    copies: int
    deferrable: bool


@dataclass(frozen=True)
class ChecklistEntry:
    material: Material
    needs: tuple[Need, ...]
    # The item of this case that issues the material, when one does: the row is 内部流转, not asked of the
    # applicant and not marked by the clerk.
    produced_by: str | None = None

    @property
    def code(self) -> str:
        return self.material.code

    @property
    def internal(self) -> bool:
        return self.produced_by is not None

    @property
    def form(self) -> MaterialForm:
        """The strongest form any item asks for: a kept original also serves a check or a copy."""
        return min((n.form for n in self.needs), key=_STRENGTH.__getitem__)

    @property
    def copies(self) -> int:
        # One set of materials: the window scans and shares, so the largest count serves all items.
        return max(n.copies for n in self.needs)

    @property
    def deferrable(self) -> bool:
        """容缺 only when every item needing it allows it."""
        return all(n.deferrable for n in self.needs)

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(n.item_code for n in self.needs)


def full_checklist(idx: CatalogIndex, item_codes: Sequence[str], answers: Answers) -> list[ChecklistEntry]:
    """Every material the case's items need, internal rows (``produced_by`` set) included, in the order the
    items first ask for them."""
    full = full_answers(idx, answers)
    needs: dict[str, list[Need]] = {}
    with rules_of(idx):
        for code in item_codes:
            for m in idx.items[code].materials:
                if holds(m.when, full):
                    needs.setdefault(m.material, []).append(Need(code, m.form, m.copies, m.deferrable))
    issued = producers(idx, item_codes)
    return [ChecklistEntry(idx.materials[code], tuple(n), issued.get(code)) for code, n in needs.items()]


def merge_checklist(idx: CatalogIndex, item_codes: Sequence[str], answers: Answers) -> list[ChecklistEntry]:
    """The checklist the clerk marks: what the applicant brings (internal rows left out)."""
    return [e for e in full_checklist(idx, item_codes, answers) if not e.internal]


def internal_label(idx: CatalogIndex, entry: ChecklistEntry) -> str:
    """How an internal row reads on screen and paper: 内部流转（由「出生医学证明办理」产生）."""
    if entry.produced_by is None:
        raise ValueError(f"{entry.code} is asked of the applicant, not produced in the case")
    return f"内部流转（由「{idx.items[entry.produced_by].name}」产生）"


def deferral_limit(idx: CatalogIndex, entry: ChecklistEntry) -> int:
    """The longest 容缺 deadline in working days: never past the shortest promised time limit."""
    days = [idx.items[code].guide.promised_days for code in entry.item_codes]
    return max(1, min(days))


@dataclass(frozen=True)
class Handoff:
    """One result passed inside a case: ``result`` (a material or data element code) from one item to another."""

    result: str
    from_item: str
    to_item: str


@dataclass(frozen=True)
class ItemFlow:
    """One item of a case in dependency order, with the results it waits for and the ones it passes on."""

    item_code: str
    department: str
    receives: tuple[Handoff, ...]
    passes: tuple[Handoff, ...]


def item_flow(idx: CatalogIndex, item_codes: Sequence[str], answers: Answers) -> list[ItemFlow]:
    """The case's items so that every item comes after the items whose results it receives (for the transfer
    slips: which department goes first and what it hands to whom). Items that wait for nothing keep the bundle's
    order."""
    full = full_answers(idx, answers)
    issued = producers(idx, item_codes)
    handoffs: list[Handoff] = []
    with rules_of(idx):
        for code in item_codes:
            item = idx.items[code]
            wanted = [m.material for m in item.materials if holds(m.when, full)]
            wanted += [f.element for f in item.fields if holds(f.when, full)]
            for result in dict.fromkeys(wanted):
                source = issued.get(result)
                if source is not None and source != code:
                    handoffs.append(Handoff(result, source, code))
    waits = {code: {h.from_item for h in handoffs if h.to_item == code} for code in item_codes}
    order: list[str] = []
    while len(order) < len(item_codes):
        ready = [c for c in item_codes if c not in order and waits[c] <= set(order)]
        # A production cycle (refused by the catalog check) cannot block the slips: the rest keep bundle order.
        order += ready[:1] or [c for c in item_codes if c not in order]
    return [
        ItemFlow(
            code,
            idx.items[code].department,
            tuple(h for h in handoffs if h.to_item == code),
            tuple(h for h in handoffs if h.from_item == code),
        )
        for code in order
    ]
