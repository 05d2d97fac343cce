"""What the clerk may copy within one merged form: 同申请人 / 同法定代表人 (a party's fields from another party's)
and 同户籍地址 (one element from another), as the catalog says (``Party.copy_from``, ``Element.same_as``).

Only fields of the current form take part: a source field the form does not ask is skipped, and a derived field
is never written (its rule fills it).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from desktop.forms.session import IntakeSession
from desktop.forms.validate import is_empty


@dataclass(frozen=True)
class CopyOption:
    label: str  # 同申请人, 同户籍地址
    party: str  # the party whose group shows the button
    pairs: tuple[tuple[str, str], ...]  # (target element, source element), in form order
    element: str | None = None  # an element's own 同… (same_as); None for a whole party's

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(t for t, _s in self.pairs)


def copy_options(session: IntakeSession) -> list[CopyOption]:
    """Every copy the current form offers: elements' own first, then whole parties', in form order."""
    idx = session.idx
    fields = [f for f in session.form.fields]
    present = {f.code for f in fields}
    writable = [f.code for f in fields if f.element.derive is None]
    parties = {p.code: p for p in idx.catalog.parties}
    options: list[CopyOption] = []
    for f in fields:
        for other in f.element.same_as:
            if other in present and f.element.derive is None:
                label = idx.elements[other].label
                options.append(CopyOption(f"同{label}", f.element.party, ((f.code, other),), f.code))
    for party in dict.fromkeys(code.split(".", 1)[0] for code in writable):
        spec = parties.get(party)
        for source in spec.copy_from if spec else ():
            pairs = []
            for code in writable:
                own, suffix = code.split(".", 1)
                if own != party or (source.fields and suffix not in source.fields):
                    continue  # a map names every field it copies; without one, fields copy by name
                origin = f"{source.party}.{source.fields.get(suffix, suffix)}"
                if origin in present:
                    pairs.append((code, origin))
            if pairs and source.party in parties:
                options.append(CopyOption(f"同{parties[source.party].label}", party, tuple(pairs)))
    return options


def copied_values(session: IntakeSession, option: CopyOption) -> dict[str, Any]:
    """The values ``option`` writes: each source field's value where it has one (empty sources change nothing)."""
    values = session.values
    return {t: copy.deepcopy(values[s]) for t, s in option.pairs if not is_empty(values.get(s))}


def option_at(options: list[CopyOption], code: str) -> CopyOption | None:
    """The copy Ctrl+D makes in field ``code``: the field's own 同… first, else its party's first."""
    own = next((o for o in options if o.element == code), None)
    if own is not None:
        return own
    party = code.split(".", 1)[0]
    return next((o for o in options if o.element is None and o.party == party and code in o.targets), None)
