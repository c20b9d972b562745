"""Certificate numbers a candidate cites as prior certificates, and the shape of activation
codes. Pure.

* 职业技能等级证书: 22 characters = type letter (Y/S) + 4-digit org code + 2-digit province +
  6-digit org serial + 2-digit year + level digit + 6-digit serial (DOMAIN.md §5).
* legacy 职业资格证书: 16 digits; the format carries no level we can rely on.
"""

from __future__ import annotations

import re
import secrets
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


# --- activation codes (激活码) -------------------------------------------------------------

# Read aloud or typed from a phone message: no I, L, O, 0 or 1 to confuse. 31**10 is about
# 8 * 10**14 codes, against 5 tries per account.
ACTIVATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACTIVATION_LENGTH = 10
_ACTIVATION = re.compile(f"[{ACTIVATION_ALPHABET}]{{{ACTIVATION_LENGTH}}}")
# Longer input is refused before it is normalised (no work done for a pasted essay).
_ACTIVATION_INPUT_MAX = 40


def activation_code_new() -> str:
    return "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(ACTIVATION_LENGTH))


def activation_code_display(code: str) -> str:
    """`ABCDE23456` -> `ABCDE-23456`, easier to read out; the dash is ignored on entry."""
    return f"{code[:5]}-{code[5:]}"


def activation_code_parse(raw: str) -> str:
    """The code as typed (spaces, dashes, lower case or full-width letters allowed)."""
    if not raw.strip():
        raise DomainError("claim.code_required", "请输入激活码", field="code")
    value = normalize(raw) if len(raw) <= _ACTIVATION_INPUT_MAX else ""
    if not _ACTIVATION.fullmatch(value):
        raise DomainError(
            "claim.code_format",
            f"激活码应为{ACTIVATION_LENGTH}位字母和数字（不含I、L、O、0、1），请按评价机构提供的激活码输入",
            field="code",
        )
    return value
