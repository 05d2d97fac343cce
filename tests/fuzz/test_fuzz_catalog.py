"""Fuzzing `yishi catalog check`: hostile catalog files and fragments end in a clear error list, never an
unhandled exception; and a catalog the check accepts never crashes the merge.

Fragments are the shipped catalog (cut to a few bundles, so that an example costs milliseconds) with one place
replaced, deleted or duplicated: any JSON value, huge or deeply nested text, or a rule drawn from a grammar of
the rule language with unknown names, wrong arities, deep nesting and garbage mixed in. Files are whole YAML or
JSON documents: random text and bytes, aliases, tags, dates, deep nesting.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fuzz_helpers import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from desktop.catalog.check import problems
from desktop.catalog.export import check_path
from desktop.catalog.index import CatalogIndex
from desktop.catalog.loader import CatalogError, parse_raw, raw_from_dir
from desktop.forms.checklist import full_checklist, item_flow
from desktop.forms.expr import judged_on, rules_of
from desktop.forms.merge import merge_form
from desktop.forms.situations import applicability, producers
from desktop.paths import catalog_dir

pytestmark = pytest.mark.fuzz

KEPT_BUNDLES = ("LNYJS001", "LNYJS003", "LNYJS018", "LNYJS033")


def _small_catalog() -> dict[str, Any]:
    """The shipped catalog with only a few bundles and their items: every kind of record, a fraction of the size."""
    raw = raw_from_dir(catalog_dir())
    raw["bundles"] = [b for b in raw["bundles"] if b["code"] in KEPT_BUNDLES]
    used = {e["item"] for b in raw["bundles"] for e in b["items"]}
    raw["items"] = [i for i in raw["items"] if i["code"] in used]
    return raw


SMALL = _small_catalog()
QUESTIONS = sorted({q["code"] for q in SMALL["questions"]})
ELEMENTS = sorted({e["code"] for e in SMALL["elements"]})

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "latest", "2026.01.1", "LNYJS001", "RS015", "原件收", "行政许可", "1965-01", "yes"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
HUGE = st.one_of(
    st.integers(min_value=121, max_value=300_000).map(lambda n: "名" * n),
    st.integers(min_value=13, max_value=20_000).map(lambda n: n * [[]]),
    st.integers(min_value=13, max_value=3_000).map(lambda n: json.loads("[" * n + "]" * n) if n < 900 else "x" * n),
)

# The rule language, plus what it must refuse.
ATOMS = st.one_of(
    st.sampled_from(QUESTIONS),
    st.sampled_from(ELEMENTS),
    st.sampled_from(
        ["no_such_answer", "nobody.field", "'male'", "'female_cadre'", "'nobody'", "None", "1", "'2030-01-01'"]
    ),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.text(alphabet="abc'\"()[] .+-*/%<>=!&|^~@:;,\\0x中", max_size=12),
)
FUNCS = st.sampled_from(
    ["empty", "today", "age", "number", "id_sex", "id_birth_date", "id_region", "retirement_date",
     "earliest_retirement_date", "latest_retirement_date", "min_contribution_months", "eval", "__import__", "open"]
)  # fmt: skip


def _combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(
            inner, st.sampled_from(["and", "or", "==", "!=", "<", ">=", "in", "not in", "+", "-", "**"]), inner
        ).map(" ".join),
        inner.map(lambda a: f"not {a}"),
        inner.map(lambda a: f"-({a})"),
        st.tuples(FUNCS, st.lists(inner, max_size=3)).map(lambda f: f"{f[0]}({', '.join(f[1])})"),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} if {t[1]} else {t[2]}"),
        st.lists(inner, max_size=3).map(lambda xs: f"[{', '.join(xs)}]"),
        inner.map(lambda a: f"({a})"),
    )


RULES = st.one_of(
    st.recursive(ATOMS, _combine, max_leaves=12),
    st.tuples(st.integers(min_value=30, max_value=20_000), st.sampled_from(["(", "not ", "-", "a or "])).map(
        lambda t: t[1] * t[0] + "death_kind" + (")" * t[0] if t[1] == "(" else "")
    ),
    st.text(max_size=60),
)
NEW_VALUES = st.one_of(JSON, HUGE, RULES)


def _places(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _places(value, (*path, n))


PLACES = list(_places(SMALL))
RULE_PLACES = [p for p in PLACES if p and p[-1] in {"when", "expr", "derive", "required_if", "notify_commit"}]


@st.composite
def fragments(draw: st.DrawFn) -> Any:
    """The small catalog with one to three places mutated (the whole of it, now and then)."""
    raw: Any = copy.deepcopy(SMALL)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = RULE_PLACES if draw(st.booleans()) else PLACES
        path = draw(st.sampled_from(places))
        parent: Any = raw
        try:
            for part in path[:-1]:
                parent = parent[part]
            if path:
                parent[path[-1]]  # still there after an earlier mutation?
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "rule", "delete", "duplicate", "extra"]))
        if not path:
            raw = draw(JSON) if action == "replace" else raw
        elif action == "replace":
            parent[path[-1]] = draw(NEW_VALUES)
        elif action == "rule":
            parent[path[-1]] = draw(RULES)
        elif action == "delete":
            del parent[path[-1]]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(JSON)
    return raw


def _assert_clear(errors: list[str]) -> None:
    assert isinstance(errors, list)
    for error in errors:
        assert isinstance(error, str) and error.strip(), errors
        assert "\n" not in error and "Traceback" not in error, error
        assert len(error) <= 600, error[:200]


def _check(raw: Any) -> list[str]:
    """What `yishi catalog check` lists for ``raw``: schema errors, else the cross-record problems."""
    try:
        loaded = parse_raw(raw)
    except CatalogError as exc:
        return exc.errors
    return problems(loaded.catalog)


@FUZZ
@given(fragments())
def test_a_mutated_catalog_gets_a_clear_error_list_and_an_accepted_one_merges(raw: Any) -> None:
    errors = _check(raw)
    _assert_clear(errors)
    if any(not e.startswith("seed bundle ") for e in errors):
        return
    # Accepted (but for the bundles cut away): every bundle merges in its default situation, nothing crashes.
    idx = CatalogIndex(parse_raw(raw).catalog)
    with judged_on(dt.date(2026, 11, 30)), rules_of(idx):
        for bundle in idx.catalog.bundles:
            items = [a.item_code for a in applicability(idx, bundle.code, {}) if a.applies]
            merge_form(idx, items, {})
            full_checklist(idx, items, {})
            producers(idx, items)
            item_flow(idx, items, {})


@FUZZ
@given(RULES)
def test_any_rule_text_is_parsed_or_refused_clearly(rule: str) -> None:
    raw = copy.deepcopy(SMALL)
    raw["bundles"][0]["items"][0]["when"] = rule
    raw["elements"][0]["derive"] = rule
    _assert_clear(_check(raw))


YAML_TEXT = st.one_of(
    st.text(max_size=200),
    JSON.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
    st.sampled_from(
        [
            "a: &x [1]\nb: *x\n",
            "- !!python/object/apply:os.system ['true']\n",
            "- !!binary aGVsbG8=\n",
            "- {code: x, when: 2026-01-01}\n",
            "- {1: 2}\n",
            "- !!set {a}\n",
            "- " * 3000 + "x\n",
            "[" * 2000 + "]" * 2000,
            "\ufeff- {code: 甲}\n",
            "- 0x" + "F" * 5000 + "\n",
            "- " + "9" * 5000 + "\n",
            "%YAML 1.1\n---\n- a\n...\n---\n- b\n",
        ]
    ),
)


@FUZZ
@given(st.sampled_from(["catalog.yaml", "items/X.yaml", "bundles/X.yaml", "questions/X.yaml"]), YAML_TEXT, st.binary())
def test_a_hostile_catalog_file_is_a_clear_error(name: str, text: str, junk: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for sub in ("items", "bundles", "questions"):
            (root / sub).mkdir()
        (root / "catalog.yaml").write_text(yaml.safe_dump({"version": "1", "source": "fuzz"}), encoding="utf-8")
        target = root / name
        if junk and not text:
            target.write_bytes(junk)
        else:
            target.write_text(text, encoding="utf-8", errors="surrogatepass")
        errors = check_path(root)
        _assert_clear(errors)
        assert errors  # a catalog of one odd file is never accepted (the seed's bundles are missing)
        as_json = root / "catalog.json"
        as_json.write_bytes(junk or text.encode("utf-8", "surrogatepass"))
        json_errors = check_path(as_json)
        _assert_clear(json_errors)
        assert json_errors
