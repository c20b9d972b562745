"""The facade other apps call before an organisation acts: plans (评价计划) and certificates
must not be filed or issued by an organisation that is not filed, is suspended, revoked,
exited or blacklisted, whose filing has expired, or outside its filed scope."""

from __future__ import annotations

import datetime as dt

from skillcert.common.errors import DomainError
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import blacklisting_of
from skillcert.organizations.models import EvaluationOrg, OrgScope, OrgStatus

_STATUS_REFUSALS = {
    OrgStatus.UNFILED: ("org.not_filed", "尚未备案"),
    OrgStatus.SUSPENDED: ("org.suspended", "已被暂停职业技能等级认定"),
    OrgStatus.REVOKED: ("org.revoked", "备案已被撤销"),
    OrgStatus.EXITED: ("org.exited", "已退出职业技能等级认定"),
}


def organization_check_may_evaluate(
    *, org: EvaluationOrg, occupation_id: int, level: int, day: dt.date
) -> None:
    """Raise DomainError unless `org` may evaluate occupation × level on `day`."""
    refusal = _STATUS_REFUSALS.get(OrgStatus(org.status))
    if refusal is not None:
        code, what = refusal
        raise DomainError(code, f"{org.name}{what}，不能开展认定（制定评价计划或发放证书）")
    if (
        org.valid_from is None
        or org.valid_until is None
        or not (org.valid_from <= day <= org.valid_until)
    ):
        raise DomainError(
            "org.filing_expired",
            f"{org.name}的备案有效期为 {org.valid_from} 至 {org.valid_until}，"
            f"{day} 不在有效期内，请先办理延续备案",
        )
    listing = blacklisting_of(org=org, day=day)
    if listing is not None:
        raise DomainError(
            "org.blacklisted", f"{org.name}已列入黑名单（{listing.document_no}），不能开展认定"
        )
    in_scope = OrgScope.objects.filter(
        org=org, occupation_id=occupation_id, level=level, since__lte=day
    ).filter(active=True)
    if not in_scope.exists():
        raise DomainError(
            "org.outside_scope",
            f"{org.name}的备案认定范围不包括该职业的{LEVEL_NAMES.get(level, level)}",
        )
