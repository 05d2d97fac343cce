"""Cross-record checks that the schema alone cannot express.

:func:`problems` returns every error at once (a maintainer fixes them in one pass).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import Bundle, Catalog, Item
from desktop.forms.expr import ExprError, parse


def _duplicates(kind: str, codes: Iterable[str]) -> Iterator[str]:
    for code, count in Counter(codes).items():
        if count > 1:
            yield f"duplicate {kind} code {code!r} ({count} times)"


def problems(catalog: Catalog) -> list[str]:
    idx = CatalogIndex(catalog)
    errors: list[str] = []
    for kind, records in (
        ("department", catalog.departments),
        ("party", catalog.parties),
        ("element", catalog.elements),
        ("material", catalog.materials),
        ("question", catalog.questions),
        ("item", catalog.items),
        ("bundle", catalog.bundles),
    ):
        errors.extend(_duplicates(kind, (r.code for r in records)))
    errors.extend(_duplicates("bundle seq", (str(b.seq) for b in catalog.bundles)))
    errors.extend(_check_names(idx))
    errors.extend(_check_elements(idx))
    errors.extend(_check_questions(idx))
    for item in catalog.items:
        errors.extend(_check_item(idx, item))
    for bundle in catalog.bundles:
        errors.extend(_check_bundle(idx, bundle))
    return errors


def _check_names(idx: CatalogIndex) -> Iterator[str]:
    names = Counter(n for d in idx.catalog.departments for n in (d.name, *d.aliases))
    for name, count in names.items():
        if count > 1:
            yield f"department name or alias {name!r} used {count} times"


def _check_elements(idx: CatalogIndex) -> Iterator[str]:
    for el in idx.catalog.elements:
        where = f"element {el.code}"
        if el.party not in idx.party_order:
            yield f"{where}: unknown party {el.party!r}"
        if el.kind == "choice" and len(el.options) < 2:
            yield f"{where}: a choice needs at least two options"
        if el.derive:
            yield from _check_expr(idx, where, "derive", el.derive, allow_elements=True)


def _check_questions(idx: CatalogIndex) -> Iterator[str]:
    for q in idx.catalog.questions:
        values = [o.value for o in q.options]
        if q.default not in values:
            yield f"question {q.code}: default {q.default!r} is not one of its options"
        yield from (f"question {q.code}: {e}" for e in _duplicates("option", values))


def _check_expr(idx: CatalogIndex, where: str, what: str, source: str, *, allow_elements: bool) -> Iterator[str]:
    try:
        expr = parse(source)
    except ExprError as exc:
        yield f"{where}: {what}: {exc}"
        return
    for name in sorted(expr.answers - idx.questions.keys()):
        yield f"{where}: {what} refers to unknown question {name!r}"
    if expr.elements and not allow_elements:
        yield f"{where}: {what} may only read situation answers, not {sorted(expr.elements)}"
    for code in sorted(expr.elements - idx.elements.keys()):
        yield f"{where}: {what} refers to unknown data element {code!r}"


def _check_item(idx: CatalogIndex, item: Item) -> Iterator[str]:
    # Records come from the list, not the index: a duplicate code must not hide the first record.
    where = f"item {item.code} ({item.name})"
    if item.department not in idx.departments:
        yield f"{where}: unknown department {item.department!r}"
    if not item.materials:
        yield f"{where}: has no materials"
    if item.guide.promised_days > item.guide.statutory_days:
        yield f"{where}: promised time limit exceeds the statutory one"
    for f in item.fields:
        if f.element not in idx.elements:
            yield f"{where}: unknown data element {f.element!r}"
        for what, src in (("when", f.when), ("required_if", f.required_if)):
            if src:
                yield from _check_expr(idx, where, what, src, allow_elements=True)
    yield from _duplicates(f"{where}: field", (f.element for f in item.fields))
    for m in item.materials:
        if m.material not in idx.materials:
            yield f"{where}: unknown material {m.material!r}"
        if m.form == "复印件" and m.copies < 1:
            yield f"{where}: copy of {m.material} needs a copies count"
        if m.when:
            yield from _check_expr(idx, where, "material when", m.when, allow_elements=False)
    for chk in item.checks:
        for src in filter(None, (chk.expr, chk.when)):
            yield from _check_expr(idx, where, "check", src, allow_elements=True)
        for field in chk.fields:
            if field not in idx.elements:
                yield f"{where}: check names unknown data element {field!r}"


def _check_bundle(idx: CatalogIndex, bundle: Bundle) -> Iterator[str]:
    where = f"bundle {bundle.code} ({bundle.name})"
    for dept in bundle.lead_departments:
        if dept not in idx.departments:
            yield f"{where}: unknown lead department {dept!r}"
    for q in bundle.questions:
        if q not in idx.questions:
            yield f"{where}: unknown question {q!r}"
    yield from _duplicates(f"{where}: item", (e.item for e in bundle.items))
    for entry in bundle.items:
        if entry.item not in idx.items:
            yield f"{where}: situation or list points at unknown item {entry.item!r}"
        if entry.when:
            yield from _check_expr(idx, where, f"when of {entry.item}", entry.when, allow_elements=False)
            asked = set(bundle.questions)
            for name in sorted(parse(entry.when).answers - asked) if _parses(entry.when) else ():
                yield f"{where}: {entry.item} depends on question {name!r} the bundle does not ask"


def _parses(source: str) -> bool:
    try:
        parse(source)
    except ExprError:
        return False
    return True
