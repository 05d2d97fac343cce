"""E-licence identifiers (电子证照标识), GB/T 36904-2018: format and check character only (offline).

Form: ``1.2.156.3005.2.<licence type>.<issuer>.<serial>.<version>.<check>``, e.g.
``1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U``. The licence type code
is the defining department's unified social credit code plus a sequence; the issuer is the issuing
office's credit code (or a division code); the version is 3 digits. The check character is
ISO 7064 MOD 37,36 over type + issuer + serial + version with the dots removed. Whether a licence
with that identifier was really issued can only be asked online.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_36

OID_ROOT = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_LENGTH = 200
_PART = {
    "licence_type": re.compile(r"[0-9A-Z]{6,32}"),
    "issuer": re.compile(r"[0-9A-Z]{6,32}"),
    "serial": re.compile(r"[0-9A-Z]{1,64}"),
    "version": re.compile(r"\d{3}"),
    "check": re.compile(r"[0-9A-Z]"),
}
_PART_NAMES = {
    "licence_type": "证照类型代码",
    "issuer": "发证机构代码",
    "serial": "证照流水号",
    "version": "版本号",
    "check": "校验位",
}


@dataclass(frozen=True)
class ELicenceId:
    """The parts of a well-formed e-licence identifier whose check character is right."""

    licence_type: str
    issuer: str
    serial: str
    version: str
    check: str

    def __str__(self) -> str:
        return ".".join((OID_ROOT, self.licence_type, self.issuer, self.serial, self.version, self.check))


def check_character(licence_type: str, issuer: str, serial: str, version: str) -> str:
    """The MOD 37,36 check character over the four parts (characters 0-9A-Z)."""
    return mod_37_36.calc_check_digit(licence_type + issuer + serial + version, ALPHABET)


def make_elicence_id(licence_type: str, issuer: str, serial: str, version: str = "001") -> str:
    """A full identifier with its check character; raises ValueError for a part of the wrong form."""
    parts = {"licence_type": licence_type, "issuer": issuer, "serial": serial, "version": version}
    for name, value in parts.items():
        if not _PART[name].fullmatch(value):
            raise ValueError(f"e-licence {name} {value!r} is not of the form {_PART[name].pattern}")
    check = check_character(licence_type, issuer, serial, version)
    return str(ELicenceId(licence_type, issuer, serial, version, check))


def looks_like_elicence(text: str) -> bool:
    """Whether ``text`` starts with the e-licence OID root (then it is one, valid or not)."""
    return text.strip().startswith(OID_ROOT + ".")


def _split(text: str) -> tuple[dict[str, str] | None, str | None]:
    number = text.strip().upper()
    if len(number) > MAX_LENGTH:
        return None, "电子证照标识过长"
    if not number.startswith(OID_ROOT + "."):
        return None, f"电子证照标识应以 {OID_ROOT} 开头"
    pieces = number[len(OID_ROOT) + 1 :].split(".")
    if len(pieces) != len(_PART):
        return None, "电子证照标识应由证照类型、发证机构、流水号、版本号和校验位五段组成"
    parts = dict(zip(_PART, pieces, strict=True))
    for name, value in parts.items():
        if not _PART[name].fullmatch(value):
            return None, f"电子证照标识的{_PART_NAMES[name]}格式不正确"
    return parts, None


def elicence_error(text: str) -> str | None:
    """Why ``text`` is not a valid e-licence identifier, in Chinese; None when format and check are right."""
    parts, problem = _split(text)
    if parts is None:
        return problem
    expected = check_character(parts["licence_type"], parts["issuer"], parts["serial"], parts["version"])
    if parts["check"] != expected:
        return "电子证照标识校验位不正确，请核对"
    return None


def parse_elicence_id(text: str) -> ELicenceId:
    """The parts of a valid identifier (letters upper-cased); raises ValueError (English) otherwise."""
    parts, _ = _split(text)
    if parts is None or elicence_error(text) is not None:
        raise ValueError(f"not a valid e-licence identifier: {text[:80]!r}")
    return ELicenceId(**parts)
