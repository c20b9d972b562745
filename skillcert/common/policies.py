"""Province rule values kept as versioned data (DOMAIN.md: "keep as editable data").

Every policy table (filing, personnel, supervision, exam logistics, re-check, review sampling)
subclasses `VersionedPolicy`: a row is one version of one province's values, in force from
`effective_from`, citing its source document (文号). Versions are never edited; a change is a
new row. A value copied from another province or a repost is recorded with
`needs_verification` (待核实) until an officer confirms it.

`policy_in_force` is the one read every service uses. The writes (recording a version,
confirming one) are audited and live with the settings pages (`workbench.policy_services`),
above the apps whose tables they write; this module sits below them all.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db import models
from django.db.models import Q

from skillcert.common.errors import DomainError
from skillcert.common.fields import ref_fk, user_fk

# The first version of every policy that existed before versions did.
FIRST_VERSION_DATE = dt.date(2000, 1, 1)


class VersionedPolicy(models.Model):
    """One version of a province's rule values. Subclasses declare `province` either as a
    two-digit code column (blank = the default row for provinces without their own) or as a
    foreign key to the province's `regions.Region`; `PROVINCE_IS_REGION` says which."""

    PROVINCE_IS_REGION = False

    effective_from = models.DateField("生效日期", default=FIRST_VERSION_DATE)
    document_no = models.CharField("依据文号", max_length=200)
    needs_verification = models.BooleanField("待核实", default=False)
    confirmed_by = user_fk("核实人")
    confirmed_at = models.DateTimeField("核实时间", null=True, blank=True)
    recorded_by = user_fk("录入人")
    recorded_at = models.DateTimeField("录入时间", null=True, blank=True)

    class Meta:
        abstract = True


class CodeKeyedPolicy(VersionedPolicy):
    """A policy whose rows name the province by its two-digit code; the rows with a blank
    province are the default for provinces without their own."""

    province = models.CharField("省份代码", max_length=2, blank=True)

    class Meta:
        abstract = True


class RegionKeyedPolicy(VersionedPolicy):
    """A policy whose rows point at the province's `regions.Region` (no default row)."""

    PROVINCE_IS_REGION = True

    province = ref_fk("regions.Region", "省份")

    class Meta:
        abstract = True


P = TypeVar("P", bound=VersionedPolicy)


def province_filter(model: type[VersionedPolicy], province: str) -> Q:
    """The rows that may apply to a province (its own and, for code-keyed tables, the default)."""
    code = province[:2]
    if model.PROVINCE_IS_REGION:
        return Q(province_id=f"{code}0000")
    return Q(province__in=["", code])


def province_value(model: type[VersionedPolicy], province: str) -> str:
    """What a new row of `model` stores in `province` (the code, or the Region's key)."""
    code = province[:2]
    return f"{code}0000" if model.PROVINCE_IS_REGION else code


def policy_in_force(model: type[P], *, province: str, on: dt.date) -> P | None:
    """The version of the province's own rules in force on `on` (the latest whose effective date
    is not after it; the later recorded wins a tie), else the default row's, else None."""
    rows = list(
        model._default_manager.filter(
            province_filter(model, province), effective_from__lte=on
        ).order_by("-effective_from", "-id")
    )
    own = province_value(model, province)
    for row in rows:
        if _row_province(row) == own:
            return row
    return rows[0] if rows else None


def policy_history(model: type[P], *, province: str) -> list[P]:
    """Every version of the province's own rules (and the default's), newest first."""
    return list(
        model._default_manager.filter(province_filter(model, province)).order_by(
            "-effective_from", "-id"
        )
    )


def _row_province(row: VersionedPolicy) -> str:
    if row.PROVINCE_IS_REGION:
        return str(row.province_id)  # type: ignore[attr-defined]
    return str(row.province)  # type: ignore[attr-defined]


def effective_date_check(*, effective_from: dt.date | None, today: dt.date) -> dt.date:
    """A version starts today or later: rules already applied are never rewritten."""
    if effective_from is None:
        raise DomainError(
            "policy.effective_from_required", "请填写生效日期", field="effective_from"
        )
    if effective_from < today:
        raise DomainError(
            "policy.backdated",
            f"生效日期不能早于今天（{today.isoformat()}）：已经执行的规则不能追溯修改",
            field="effective_from",
        )
    return effective_from


def document_no_check(document_no: str) -> str:
    value = (document_no or "").strip()
    if not value:
        raise DomainError(
            "policy.document_no_required",
            "请填写依据文号（如 川人社发〔2024〕3号）",
            field="document_no",
        )
    return value
