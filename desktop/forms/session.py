"""One intake in progress: answers, typed values and material marks, and everything derived from them.

The UI edits an :class:`IntakeSession` and re-reads its views; the session is plain data, so a draft
is just :meth:`IntakeSession.to_draft` and crash recovery is :meth:`IntakeSession.from_draft`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from functools import cached_property
from typing import Any

from desktop.cases.clock import Clock
from desktop.cases.decisions import DecisionInput, ItemEntry, MaterialEntry, MaterialStatus
from desktop.cases.workdays import WorkCalendar
from desktop.catalog.index import CatalogIndex
from desktop.forms import validate
from desktop.forms.checklist import ChecklistEntry, deferral_limit, merge_checklist
from desktop.forms.decision import Assessment, Mark
from desktop.forms.expr import judged_on, rules_of
from desktop.forms.merge import MergedForm, merge_form
from desktop.forms.normalize import normalize_value
from desktop.forms.situations import Applicability, applicability, full_answers


class IntakeSession:
    """The state of one intake. Values typed into fields that stop applying are kept (not submitted),
    so changing an answer back restores them."""

    def __init__(
        self,
        idx: CatalogIndex,
        bundle_code: str,
        answers: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        marks: Mapping[str, Mark] | None = None,
        *,
        clock: Clock,
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.idx = idx
        self.clock = clock
        self.calendar = calendar or WorkCalendar()
        self.bundle = idx.bundles[bundle_code]
        defaults = full_answers(idx, {})
        self.answers = {q: defaults[q] for q in self.bundle.questions}
        self.answers.update({k: v for k, v in (answers or {}).items() if k in self.answers})
        self.values: dict[str, Any] = {k: normalize_value(v) for k, v in (values or {}).items()}
        self.marks: dict[str, Mark] = dict(marks or {})

    # -- derived views (recomputed after each change) ----------------------------------------------------------

    @contextmanager
    def _rules(self) -> Iterator[None]:
        """Rules are judged on the hall's date, against this catalog's tables (retirement ages, …)."""
        with judged_on(self.clock.today()), rules_of(self.idx):
            yield

    def _invalidate(self, *names: str) -> None:
        for name in names or ("applicability", "form", "checklist", "_effective", "_errors"):
            self.__dict__.pop(name, None)

    @cached_property
    def applicability(self) -> list[Applicability]:
        with self._rules():
            return applicability(self.idx, self.bundle.code, self.answers)

    @property
    def items(self) -> list[str]:
        return [a.item_code for a in self.applicability if a.applies]

    @cached_property
    def form(self) -> MergedForm:
        with self._rules():
            return merge_form(self.idx, self.items, self.answers, self.values)

    @cached_property
    def checklist(self) -> list[ChecklistEntry]:
        with self._rules():
            return merge_checklist(self.idx, self.items, self.answers)

    @cached_property
    def _effective(self) -> dict[str, Any]:
        merged = dict(self.values)
        with self._rules():
            merged.update(validate.derived_values(self.idx, self.form, self.values))
        return merged

    @cached_property
    def _errors(self) -> dict[str, str]:
        with self._rules():
            return validate.errors(self.idx, self.form, self.answers, self._effective, self.clock.today())

    def effective_values(self) -> dict[str, Any]:
        """Typed values with derived ones (birth date and sex from an ID number, …) filled in."""
        return self._effective

    def errors(self) -> dict[str, str]:
        """Field errors by element code, in form order (cached until the next edit)."""
        return self._errors

    def decision_input(self, reason: str | None = None) -> DecisionInput:
        """What the store will be asked to record, for the one decision rule (outcomes not yet set)."""
        today = self.clock.today()
        return DecisionInput(self.item_entries(today), self.material_entries(today), self.errors(), reason)

    def assessment(self, reason: str | None = None) -> Assessment:
        """The decision rule on what would be recorded now (with the 不予受理 reason or defects typed so far)."""
        unchecked = tuple(e.code for e in self.checklist if self.mark(e.code).status is None)
        return Assessment(self.decision_input(reason), unchecked)

    def submitted_values(self) -> dict[str, Any]:
        """Only what the merged form asks now: values of fields that stopped applying are not sent."""
        values = self.effective_values()
        return {f.code: values[f.code] for f in self.form.fields if not validate.is_empty(values.get(f.code))}

    # -- edits ---------------------------------------------------------------------------------------------------

    def set_answer(self, question: str, value: str) -> None:
        if question not in self.answers:
            raise KeyError(question)
        if value not in {o.value for o in self.idx.questions[question].options}:
            raise ValueError(f"{value!r} is not an option of {question}")
        self.answers[question] = value
        self._invalidate()

    def set_value(self, code: str, value: Any) -> None:
        self.values[code] = normalize_value(value)
        # Field rules may read values (visible-if on another field), so the form is recomputed.
        self._invalidate("form", "_effective", "_errors")

    def set_mark(self, material: str, mark: Mark) -> None:
        self.marks[material] = mark

    def mark(self, material: str) -> Mark:
        return self.marks.setdefault(material, Mark())

    # -- persistence ---------------------------------------------------------------------------------------------

    def to_draft(self) -> dict[str, Any]:
        return {
            "answers": dict(self.answers),
            "values": dict(self.values),
            "marks": {code: asdict(mark) for code, mark in self.marks.items()},
        }

    @classmethod
    def from_draft(cls, idx: CatalogIndex, bundle_code: str, data: Mapping[str, Any], *, clock: Clock) -> IntakeSession:
        marks = {}
        for code, raw in dict(data.get("marks") or {}).items():
            status = raw.get("status")
            marks[code] = Mark(
                status=MaterialStatus(status) if status else None,
                copies=int(raw.get("copies") or 0),
                deadline_days=raw.get("deadline_days"),
                attachments=list(raw.get("attachments") or []),
            )
        return cls(idx, bundle_code, data.get("answers"), data.get("values"), marks, clock=clock)

    # -- what a decision records ---------------------------------------------------------------------------------

    def item_entries(self, today: dt.date) -> list[ItemEntry]:
        entries = []
        for a in self.applicability:
            item = self.idx.items[a.item_code]
            deadline = self.calendar.add_working_days(today, item.guide.promised_days) if a.applies else None
            entries.append(
                ItemEntry(
                    item_code=item.code,
                    applies=a.applies,
                    department=item.department,
                    reason="；".join(a.reasons),
                    promised_days=item.guide.promised_days,
                    promised_date=deadline.date if deadline else None,
                    estimated=bool(deadline and deadline.estimated),
                )
            )
        return entries

    def deferral_limit(self, material: str) -> int:
        entry = next(e for e in self.checklist if e.code == material)
        return deferral_limit(self.idx, entry)

    def material_entries(self, today: dt.date, *, marked_only: bool = False) -> list[MaterialEntry]:
        """The checklist as the store records it; an unmarked row counts as missing
        (``marked_only`` leaves unmarked rows out, for drafts)."""
        entries = []
        for entry in self.checklist:
            mark = self.mark(entry.code)
            if marked_only and mark.status is None:
                continue
            status = mark.status or MaterialStatus.MISSING
            deadline = None
            if status is MaterialStatus.DEFERRED and mark.deadline_days:
                days = min(mark.deadline_days, self.deferral_limit(entry.code))
                deadline = self.calendar.add_working_days(today, days).date
            entries.append(
                MaterialEntry(
                    material_code=entry.code,
                    name=entry.material.name,
                    status=status,
                    copies=mark.copies,
                    deadline=deadline,
                    items=list(entry.item_codes),
                    deferrable=entry.deferrable,
                    elicence_ok=bool(entry.material.elicence),
                )
            )
        return entries


def marks_from_records(records: Iterable[Any], today: dt.date, calendar: WorkCalendar) -> dict[str, Mark]:
    """Marks back from stored material records (a draft or a reopened case)."""
    marks = {}
    for r in records:
        days = calendar.working_days_between(today, r.deadline) if r.deadline else None
        marks[r.material_code] = Mark(MaterialStatus(r.status), int(r.copies or 0), days or None)
    return marks
