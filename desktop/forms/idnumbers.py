"""Resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

Checks come from python-stdnum; this module adds the cases it leaves out: 15-digit
legacy numbers, Hong Kong/Macao/Taiwan residence permits (810000/820000/830000) and the
2023 foreign permanent-residence ID (leading 9), which share the MOD 11-2 check.
Every function takes raw user text and never raises on bad input.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

# stdnum's table names province and county only; Liaoning's prefectures (GB/T 2260) fill the middle.
_LIAONING_CITIES = {
    "2101": "沈阳市", "2102": "大连市", "2103": "鞍山市", "2104": "抚顺市", "2105": "本溪市", "2106": "丹东市",
    "2107": "锦州市", "2108": "营口市", "2109": "阜新市", "2110": "辽阳市", "2111": "盘锦市", "2112": "铁岭市",
    "2113": "朝阳市", "2114": "葫芦岛市",
}  # fmt: skip
_PERMIT_REGIONS = {"81": "香港居民居住证", "82": "澳门居民居住证", "83": "台湾居民居住证"}


def normalize_id(text: str) -> str:
    """NFKC (a full-width ``１１０…Ｘ`` is the ASCII number), no spaces, upper-case check character."""
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "").upper()


def id_error(text: str, today: dt.date | None = None) -> str | None:
    """Why ``text`` is not a valid ID number, in Chinese; None when it is valid.

    ``today`` is the hall's date; with it a birth date after today is refused (a scanner, which only classifies what
    it read, passes none)."""
    number = normalize_id(text)
    if len(number) == 15:
        if not number.isdigit():
            return "15位身份证号码只能由数字组成"
        if _legacy_birth(number) is None:
            return "身份证号码中的出生日期无效"
        return None
    if len(number) != 18:
        return "身份证号码应为18位（旧证15位）"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号码前17位应为数字，末位为数字或X"
    if number[17] != ric.calc_check_digit(number):
        return "身份证号码校验位不正确，请核对"
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return "身份证号码中的出生日期无效"
    if today is not None and born > today:
        return "身份证号码中的出生日期晚于今天"
    if number[0] == "9" or number[:2] in _PERMIT_REGIONS:
        return None
    if _region(number[:6]) is None:
        return "身份证号码中的地址码不存在"
    return None


def _legacy_birth(number: str) -> dt.date | None:
    try:
        return dt.date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return None


def birth_date(text: object) -> str | None:
    """ISO birth date encoded in a valid ID number."""
    if not isinstance(text, str) or id_error(text):
        return None
    number = normalize_id(text)
    if len(number) == 15:
        born = _legacy_birth(number)
        return born.isoformat() if born else None
    return ric.get_birth_date(number).isoformat()


def sex(text: object) -> str | None:
    """'男' or '女' from the sequence digit's parity (odd = male)."""
    if not isinstance(text, str) or id_error(text):
        return None
    number = normalize_id(text)
    digit = int(number[14] if len(number) == 15 else number[16])
    return "男" if digit % 2 else "女"


@lru_cache(maxsize=1024)
def _region(code: str) -> str | None:
    from stdnum import numdb  # noqa: PLC0415 - stdnum's data costs ~20 ms on the way to the first window

    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if not info:
        return None
    county = info.get("county", "").split(",")[-1]
    county = county.split("]")[-1]
    city = info.get("prefecture") or _LIAONING_CITIES.get(code[:4], "")
    return "".join(p for p in (info.get("province"), city, county) if p)


def region_name(text: object) -> str | None:
    """Region of issue (from the GB/T 2260 address code) of a valid ID number."""
    if not isinstance(text, str) or id_error(text):
        return None
    number = normalize_id(text)
    if number[0] == "9":
        return "外国人永久居留身份证"
    if number[:2] in _PERMIT_REGIONS:
        return _PERMIT_REGIONS[number[:2]]
    return _region(number[:6])


def uscc_error(text: str) -> str | None:
    """Why ``text`` is not a valid unified social credit code; None when valid."""
    code = normalize_id(text)
    if len(code) != 18:
        return "统一社会信用代码应为18位"
    try:
        uscc.validate(code)
    except ValidationError:
        bad = set(code) - set("0123456789ABCDEFGHJKLMNPQRTUWXY")
        if bad:
            return f"统一社会信用代码不能含有字符：{''.join(sorted(bad))}"
        return "统一社会信用代码校验位不正确，请核对"
    return None


def division_name(code: str) -> str | None:
    """Name of a GB/T 2260 division code (6 digits; longer codes are named by their county)."""
    code = code.strip()
    if len(code) not in (6, 9, 12) or not code.isdigit():
        return None
    return _region(code[:6])
