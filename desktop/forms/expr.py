"""A small, safe expression language for catalog rules.

Expressions are Python-syntax boolean/value expressions parsed with :mod:`ast` and
evaluated by walking a whitelist of node types — never ``eval``. Bare names refer to
situation answers (``death_kind == 'normal'``); dotted names refer to data elements
(``mother.id_number``). Only the functions in :data:`FUNCTIONS` may be called.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from desktop.forms import idnumbers


class ExprError(ValueError):
    """The expression is not valid in the rule language."""


def _empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


# The business day rules such as ``age(x) >= 18`` are judged on: the hall's local date, set by whoever evaluates
# (the intake session, from its clock). Never the machine's date: a PC on UTC would judge a Beijing morning by
# yesterday. A context variable, not a parameter, so every rule call site stays one line; unset is an error.
_RULE_DAY: ContextVar[dt.date] = ContextVar("rule_day")


@contextmanager
def judged_on(day: dt.date) -> Iterator[None]:
    """Evaluate rules inside this block as of the hall's local ``day``."""
    token = _RULE_DAY.set(day)
    try:
        yield
    finally:
        _RULE_DAY.reset(token)


def rule_day() -> dt.date:
    try:
        return _RULE_DAY.get()
    except LookupError:
        raise RuntimeError("a rule read today() outside judged_on(day): pass the hall's date") from None


def _today() -> str:
    return rule_day().isoformat()


def _age(date_text: Any, on: Any = None) -> int | None:
    try:
        born = dt.date.fromisoformat(str(date_text))
        ref = dt.date.fromisoformat(str(on)) if on else rule_day()
    except ValueError:
        return None
    return ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "empty": _empty,
    "today": _today,
    "age": _age,
    "id_sex": idnumbers.sex,
    "id_birth_date": idnumbers.birth_date,
    "id_region": idnumbers.region_name,
}

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_BINOP: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
}


@dataclass(frozen=True)
class Expr:
    """A parsed expression with the names it reads."""

    source: str
    tree: ast.expr
    answers: frozenset[str]
    elements: frozenset[str]

    def __call__(self, answers: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
        try:
            return _eval(self.tree, answers, values)
        except (TypeError, ValueError, ArithmeticError):
            # Comparing a half-typed value must not crash the form: the rule just fails.
            return None


@lru_cache(maxsize=4096)
def parse(source: str) -> Expr:
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise ExprError(f"syntax error in {source!r}: {exc.msg}") from None
    answers: set[str] = set()
    elements: set[str] = set()
    _check(tree, answers, elements)
    return Expr(source, tree, frozenset(answers), frozenset(elements))


def _check(node: ast.AST, answers: set[str], elements: set[str]) -> None:
    match node:
        case ast.Constant(value=v) if v is None or isinstance(v, (str, int, float, bool)):
            return
        case ast.Name(id=name):
            answers.add(name)
        case ast.Attribute(value=ast.Name(id=party), attr=attr):
            elements.add(f"{party}.{attr}")
        case ast.Call(func=ast.Name(id=fn), args=args, keywords=[]) if fn in FUNCTIONS:
            for arg in args:
                _check(arg, answers, elements)
        case ast.Call():
            raise ExprError(f"call not allowed: {ast.unparse(node)}")
        case ast.BoolOp(values=operands):
            for sub in operands:
                _check(sub, answers, elements)
        case ast.UnaryOp(op=ast.Not() | ast.USub(), operand=operand):
            _check(operand, answers, elements)
        case ast.Compare(left=left, ops=ops, comparators=comps) if all(type(o) in _COMPARE for o in ops):
            for sub in (left, *comps):
                _check(sub, answers, elements)
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINOP:
            _check(left, answers, elements)
            _check(right, answers, elements)
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            for sub in elts:
                _check(sub, answers, elements)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            for sub in (test, body, orelse):
                _check(sub, answers, elements)
        case _:
            raise ExprError(f"not allowed in a rule: {ast.unparse(node)!r}")


def _eval(node: ast.expr, answers: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    match node:
        case ast.Constant(value=v):
            return v
        case ast.Name(id=name):
            return answers.get(name)
        case ast.Attribute(value=ast.Name(id=party), attr=attr):
            return values.get(f"{party}.{attr}")
        case ast.Call(func=ast.Name(id=fn), args=args):
            return FUNCTIONS[fn](*(_eval(a, answers, values) for a in args))
        case ast.BoolOp(op=ast.And(), values=operands):
            result: Any = True
            for sub in operands:
                result = _eval(sub, answers, values)
                if not result:
                    return result
            return result
        case ast.BoolOp(values=operands):
            result = False
            for sub in operands:
                result = _eval(sub, answers, values)
                if result:
                    return result
            return result
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return not _eval(operand, answers, values)
        case ast.UnaryOp(operand=operand):
            return -_eval(operand, answers, values)
        case ast.Compare(left=left, ops=ops, comparators=comps):
            lhs = _eval(left, answers, values)
            for op, comp in zip(ops, comps, strict=True):
                rhs = _eval(comp, answers, values)
                # An empty value is only ever equal or unequal, never ordered.
                if (lhs is None or rhs is None) and type(op) not in (ast.Eq, ast.NotEq):
                    return False
                if not _COMPARE[type(op)](lhs, rhs):
                    return False
                lhs = rhs
            return True
        case ast.BinOp(left=left, op=op, right=right):
            return _BINOP[type(op)](_eval(left, answers, values), _eval(right, answers, values))
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            return [_eval(sub, answers, values) for sub in elts]
        case ast.IfExp(test=test, body=body, orelse=orelse):
            branch = body if _eval(test, answers, values) else orelse
            return _eval(branch, answers, values)
    raise ExprError(f"unexpected node {ast.dump(node)}")  # parse() already refused it


def holds(source: str | None, answers: Mapping[str, Any], values: Mapping[str, Any] | None = None) -> bool:
    """True when ``source`` is absent or evaluates truthy."""
    if source is None:
        return True
    return bool(parse(source)(answers, values or {}))
