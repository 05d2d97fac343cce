"""Cross-record checks that the schema alone cannot express.

:func:`problems` returns every error at once (a maintainer fixes them in one pass), each one line of English
naming the record.
"""

from __future__ import annotations

import ast
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from desktop.catalog.index import CatalogIndex
from desktop.catalog.rules import RETIREMENT_FUNCTIONS, ExprError, Rule, clip, parse_rule, shorten
from desktop.catalog.schema import Bundle, Catalog, Item
from desktop.catalog.seed import SEED_BUNDLES


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
    errors.extend(_check_seed(idx))
    errors.extend(_check_departments(idx))
    errors.extend(_check_elements(idx))
    errors.extend(_check_questions(idx))
    errors.extend(_check_retirement(idx))
    for item in catalog.items:
        errors.extend(_check_item(idx, item))
    for bundle in catalog.bundles:
        errors.extend(_check_bundle(idx, bundle))
    return errors


def _check_seed(idx: CatalogIndex) -> Iterator[str]:
    """The seed list's 35 bundles stay, under their codes, numbers and names."""
    for seed in SEED_BUNDLES:
        bundle = idx.bundles.get(seed.code)
        if bundle is None:
            yield f"seed bundle {seed.code} ({seed.name}) is missing: a catalog keeps all {len(SEED_BUNDLES)}"
            continue
        if bundle.name != seed.name:
            yield f"bundle {seed.code}: name {bundle.name!r} differs from the seed list's {seed.name!r}"
        if bundle.seq != seed.seq:
            yield f"bundle {seed.code}: seq {bundle.seq} differs from the seed list's {seed.seq}"


def _check_departments(idx: CatalogIndex) -> Iterator[str]:
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
        for option in el.options:
            yield from _unnormalized(where, "option", option)
        if el.derive:
            yield from _check_expr(idx, where, "derive", el.derive, allow_elements=True)
        for other in el.same_as:
            if other not in idx.elements or idx.elements[other].kind != el.kind:
                yield f"{where}: same_as {other!r} is no element of the same kind"
        if el.suggest is not None and el.suggest not in idx.catalog.word_lists:
            yield f"{where}: unknown word list {el.suggest!r}"
    for name, words in idx.catalog.word_lists.items():
        for word in words:
            yield from _unnormalized(f"word list {name}", "word", word)
    for party in idx.catalog.parties:
        for source in party.copy_from:
            if source.party not in idx.party_order or source.party == party.code:
                yield f"party {party.code}: copy_from names unknown party {source.party!r}"
    derives = {el.code: _reads(el.derive) for el in idx.catalog.elements if el.derive}
    for cycle in _cycles(derives):
        yield f"derivation cycle: {clip(' → '.join(cycle), 300)} (an element cannot be derived from itself)"


def _unnormalized(where: str, what: str, text: str) -> Iterator[str]:
    """Typed input is NFKC-normalized (full-width （） become ()), so catalog text compared with it must be too."""
    normal = unicodedata.normalize("NFKC", text)
    if normal != text:
        yield (
            f"{where}: {what} {shorten(text)} is not NFKC-normalized like the input it is compared with; "
            f"write {shorten(normal)}"
        )


def _reads(source: str | None) -> frozenset[str]:
    rule = _rule(source)
    return rule.elements if rule else frozenset()


def _rule(source: str | None) -> Rule | None:
    if not source:
        return None
    try:
        return parse_rule(source)
    except ExprError:
        return None  # reported where the rule is checked


