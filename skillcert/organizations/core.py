"""Pure rules of the organisation domain: filing numbers, file-type sniffing, validity
periods and review routing. No ORM here, so these are cheap to test exhaustively."""

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


# --- uploaded files: sniff the content, never trust the name or the browser --------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
TYPE_LABELS = {"application/pdf": "PDF", "image/png": "PNG 图片", "image/jpeg": "JPEG 图片"}

# Content that must never be stored, with the name shown to the user.
_DANGEROUS_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows 可执行程序"),
    (b"\x7fELF", "Linux 可执行程序"),
    (b"\xca\xfe\xba\xbe", "Java/Mach-O 可执行程序"),
    (b"\xcf\xfa\xed\xfe", "Mach-O 可执行程序"),
    (b"#!", "脚本"),
)
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


def sniff_content_type(head: bytes) -> str | None:
    """The allowed type the first bytes prove, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def check_upload(*, name: str, size: int, head: bytes) -> str:
    """Validate an upload from its name, size and first bytes; return the detected type."""
    if size <= 0:
        raise DomainError("upload.empty", "上传的文件是空文件", field="file")
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(
            "upload.too_large",
            f"文件大小 {size / 1024 / 1024:.1f} MB 超过上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB",
            field="file",
        )
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    allowed_suffixes = {s for suffixes in ALLOWED_TYPES.values() for s in suffixes}
    if suffix not in allowed_suffixes:
        raise DomainError(
            "upload.type_not_allowed",
            f"不支持“{suffix or '无扩展名'}”文件，请上传 PDF、PNG 或 JPEG",
            field="file",
        )
    for signature, label in _DANGEROUS_SIGNATURES:
        if head.startswith(signature):
            raise DomainError(
                "upload.disguised",
                f"文件“{name}”的实际内容是{label}，不是其扩展名所示的类型，已拒收",
                field="file",
            )
    if head.lstrip()[:16].lower().startswith(_MARKUP):
        raise DomainError(
            "upload.disguised",
            f"文件“{name}”的实际内容是网页/标记文件，不是其扩展名所示的类型，已拒收",
            field="file",
        )
    detected = sniff_content_type(head)
    if detected is None:
        raise DomainError(
            "upload.unrecognised",
            f"无法识别文件“{name}”的内容，请上传 PDF、PNG 或 JPEG",
            field="file",
        )
    if suffix not in ALLOWED_TYPES[detected]:
        raise DomainError(
            "upload.disguised",
            f"文件“{name}”的实际内容是{TYPE_LABELS[detected]}，与扩展名“{suffix}”不符",
            field="file",
        )
    return detected


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
