"""Pure rules of the organisation domain: filing numbers, validity periods and review
routing. No ORM here, so these are cheap to test exhaustively."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from skillcert.common.errors import DomainError

LEVEL_NAMES = {
    5: "五级/初级工",
    4: "四级/中级工",
    3: "三级/高级工",
    2: "二级/技师",
    1: "一级/高级技师",
}


def required_text(value: str, code: str, message: str, field: str) -> str:
    """The value without surrounding blanks; refused with `code` when nothing is left."""
    value = value.strip()
    if not value:
        raise DomainError(code, message, field=field)
    return value


# --- filing number (DOMAIN.md §5, positions 1-13 of the certificate number) -------------

FILING_NUMBER_RE = re.compile(r"^([YS])([0-9]{4})([0-9]{2})([0-9]{6})$")
PROVINCIAL_AUTHORITY_CODE = "0000"
MAX_SERIAL = 999_999


@dataclass(frozen=True)
class FilingNumberParts:
    letter: str
    authority_code: str
    province: str
    serial: int


def format_filing_number(*, letter: str, authority_code: str, province: str, serial: int) -> str:
    """`Y` + `0000` + `51` + `001064` -> `Y000051001064`."""
    if letter not in ("Y", "S"):
        raise DomainError("filing.letter_invalid", f"备案类型字母应为 Y 或 S，收到“{letter}”")
    if not re.fullmatch(r"[0-9]{4}", authority_code):
        raise DomainError(
            "filing.authority_code_invalid",
            f"备案机关代码应为4位数字（省级备案为0000），收到“{authority_code}”",
            field="authority_code",
        )
    if not re.fullmatch(r"[0-9]{2}", province):
        raise DomainError("filing.province_invalid", f"省份代码应为2位数字，收到“{province}”")
    if not 1 <= serial <= MAX_SERIAL:
        raise DomainError(
            "filing.serial_exhausted",
            f"备案序号应在 1 至 {MAX_SERIAL} 之间，本序列已用尽，请联系平台管理员",
        )
    return f"{letter}{authority_code}{province}{serial:06d}"


def parse_filing_number(value: str) -> FilingNumberParts:
    match = FILING_NUMBER_RE.fullmatch(value.strip().upper())
    if match is None:
        raise DomainError(
            "filing.number_format",
            "备案编号应为13位：类型字母（Y/S）+ 4位机构代码 + 2位省份代码 + 6位序号",
            field="filing_number",
        )
    letter, authority, province, serial = match.groups()
    return FilingNumberParts(letter, authority, province, int(serial))


# --- dates -------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day `years` later; 29 February falls back to 28 February."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def validity_until(start: dt.date, years: int) -> dt.date:
    """Last valid day of a period of `years` starting on `start` (inclusive both ends). A
    period starting on 29 February runs to the end of February in a common year."""
    anniversary = add_years(start, years)
    if (start.month, start.day) == (2, 29) and anniversary.day == 28:
        anniversary = anniversary.replace(month=3, day=1)
    return anniversary - dt.timedelta(days=1)


def renewal_period(
    *, today: dt.date, current_until: dt.date | None, years: int
) -> tuple[dt.date, dt.date]:
    """A renewal continues from the day after the current period when it is still running,
    so no day is lost or doubled; after expiry it starts today."""
    if current_until is not None and current_until >= today:
        start = current_until + dt.timedelta(days=1)
    else:
        start = today
    return start, validity_until(start, years)


def report_due_date(*, year: int, month: int, day: int) -> dt.date:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day, last))


# --- review routing ----------------------------------------------------------------------


def needs_province_review(
    *, levels: Iterable[int], service_region_level: str, province_review_levels: Iterable[int]
) -> bool:
    """A city reviews first; the province also reviews when the organisation would certify
    beyond one city, or at a level the policy reserves for the province (技师/高级技师)."""
    if service_region_level == "province":
        return True
    reserved = set(province_review_levels)
    return any(level in reserved for level in levels)


ScopeKey = tuple[int, int | None, int]  # occupation id, specialty id, level


@dataclass(frozen=True)
class ScopeDiff:
    added: frozenset[ScopeKey]
    dropped: frozenset[ScopeKey]
    kept: frozenset[ScopeKey]


def scope_diff(*, current: Iterable[ScopeKey], wanted: Iterable[ScopeKey]) -> ScopeDiff:
    now, want = set(current), set(wanted)
    return ScopeDiff(frozenset(want - now), frozenset(now - want), frozenset(now & want))
