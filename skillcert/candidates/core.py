"""Certificate numbers a candidate cites as prior certificates. Pure.

* 职业技能等级证书: 22 characters = type letter (Y/S) + 4-digit org code + 2-digit province +
  6-digit org serial + 2-digit year + level digit + 6-digit serial (DOMAIN.md §5).
* legacy 职业资格证书: 16 digits; the format carries no level we can rely on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skillcert.common.errors import DomainError
from skillcert.common.identifiers import normalize

_SKILL_LEVEL = re.compile(r"[YS]\d{4}\d{2}\d{6}\d{2}([1-5])\d{6}")
_LEGACY = re.compile(r"\d{16}")


@dataclass(frozen=True)
class CertificateNumber:
    value: str
    kind: str  # "skill_level" or "qualification"
    level: int | None  # encoded in new numbers only


def certificate_number_parse(raw: str) -> CertificateNumber:
    value = normalize(raw)
    match = _SKILL_LEVEL.fullmatch(value)
    if match:
        return CertificateNumber(value, "skill_level", int(match.group(1)))
    if _LEGACY.fullmatch(value):
        return CertificateNumber(value, "qualification", None)
    raise DomainError(
        "certificate.number_format",
        "证书编号应为22位职业技能等级证书编号（如 S000032000001215000001）"
        "或16位数字的原职业资格证书编号",
        field="number",
    )
