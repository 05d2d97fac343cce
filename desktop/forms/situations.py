"""Situation answers decide which items of a bundle apply, and say why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop.catalog.index import CatalogIndex
from desktop.forms.expr import holds, parse, rules_of

Answers = Mapping[str, str]


@dataclass(frozen=True)
class Applicability:
    """Whether one bundle item applies under the current answers, and the answers that decided it."""

    item_code: str
    applies: bool
    reasons: tuple[str, ...]


def full_answers(idx: CatalogIndex, answers: Answers) -> dict[str, str]:
    """Every question's answer: the given ones over each question's default."""
    full = {q.code: q.default for q in idx.catalog.questions}
    full.update({k: v for k, v in answers.items() if k in full})
    return full


def answer_label(idx: CatalogIndex, question: str, value: str) -> str:
    for option in idx.questions[question].options:
        if option.value == value:
            return option.label
    return value


def applicability(idx: CatalogIndex, bundle_code: str, answers: Answers) -> list[Applicability]:
    full = full_answers(idx, answers)
    result = []
    with rules_of(idx):
        for entry in idx.bundles[bundle_code].items:
            if entry.when is None:
                result.append(Applicability(entry.item, True, ("本一件事必办事项",)))
                continue
            expr = parse(entry.when)
            reasons = tuple(
                f"「{idx.questions[q].text}」答「{answer_label(idx, q, full[q])}」" for q in sorted(expr.answers)
            )
            result.append(Applicability(entry.item, bool(expr(full, {})), reasons))
    return result


def applicable_items(idx: CatalogIndex, bundle_code: str, answers: Answers) -> list[str]:
    return [a.item_code for a in applicability(idx, bundle_code, answers) if a.applies]


def producers(idx: CatalogIndex, item_codes: Sequence[str]) -> dict[str, str]:
    """Result code (a material or data element) → the item of ``item_codes`` that issues it in this case
    (the first in bundle order when several could). The other items receive it internally (内部流转)."""
    found: dict[str, str] = {}
    for code in item_codes:
        for result in idx.items[code].produces:
            found.setdefault(result, code)
    return found


def uses_notify_commit(idx: CatalogIndex, item_code: str, answers: Answers) -> bool:
    """Whether the item is done under 告知承诺制 in this situation (notices then use its wording)."""
    flag = idx.items[item_code].notify_commit
    if isinstance(flag, bool):
        return flag
    with rules_of(idx):
        return holds(flag, full_answers(idx, answers))
