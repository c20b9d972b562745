"""Input checks shared by appointments, registrations, course units and offline sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillcert.common.errors import DomainError

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation, Specialty


def check_levels(level_high: int, level_low: int) -> None:
    if not (1 <= level_high <= level_low <= 5):
        raise DomainError(
            "personnel.level_range",
            "等级范围无效：最高等级应不低于最低等级，且在一级至五级之间",
            field="level_high",
        )


def check_specialty(occupation: Occupation, specialty: Specialty | None) -> None:
    if specialty is not None and specialty.occupation_id != occupation.pk:
        raise DomainError(
            "personnel.specialty_mismatch", f"工种“{specialty.name}”不属于该职业", field="specialty"
        )


def check_text(value: str, code: str, message: str, field: str, limit: int) -> str:
    """`value` without surrounding blanks, refused (`code`, `message`) when longer than
    `limit`; an empty value is the caller's to refuse (`required_text`)."""
    value = value.strip()
    if len(value) > limit:
        raise DomainError(code, message, field=field)
    return value


def required_text(value: str, code: str, message: str, field: str) -> str:
    """`value` without surrounding blanks, refused (`code`, `message`) when nothing is left."""
    value = value.strip()
    if not value:
        raise DomainError(code, message, field=field)
    return value


def check_count(value: int, code: str, message: str, field: str, high: int) -> None:
    """Refuse (`code`, `message`) unless 1 <= `value` <= `high`."""
    if not 1 <= value <= high:
        raise DomainError(code, message, field=field)
