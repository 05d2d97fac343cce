"""The syntax of catalog rules: what a ``when``, ``required_if``, ``derive`` or check may say.

Rules are Python-syntax expressions parsed with :mod:`ast` and accepted only when every node is on a
whitelist; they are never compiled or ``eval``-ed. Bare names are situation answers (``death_kind``), dotted
names are data elements (``mother.id_number``), and only the functions of :data:`FUNCTION_ARITY` may be
called, with their number of arguments. Evaluation lives one layer up, in :mod:`desktop.forms.expr`; the
catalog check needs only this module.

Parsing is bounded: a rule longer than :data:`MAX_RULE_LENGTH` characters is refused before :func:`ast.parse`
sees it, a parser overflow on what is left is reported as an error, and the tree's depth is measured without
recursion before anything walks it recursively.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

MAX_RULE_LENGTH = 1000
MAX_RULE_DEPTH = 40

# name → (fewest, most) arguments.
FUNCTION_ARITY: dict[str, tuple[int, int]] = {
    "empty": (1, 1),
    "today": (0, 0),
    "age": (1, 2),
    "number": (1, 1),
    "id_sex": (1, 1),
    "id_birth_date": (1, 1),
    "id_region": (1, 1),
    "retirement_date": (2, 2),
    "earliest_retirement_date": (2, 2),
    "latest_retirement_date": (2, 2),
    "min_contribution_months": (1, 1),
}
# Functions that read the catalog's retirement table (``retirement:`` in catalog.yaml).
RETIREMENT_FUNCTIONS = frozenset(
    {"retirement_date", "earliest_retirement_date", "latest_retirement_date", "min_contribution_months"}
)

COMPARE_OPS: tuple[type[ast.cmpop], ...] = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
BINARY_OPS: tuple[type[ast.operator], ...] = (ast.Add, ast.Sub)


class ExprError(ValueError):
    """The text is not a rule of the catalog's rule language."""


@dataclass(frozen=True)
class Rule:
    """A parsed rule with the names it reads."""

    source: str
    tree: ast.expr
    answers: frozenset[str]
    elements: frozenset[str]
    functions: frozenset[str]


def clip(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters: error messages never echo a huge input."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shorten(text: str, limit: int = 60) -> str:
    """``text`` quoted and cut to ``limit`` characters."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 3]) + "..."


@lru_cache(maxsize=4096)
def parse_rule(source: str) -> Rule:
    """Parse and whitelist ``source``; raises :class:`ExprError` with a one-line English reason."""
    if not isinstance(source, str):
        raise ExprError(f"a rule must be text, not {type(source).__name__}")
    if len(source) > MAX_RULE_LENGTH:
        raise ExprError(f"rule is {len(source)} characters long; the limit is {MAX_RULE_LENGTH}")
    if not source.strip():
        raise ExprError("rule is empty")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise ExprError(f"syntax error in {shorten(source)}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ExprError(f"rule {shorten(source)} is nested too deeply to parse") from None
    except ValueError as exc:  # e.g. a NUL character
        raise ExprError(f"rule {shorten(source)} cannot be parsed: {exc}") from None
    depth = tree_depth(tree)
    if depth > MAX_RULE_DEPTH:
        raise ExprError(f"rule {shorten(source)} is nested {depth} levels deep; the limit is {MAX_RULE_DEPTH}")
    answers: set[str] = set()
    elements: set[str] = set()
    functions: set[str] = set()
    _check(tree, answers, elements, functions)
    return Rule(source, tree, frozenset(answers), frozenset(elements), frozenset(functions))


def tree_depth(tree: ast.AST) -> int:
    """How many expressions deep ``tree`` nests, measured with an explicit stack (a deep tree must not exhaust
    Python's); operators and contexts do not count."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
    return deepest


def _shown(node: ast.AST) -> str:
    return shorten(ast.unparse(node))


def _check(node: ast.AST, answers: set[str], elements: set[str], functions: set[str]) -> None:
    match node:
        case ast.Constant(value=v) if v is None or isinstance(v, (str, int, float, bool)):
            return
        case ast.Name(id=name):
            answers.add(name)
            return
        case ast.Attribute(value=ast.Name(id=party), attr=attr):
            elements.add(f"{party}.{attr}")
            return
        case ast.Call(func=ast.Name(id=fn), args=args, keywords=[]) if fn in FUNCTION_ARITY:
            low, high = FUNCTION_ARITY[fn]
            if not low <= len(args) <= high:
                wanted = str(low) if low == high else f"{low} to {high}"
                raise ExprError(f"{fn}() takes {wanted} argument(s), not {len(args)}: {_shown(node)}")
            functions.add(fn)
            subs: list[ast.AST] = list(args)
        case ast.Call():
            raise ExprError(f"call not allowed: {_shown(node)}")
        case ast.BoolOp(values=operands) | ast.List(elts=operands) | ast.Tuple(elts=operands):
            subs = list(operands)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            subs = [test, body, orelse]
        case ast.UnaryOp(op=ast.Not() | ast.USub(), operand=operand):
            subs = [operand]
        case ast.Compare(left=left, ops=ops, comparators=comps) if all(isinstance(o, COMPARE_OPS) for o in ops):
            subs = [left, *comps]
        case ast.BinOp(left=left, op=op, right=right) if isinstance(op, BINARY_OPS):
            subs = [left, right]
        case _:
            raise ExprError(f"not allowed in a rule: {_shown(node)}")
    for sub in subs:
        _check(sub, answers, elements, functions)
