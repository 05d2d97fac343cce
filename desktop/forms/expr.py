"""Evaluation of catalog rules: a small, safe expression language.

The syntax (what a rule may say, its limits) is :mod:`desktop.catalog.rules`; this module walks a parsed
rule's tree over the situation answers and the form's values — never ``eval``. Bare names refer to situation
answers (``death_kind == 'normal'``); dotted names refer to data elements (``mother.id_number``). Only the
functions in :data:`FUNCTIONS` may be called.

Rules are judged in a context: the hall's day (:func:`judged_on`) for ``today()`` and ``age()``, and the
catalog in use (:func:`rules_of`) for the functions that read its retirement table.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from desktop.catalog import retirement
from desktop.catalog.index import CatalogIndex
from desktop.catalog.rules import ExprError, parse_rule
from desktop.catalog.schema import RetirementTable
from desktop.forms import idnumbers

__all__ = ["FUNCTIONS", "Expr", "ExprError", "holds", "judged_on", "parse", "rule_day", "rules_of"]


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


# The catalog whose tables rules read (the retirement table), set by whoever evaluates: the merge functions
# of this package set it themselves; a caller evaluating rules directly wraps them in rules_of(index).
_RULE_CATALOG: ContextVar[CatalogIndex] = ContextVar("rule_catalog")


@contextmanager
def rules_of(idx: CatalogIndex) -> Iterator[None]:
    """Evaluate rules inside this block against ``idx``'s tables."""
    token = _RULE_CATALOG.set(idx)
    try:
        yield
    finally:
        _RULE_CATALOG.reset(token)


def _retirement_table() -> RetirementTable:
    try:
        table = _RULE_CATALOG.get().catalog.retirement
    except LookupError:
        raise RuntimeError("a rule read the retirement table outside rules_of(catalog index)") from None
    if table is None:  # the catalog check refuses such a catalog
        raise RuntimeError("a rule read the retirement table of a catalog that has none")
    return table


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _number(value: Any) -> Decimal | None:
    """A typed count or amount (``'15'``, ``'3.5'``) as a number; None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _retirement_date(birth: Any, scheme: Any) -> str:
    return retirement.statutory_age(_retirement_table(), str(scheme), _date(birth)).date.isoformat()


def _earliest_retirement_date(birth: Any, scheme: Any) -> str:
    return retirement.earliest_age(_retirement_table(), str(scheme), _date(birth)).date.isoformat()


def _latest_retirement_date(birth: Any, scheme: Any) -> str:
    return retirement.latest_age(_retirement_table(), str(scheme), _date(birth)).date.isoformat()


def _min_contribution_months(on: Any) -> int:
    return retirement.min_contribution_months(_retirement_table(), _date(on))


# The names here and in desktop.catalog.rules.FUNCTION_ARITY are the same (a test says so).
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "empty": _empty,
    "today": _today,
    "age": _age,
    "number": _number,
    "id_sex": idnumbers.sex,
    "id_birth_date": idnumbers.birth_date,
    "id_region": idnumbers.region_name,
    # the retirement table: scheme codes are the table's (male, female_cadre, female_worker)
    "retirement_date": _retirement_date,
    "earliest_retirement_date": _earliest_retirement_date,
    "latest_retirement_date": _latest_retirement_date,
    "min_contribution_months": _min_contribution_months,
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
        except (TypeError, ValueError, ArithmeticError, retirement.UnknownScheme):
            # Comparing a half-typed value (or a date that is no date) must not crash the form: the rule just fails.
            return None


@lru_cache(maxsize=4096)
def parse(source: str) -> Expr:
    """The rule ``source``, whitelisted and bounded by :func:`desktop.catalog.rules.parse_rule`; raises
    :class:`ExprError`."""
    rule = parse_rule(source)
    return Expr(rule.source, rule.tree, rule.answers, rule.elements)


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
