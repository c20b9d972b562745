"""Validation, normalisation and masking of the identifiers the platform handles:
resident ID numbers (GB 11643), unified social credit codes (GB 32100) and mobile numbers.

Pure functions: no ORM, no settings. Each validator returns the normalised value or raises
DomainError with a stable code and a message naming what is wrong."""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass, field

from stdnum.cn import uscc as stdnum_uscc

from skillcert.common.errors import DomainError

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def normalize(value: str) -> str:
    """Full-width letters and digits to ASCII, spaces and dashes dropped, upper-cased
    (a trailing `x` in an ID number is `X`)."""
    if value.isascii() and value.isalnum():  # the usual cell: nothing to translate or drop
        return value.upper()
    value = value.translate(_FULLWIDTH)
    return re.sub(r"[\s\-]", "", value).upper()


# --- resident ID number (GB 11643-1999) --------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_check_digit(first17: str) -> str:
    if len(first17) != len(_ID_WEIGHTS):
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    region_code: str
    gender: str  # "M" or "F"
    warnings: tuple[str, ...] = field(default=())


def parse_id_number(
    raw: str,
    *,
    today: dt.date | None = None,
    known_region_codes: frozenset[str] | None = None,
) -> IdNumber:
    """Validate an 18-character resident ID number. An unknown birthplace code is a warning
    (county codes change over time), never an error."""
    value = normalize(raw)
    if len(value) != 18:
        raise DomainError(
            "id_number.length", f"身份证号码应为18位，当前为{len(value)}位", field="id_number"
        )
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise DomainError(
            "id_number.format", "身份证号码前17位应为数字，最后一位为数字或X", field="id_number"
        )
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise DomainError(
            "id_number.birth_date",
            f"身份证号码中的出生日期 {value[6:14]} 不是有效日期",
            field="id_number",
        ) from None
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date, not an instant
    if birth > today or birth.year < 1900:
        raise DomainError(
            "id_number.birth_date",
            f"身份证号码中的出生日期 {birth.isoformat()} 不合理",
            field="id_number",
        )
    if id_number_check_digit(value[:17]) != value[17]:
        raise DomainError(
            "id_number.checksum", "身份证号码校验位不正确，请核对后重新输入", field="id_number"
        )
    warnings: list[str] = []
    if known_region_codes is not None and value[:6] not in known_region_codes:
        warnings.append(f"出生地代码 {value[:6]} 不在行政区划代码表中，请核对")
    return IdNumber(
        value=value,
        birth_date=birth,
        region_code=value[:6],
        gender="M" if int(value[16]) % 2 else "F",
        warnings=tuple(warnings),
    )


def validate_id_number(raw: str) -> str:
    return parse_id_number(raw).value


# --- unified social credit code (GB 32100-2015) ------------------------------------------


@dataclass(frozen=True)
class Uscc:
    value: str
    region_code: str  # characters 3-8: the registering authority's GB/T 2260 code
    warnings: tuple[str, ...] = field(default=())


def parse_uscc(raw: str, *, known_region_codes: frozenset[str] | None = None) -> Uscc:
    """Validate a unified social credit code. Characters 3-8 are the registering authority's
    administrative division code (GB/T 2260): six digits, or the code is refused; a code not
    in `known_region_codes` (from the regions table, passed in by the caller) is a warning,
    since county codes change over time."""
    value = normalize(raw)
    if len(value) != 18:
        raise DomainError(
            "uscc.length", f"统一社会信用代码应为18位，当前为{len(value)}位", field="uscc"
        )
    if not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", value):
        raise DomainError(
            "uscc.format",
            "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）",
            field="uscc",
        )
    region = value[2:8]
    if not re.fullmatch(r"[1-9]\d{5}", region):
        raise DomainError(
            "uscc.region_format",
            f"统一社会信用代码第3-8位应为6位行政区划代码（数字），当前为 {region}",
            field="uscc",
        )
    if stdnum_uscc.calc_check_digit(value[:17]) != value[17]:
        raise DomainError(
            "uscc.checksum", "统一社会信用代码校验位不正确，请核对后重新输入", field="uscc"
        )
    warnings: list[str] = []
    if known_region_codes is not None and region not in known_region_codes:
        warnings.append(f"统一社会信用代码中的登记机关行政区划代码 {region} 不在代码表中，请核对")
    return Uscc(value=value, region_code=region, warnings=tuple(warnings))


def validate_uscc(raw: str) -> str:
    return parse_uscc(raw).value


def uscc_check_digit(first17: str) -> str:
    return str(stdnum_uscc.calc_check_digit(first17))


# --- mobile numbers ----------------------------------------------------------------------


def validate_mobile(raw: str) -> str:
    value = normalize(raw)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if not re.fullmatch(r"1[3-9]\d{9}", value):
        raise DomainError(
            "mobile.format", "手机号码应为以1开头的11位数字（如 13912345678）", field="phone"
        )
    return value


# --- person names read from spreadsheets -------------------------------------------------

_NAME_FORMULA_START = ("=", "+", "-", "@")
_NAME_FORBIDDEN = re.compile(r"[=@<>{}\[\]|\\/;$^*&#~\"!?]")


def person_name_problem(name: str) -> str | None:
    """Why `name` (already trimmed) cannot be a person's name, or None. Catches what a
    spreadsheet leaves in a name cell: formula text (`=1+1`), a formula's result or a number
    (`2`), and formula punctuation (`=`, `|`, `!`…). Letters of any script, `·`, `.`, `-`
    inside, digits beside letters and spaces are allowed (少数民族 and foreign names; numbered
    placeholder names in test data)."""
    if name[:1] in _NAME_FORMULA_START:
        return f"“{name[:20]}”以 {name[0]} 开头，是公式而不是姓名"
    if not any(ch.isalpha() for ch in name):
        return f"“{name[:20]}”不含文字，可能是数字或公式的计算结果"
    bad = _NAME_FORBIDDEN.search(name)
    if bad:
        return f"“{name[:20]}”含有姓名中不应出现的字符“{bad.group()}”"
    return None


# --- masking (PIPL) ----------------------------------------------------------------------


def mask_id_number(value: str) -> str:
    """`320102199001011234` -> `3201**********1234`."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """`13912345678` -> `139****5678`."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """`张三` -> `张*`, `张小三` -> `张*三`, `欧阳小明` -> `欧**明`."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask(value: str, *, kind: str) -> str:
    """One entry point for templates and exports: kind is id_number, phone or name."""
    if not value:
        return value
    return {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name}[kind](value)
