"""USCC region part (GB/T 2260 shape, unknown county a warning), the ID-number birthplace
warning, and names read from spreadsheets."""

from __future__ import annotations

import datetime as dt

import pytest

from skillcert.common.errors import DomainError
from skillcert.common.identifiers import (
    id_number_check_digit,
    parse_id_number,
    parse_uscc,
    person_name_problem,
    uscc_check_digit,
    validate_uscc,
)

KNOWN = frozenset({"320000", "320100", "320102"})


def _uscc(stem: str) -> str:
    return stem + uscc_check_digit(stem)


def test_a_known_region_has_no_warning():
    parsed = parse_uscc(_uscc("91320102MA1N2K3L4"), known_region_codes=KNOWN)
    assert parsed.region_code == "320102" and parsed.warnings == ()
    assert validate_uscc(parsed.value) == parsed.value


def test_an_unknown_county_is_a_warning_not_an_error():
    parsed = parse_uscc(_uscc("91329999MA1N2K3L4"), known_region_codes=KNOWN)
    assert parsed.region_code == "329999"
    assert parsed.warnings == (
        "统一社会信用代码中的登记机关行政区划代码 329999 不在代码表中，请核对",
    )


def test_without_a_code_table_nothing_is_warned():
    assert parse_uscc(_uscc("91329999MA1N2K3L4")).warnings == ()


@pytest.mark.parametrize("stem", ["91A20102MA1N2K3L4", "9132010AMA1N2K3L4", "91020102MA1N2K3L4"])
def test_letters_or_a_leading_zero_in_the_region_part_are_refused(stem):
    value = _uscc(stem)
    with pytest.raises(DomainError) as caught:
        parse_uscc(value, known_region_codes=KNOWN)
    assert caught.value.code == "uscc.region_format"
    assert caught.value.field == "uscc"
    assert stem[2:8] in caught.value.message and "第3-8位" in caught.value.message


def test_the_id_number_birthplace_warning():
    first17 = "99999919900307001"
    value = first17 + id_number_check_digit(first17)
    today = dt.date(2026, 1, 1)
    parsed = parse_id_number(value, today=today, known_region_codes=KNOWN)
    assert parsed.warnings == ("出生地代码 999999 不在行政区划代码表中，请核对",)
    first17 = "32010219900307001"
    ok = parse_id_number(
        first17 + id_number_check_digit(first17), today=today, known_region_codes=KNOWN
    )
    assert ok.warnings == ()


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("=1+1", "公式"),
        ("+1", "公式"),
        ("-2+3", "公式"),
        ("@A1", "公式"),
        ("2", "不含文字"),
        ("12.5", "不含文字"),
        ("张|三", "“|”"),
        ('王"五', '“"”'),
    ],
)
def test_spreadsheet_leftovers_are_not_names(name, fragment):
    problem = person_name_problem(name)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("name", ["张三", "阿依古丽·买买提", "Jean-Paul", "O. Smith", "张1"])
def test_names_pass(name):
    assert person_name_problem(name) is None