def _cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One cycle per strongly tangled part of ``graph`` (node → successors), found without recursion."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    found: list[list[str]] = []
    for start in sorted(graph):
        if colour[start] != white:
            continue
        path = [start]
        colour[start] = grey
        stack = [iter(sorted(graph[start]))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = black
                stack.pop()
                continue
            state = colour.get(nxt, black)  # a node with no successors of its own cannot close a cycle
            if state == grey:
                found.append([*path[path.index(nxt) :], nxt])
            elif state == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return found


def _check_questions(idx: CatalogIndex) -> Iterator[str]:
    for q in idx.catalog.questions:
        values = [o.value for o in q.options]
        if q.default not in values:
            yield f"question {q.code}: default {q.default!r} is not one of its options"
        yield from (f"question {q.code}: {e}" for e in _duplicates("option", values))


def _check_retirement(idx: CatalogIndex) -> Iterator[str]:
    table = idx.catalog.retirement
    if table is None:
        return
    yield from _duplicates("retirement scheme", (s.code for s in table.schemes))
    for row in table.schemes:
        if row.target_age < row.original_age:
            yield f"retirement scheme {row.code}: target age {row.target_age} is below the original {row.original_age}"
    rule = table.min_contribution
    if rule.target_months < rule.original_months:
        yield "retirement min_contribution: target_months is below original_months"


def _check_expr(idx: CatalogIndex, where: str, what: str, source: str, *, allow_elements: bool) -> Iterator[str]:
    try:
        rule = parse_rule(source)
    except ExprError as exc:
        yield f"{where}: {what}: {exc}"
        return
    for name in sorted(rule.answers - idx.questions.keys()):
        yield f"{where}: {what} refers to unknown question {shorten(name)}"
    if rule.elements and not allow_elements:
        yield f"{where}: {what} may only read situation answers, not {clip(', '.join(sorted(rule.elements)))}"
    for code in sorted(rule.elements - idx.elements.keys()):
        yield f"{where}: {what} refers to unknown data element {shorten(code)}"
    if rule.functions & RETIREMENT_FUNCTIONS:
        yield from _check_schemes(idx, where, what, rule)
    for node in ast.walk(rule.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield from _unnormalized(where, f"{what} text", node.value)


def _check_schemes(idx: CatalogIndex, where: str, what: str, rule: Rule) -> Iterator[str]:
    """A rule reading the retirement table needs one, and names only its schemes."""
    table = idx.catalog.retirement
    if table is None:
        yield f"{where}: {what} reads the retirement table, but the catalog has none (retirement: in catalog.yaml)"
        return
    known = {s.code for s in table.schemes}
    for node in ast.walk(rule.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RETIREMENT_FUNCTIONS:
            for arg in node.args[1:]:  # the scheme: the second argument of the age functions
                for code in sorted(_constant_texts(arg) - known):
                    yield f"{where}: {what} names unknown retirement scheme {shorten(code)}"


def _constant_texts(node: ast.expr) -> set[str]:
    """The text constants an argument can take: itself, or either branch of ``a if c else b``."""
    match node:
        case ast.Constant(value=str(text)):
            return {text}
        case ast.IfExp(body=body, orelse=orelse):
            return _constant_texts(body) | _constant_texts(orelse)
    return set()


def _needs(item: Item) -> set[str]:
    """Every material and data element ``item`` can ask for, whatever the answers."""
    return {m.material for m in item.materials} | {f.element for f in item.fields}


def _check_item(idx: CatalogIndex, item: Item) -> Iterator[str]:
    # Records come from the list, not the index: a duplicate code must not hide the first record.
    where = f"item {item.code} ({item.name})"
    if item.department not in idx.departments:
        yield f"{where}: unknown department {item.department!r}"
    if item.competent_department is not None and item.competent_department not in idx.departments:
        yield f"{where}: unknown competent_department {item.competent_department!r}"
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
    yield from _duplicates(f"{where}: material", (m.material for m in item.materials))
    yield from _check_materials(idx, item, where)
    for chk in item.checks:
        for src in filter(None, (chk.expr, chk.when)):
            yield from _check_expr(idx, where, "check", src, allow_elements=True)
        for field in chk.fields:
            if field not in idx.elements:
                yield f"{where}: check names unknown data element {field!r}"
    yield from _check_results(idx, item, where)


def _check_materials(idx: CatalogIndex, item: Item, where: str) -> Iterator[str]:
    commits = item.notify_commit is not False
    if isinstance(item.notify_commit, str):
        yield from _check_expr(idx, where, "notify_commit", item.notify_commit, allow_elements=False)
    for m in item.materials:
        material = idx.materials.get(m.material)
        if material is None:
            yield f"{where}: unknown material {m.material!r}"
        elif material.notify_commit and not commits:
            yield (
                f"{where}: asks for {m.material} ({material.name}) but does not use 告知承诺 (notify_commit); "
                "a commitment of another kind (继承人承诺书 …) is a material of its own"
            )
        if m.form == "复印件" and m.copies < 1:
            yield f"{where}: copy of {m.material} needs a copies count"
        if m.deferrable and item.guide.promised_days == 0:
            yield f"{where}: {m.material} is deferrable, but 容缺 is never allowed on an 即办 item (promised 0 days)"
        if m.when:
            yield from _check_expr(idx, where, "material when", m.when, allow_elements=False)


def _check_results(idx: CatalogIndex, item: Item, where: str) -> Iterator[str]:
    yield from _duplicates(f"{where}: result", item.produces)
    needs = _needs(item)
    for code in item.produces:
        if code not in idx.materials and code not in idx.elements:
            yield f"{where}: produces unknown material or data element {code!r}"
        elif code in needs:
            yield f"{where}: produces {code!r} and also asks for it"


def _check_bundle(idx: CatalogIndex, bundle: Bundle) -> Iterator[str]:
    where = f"bundle {bundle.code} ({bundle.name})"
    for dept in bundle.lead_departments:
        if dept not in idx.departments:
            yield f"{where}: unknown lead department {dept!r}"
    for q in bundle.questions:
        if q not in idx.questions:
            yield f"{where}: unknown question {q!r}"
    yield from _duplicates(f"{where}: question", bundle.questions)
    yield from _duplicates(f"{where}: item", (e.item for e in bundle.items))
    yield from _duplicates(f"{where}: keyword", bundle.keywords)
    asked = set(bundle.questions)
    for entry in bundle.items:
        if entry.item not in idx.items:
            yield f"{where}: situation or list points at unknown item {entry.item!r}"
        if entry.when:
            yield from _check_expr(idx, where, f"when of {entry.item}", entry.when, allow_elements=False)
            rule = _rule(entry.when)
            for name in sorted(rule.answers - asked) if rule else ():
                yield f"{where}: {entry.item} depends on question {shorten(name)} the bundle does not ask"
    for cycle in _cycles(_flows(idx, [e.item for e in bundle.items])):
        yield f"{where}: production cycle {' → '.join(cycle)} (each item waits for the other's result)"


def _flows(idx: CatalogIndex, codes: list[str]) -> dict[str, set[str]]:
    """Producer → the items of ``codes`` that need one of its results."""
    items = [idx.items[c] for c in codes if c in idx.items]
    needs = {i.code: _needs(i) for i in items}
    return {i.code: {c for c, n in needs.items() if c != i.code and n.intersection(i.produces)} for i in items}
