"""Field validation, derived values and cross-field checks of a merged form.

Messages are Chinese, ready to show inline beside the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop.catalog.index import CatalogIndex
from desktop.catalog.schema import Element, FieldKind
from desktop.forms import idnumbers
from desktop.forms.expr import parse
from desktop.forms.merge import MergedForm
from desktop.forms.situations import Answers, full_answers

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")
_DIVISION = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


def is_empty(value: Any) -> bool:
    if isinstance(value, dict):
        return not any(str(v).strip() for v in value.values())
    return value is None or (isinstance(value, str) and not value.strip())


def _date_error(element: Element, text: str, today: dt.date) -> str | None:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return "日期格式应为 YYYY-MM-DD"
    if element.not_future and day > today:
        return "日期不能晚于今天"
    if day.year < 1900:
        return "日期早于1900年，请核对"
    return None


def _address_error(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "地址应包含行政区划和详细地址"
    division = str(value.get("division", "")).strip()
    if not _DIVISION.match(division):
        return "行政区划代码应为6、9或12位数字"
    if not str(value.get("detail", "")).strip():
        return "请填写详细地址"
    return None


def _number_error(kind: FieldKind, text: str) -> str | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return "请输入数字"
    if not number.is_finite():  # "NaN", "Infinity": Decimal reads them, and they compare to nothing
        return "请输入数字"
    if number < 0:
        return "不能为负数"
    if kind is FieldKind.COUNT and number != number.to_integral_value():
        return "请输入整数"
    if kind is FieldKind.MONEY and number.as_tuple().exponent < -2:  # type: ignore[operator]
        return "金额最多保留两位小数"
    return None


def field_error(element: Element, value: Any, today: dt.date) -> str | None:
    """Why ``value`` is not acceptable for ``element`` on the hall's ``today`` (format only; emptiness is checked
    elsewhere)."""
    if is_empty(value):
        return None
    kind = element.kind
    if kind is FieldKind.ADDRESS:
        return _address_error(value)
    if kind is FieldKind.BOOL:
        return None if isinstance(value, bool) else "请选择是或否"
    text = str(value)
    if kind is FieldKind.ID_NUMBER:
        return idnumbers.id_error(text, today)
    if kind is FieldKind.USCC:
        return idnumbers.uscc_error(text)
    if kind is FieldKind.PHONE:
        compact = text.strip().replace(" ", "")
        return None if _MOBILE.match(compact) or _LANDLINE.match(compact) else "电话号码格式不正确"
    if kind is FieldKind.DATE:
        return _date_error(element, text, today)
    if kind is FieldKind.CHOICE:
        return None if text in element.options else f"请从{'、'.join(element.options)}中选择"
    if kind in (FieldKind.MONEY, FieldKind.COUNT):
        return _number_error(kind, text)
    return None if len(text) <= 500 else "内容过长（最多500字）"


def derived_values(idx: CatalogIndex, form: MergedForm, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values computed from others (birth date and sex from an ID number, …) for the form's fields."""
    out: dict[str, Any] = {}
    for f in form.fields:
        if f.element.derive:
            derived = parse(f.element.derive)({}, values)
            if derived is not None:
                out[f.code] = derived
    return out


def errors(
    idx: CatalogIndex, form: MergedForm, answers: Answers, values: Mapping[str, Any], today: dt.date
) -> dict[str, str]:
    """Every field error of the form on the hall's ``today``, keyed by element code, in form order."""
    found: dict[str, str] = {}
    for f in form.fields:
        value = values.get(f.code)
        if is_empty(value):
            if f.required and not f.element.derive:
                found[f.code] = f"请填写{f.element.label}"
            continue
        message = field_error(f.element, value, today)
        if message:
            found[f.code] = message
    full = full_answers(idx, answers)
    for item_check in form.checks:
        chk = item_check.check
        if any(code in found for code in chk.fields):
            continue
        if parse(chk.expr)(full, values) is False:
            for code in chk.fields:
                found.setdefault(code, chk.message)
    order = {f.code: n for n, f in enumerate(form.fields)}
    return dict(sorted(found.items(), key=lambda kv: order.get(kv[0], len(order))))
