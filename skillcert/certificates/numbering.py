"""The 22-character certificate number (人社鉴发〔2021〕1号): the organisation's 13-character
filing number + 2-digit year + level digit + 6-digit serial. Pure.

A 专项职业能力证书 has no level: its level digit is 0 (docs/formats/certificates.md), so every
number keeps its length and shape and parses back with `level=None`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from skillcert.common.errors import DomainError

FILING_NUMBER = re.compile(r"^[YS][0-9]{4}[0-9]{2}[0-9]{6}$")
CERTIFICATE_NUMBER = re.compile(r"^([YS][0-9]{12})([0-9]{2})([0-5])([0-9]{6})$")
MAX_SERIAL = 999_999
# The level digit of a certificate without a level (专项职业能力证书).
NO_LEVEL_DIGIT = 0


@dataclass(frozen=True)
class CertificateNumber:
    filing_number: str
    year: int  # four digits
    level: int | None  # None: a 专项职业能力证书, digit 0
    serial: int

    def __str__(self) -> str:
        digit = NO_LEVEL_DIGIT if self.level is None else self.level
        return f"{self.filing_number}{self.year % 100:02d}{digit}{self.serial:06d}"


def format_certificate_number(
    *, filing_number: str, year: int, level: int | None, serial: int
) -> str:
    if not FILING_NUMBER.match(filing_number):
        raise DomainError(
            "certificate.filing_number_invalid",
            f"备案编号 {filing_number!r} 格式不正确（应为 Y/S + 12 位数字）",
            field="filing_number",
        )
    if level is not None and level not in (1, 2, 3, 4, 5):
        raise DomainError(
            "certificate.level_invalid",
            f"等级 {level} 无效（应为 1–5；专项职业能力证书不设等级）",
            field="level",
        )
    if not 1 <= serial <= MAX_SERIAL:
        raise DomainError(
            "certificate.serial_exhausted",
            f"该机构 {year} 年该等级的证书流水号已用尽（上限 {MAX_SERIAL}）",
            field="serial",
        )
    if not 2000 <= year <= 2099:
        raise DomainError("certificate.year_invalid", f"发证年份 {year} 无效", field="year")
    return str(CertificateNumber(filing_number, year, level, serial))


def parse_certificate_number(number: str) -> CertificateNumber:
    match = CERTIFICATE_NUMBER.match(number.strip().upper())
    if match is None:
        raise DomainError(
            "certificate.number_format",
            "证书编号应为22位：备案编号13位 + 年份2位 + 等级1位（专项职业能力证书为0） + 流水号6位",
            field="number",
        )
    filing, yy, digit, serial = match.groups()
    level = None if int(digit) == NO_LEVEL_DIGIT else int(digit)
    return CertificateNumber(filing, 2000 + int(yy), level, int(serial))
