"""Situation answers decide which items of a bundle apply, and say why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import Question
from desktop.forms.expr import parse

Answers = Mapping[str, str]


@dataclass(frozen=True)
class Applicability:
    """Whether one bundle item applies under the current answers, and the answers that decided it."""

    item_code: str
    applies: bool
    reasons: tuple[str, ...]


def questions_of(idx: CatalogIndex, bundle_code: str) -> list[Question]:
    return [idx.questions[q] for q in idx.bundles[bundle_code].questions]


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
    for entry in idx.bundles[bundle_code].items:
        if entry.when is None:
            result.append(Applicability(entry.item, True, ("本一件事必办事项",)))
            continue
        expr = parse(entry.when)
        applies = bool(expr(full, {}))
        reasons = tuple(
            f"「{idx.questions[q].text}」答「{answer_label(idx, q, full[q])}」" for q in sorted(expr.answers)
        )
        result.append(Applicability(entry.item, applies, reasons))
    return result


def applicable_items(idx: CatalogIndex, bundle_code: str, answers: Answers) -> list[str]:
    return [a.item_code for a in applicability(idx, bundle_code, answers) if a.applies]
