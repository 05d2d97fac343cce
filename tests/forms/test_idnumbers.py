"""ID numbers (GB 11643) and credit codes (GB 32100), with the cases stdnum leaves out."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric

from desktop.forms import idnumbers


def _with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")  # stdnum skips the last character


def test_published_examples_are_valid_and_decoded() -> None:
    assert idnumbers.id_error("11010519491231002X") is None
    assert idnumbers.birth_date("11010519491231002X") == "1949-12-31"
    assert idnumbers.sex("11010519491231002X") == "女"
    assert idnumbers.sex("440524188001010014") == "男"
    assert "北京" in (idnumbers.region_name("11010519491231002X") or "")


def test_lowercase_x_and_spaces_are_accepted() -> None:
    assert idnumbers.id_error(" 11010519491231002x ") is None


def test_bad_check_character_is_reported_in_chinese() -> None:
    assert idnumbers.id_error("110105194912310021") == "身份证号码校验位不正确，请核对"


def test_legacy_fifteen_digit_numbers() -> None:
    assert idnumbers.id_error("110105491231002") is None
    assert idnumbers.birth_date("110105491231002") == "1949-12-31"
    assert idnumbers.id_error("110105491331002") == "身份证号码中的出生日期无效"


def test_foreign_permanent_residence_and_hk_macao_taiwan_permits() -> None:
    foreign = _with_check("93384019850101001")
    assert idnumbers.id_error(foreign) is None
    assert idnumbers.region_name(foreign) == "外国人永久居留身份证"
    permit = _with_check("81000019900101002")
    assert idnumbers.id_error(permit) is None
    assert idnumbers.region_name(permit) == "香港居民居住证"


def test_a_birth_date_after_the_halls_today_is_refused() -> None:
    number = _with_check("21010220261201001")
    assert idnumbers.id_error(number, dt.date(2026, 11, 30)) == "身份证号码中的出生日期晚于今天"
    assert idnumbers.id_error(number, dt.date(2026, 12, 1)) is None
    assert idnumbers.id_error(number) is None  # a scanner only classifies: no date, no future check


def test_a_full_width_id_number_reads_as_the_ascii_one() -> None:
    assert idnumbers.normalize_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert idnumbers.id_error("１１０１０５１９４９１２３１００２Ｘ") is None


def test_uscc_checks() -> None:
    assert idnumbers.uscc_error("91110000600037341L") is None
    assert idnumbers.uscc_error("91110000600037341M") == "统一社会信用代码校验位不正确，请核对"
    assert "I" in (idnumbers.uscc_error("9111000060003734IL") or "")
    assert idnumbers.uscc_error("123") == "统一社会信用代码应为18位"


def test_garbage_never_raises() -> None:
    for text in ("", "x" * 1000, "\x00\x01", "１１０１０５"):
        idnumbers.id_error(text)
        idnumbers.uscc_error(text)
        assert idnumbers.birth_date(text) is None
