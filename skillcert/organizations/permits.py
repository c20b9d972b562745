"""The facade other apps call before an organisation acts: whether its standing on a day lets
it file a plan (报备评价计划), issue certificates, take new applications, appoint assessment
personnel or register results.

`organization_permit` is the decision, written once: a pure function over the organisation's
standing (filing status and validity, the abnormal list 异常名录 and the blacklist 黑名单, the
occupation × level lines of its scope covered that day) and the action, returning a verdict
with a stable code and a Chinese reason. `organization_standing` is the thin loader that reads
that standing; `organization_permit_check` loads, decides and raises the refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.db.models import Q

from skillcert.common.errors import DomainError
from skillcert.organizations.choices import CreditList, OrgStatus
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import listings_in_force
from skillcert.organizations.models import EvaluationOrg, OrgScope

Action = Literal["plan_file", "issue", "apply", "appoint", "register_results"]
ACTIONS: tuple[Action, ...] = ("plan_file", "issue", "apply", "appoint", "register_results")

# What each action is called in a refusal ("…，不能<what>").
_ACTION_WORDS: dict[Action, str] = {
    "plan_file": "报备评价计划",
    "issue": "发放职业技能等级证书",
    "apply": "受理新的认定申报",
    "appoint": "聘用考评人员或签订保密协议",
    "register_results": "办理成绩登记备案",
}

_STATUS_REFUSALS: dict[str, tuple[str, str]] = {
    OrgStatus.UNFILED: ("org.not_filed", "尚未备案"),
    OrgStatus.SUSPENDED: ("org.suspended", "已被暂停职业技能等级认定"),
    OrgStatus.REVOKED: ("org.revoked", "备案已被撤销"),
    OrgStatus.EXITED: ("org.exited", "已退出职业技能等级认定"),
}


@dataclass(frozen=True)
class Listing:
    """An abnormal-list or blacklist entry in force on the day."""

    document_no: str
    starts_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True)
class Standing:
    """An organisation as the permit sees it on `day`: plain data, no ORM."""

    name: str
    status: str  # an OrgStatus value
    valid_from: dt.date | None
    valid_until: dt.date | None
    day: dt.date
    abnormal: Listing | None = None
    blacklist: Listing | None = None
    scope: frozenset[tuple[int, int]] = frozenset()  # (occupation id, level) covered on `day`


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    code: str = ""
    reason: str = ""

    def raise_if_refused(self) -> None:
        if not self.allowed:
            raise DomainError(self.code, self.reason)


ALLOWED = Verdict(True)


def _decide(
    standing: Standing,
    *,
    doing: str,
    check_abnormal: bool,
    occupation_id: int | None,
    level: int | None,
) -> Verdict:
    name, day = standing.name, standing.day
    refusal = _STATUS_REFUSALS.get(standing.status)
    if refusal is not None:
        code, what = refusal
        return Verdict(False, code, f"{name}{what}，不能{doing}")
    if (
        standing.valid_from is None
        or standing.valid_until is None
        or not (standing.valid_from <= day <= standing.valid_until)
    ):
        return Verdict(
            False,
            "org.filing_expired",
            f"{name}的备案有效期为 {standing.valid_from} 至 {standing.valid_until}，"
            f"{day} 不在有效期内，不能{doing}，请先办理延续备案",
        )
    if standing.blacklist is not None:
        return Verdict(
            False,
            "org.blacklisted",
            f"{name}已列入黑名单（{standing.blacklist.document_no}），不能{doing}",
        )
    if check_abnormal and standing.abnormal is not None:
        return Verdict(
            False,
            "org.abnormal_listed",
            f"{name}已列入经营异常名录（{standing.abnormal.document_no}），不能{doing}",
        )
    if (
        occupation_id is not None
        and level is not None
        and (occupation_id, level) not in standing.scope
    ):
        return Verdict(
            False,
            "org.outside_scope",
            f"{name}的备案认定范围在 {day} 不包括该职业的"
            f"{LEVEL_NAMES.get(level, str(level))}，不能{doing}",
        )
    return ALLOWED


def organization_permit(
    *,
    standing: Standing,
    action: Action,
    occupation_id: int | None = None,
    level: int | None = None,
) -> Verdict:
    """May the organisation do `action` (for occupation × level, when the action concerns
    one) on `standing.day`? Refused, in this order: not filed, suspended, revoked or exited;
    outside its filing's validity; blacklisted; on the abnormal list; the occupation × level
    not in its scope that day. Appointing personnel concerns no occupation: pass none."""
    return _decide(
        standing,
        doing=_ACTION_WORDS[action],
        check_abnormal=True,
        occupation_id=occupation_id,
        level=level,
    )


def _listing(rows: list[tuple[str, str, dt.date, dt.date | None]], kind: str) -> Listing | None:
    for list_kind, document_no, starts_on, ends_on in rows:
        if list_kind == kind:
            return Listing(document_no, starts_on, ends_on)
    return None


def organization_standing(*, org: EvaluationOrg, day: dt.date) -> Standing:
    """Read the organisation's standing on `day`: its listings in force and the scope lines
    covering the day (a line dropped later still covered the days before it was dropped)."""
    listings = list(
        listings_in_force(org_ids=[org.pk], day=day)
        .order_by("-starts_on", "-id")
        .values_list("list_kind", "document_no", "starts_on", "ends_on")
    )
    scope = OrgScope.objects.filter(org_id=org.pk, since__lte=day).filter(
        Q(active=True) | Q(until__gt=day)
    )
    return Standing(
        name=org.name,
        status=str(org.status),
        valid_from=org.valid_from,
        valid_until=org.valid_until,
        day=day,
        abnormal=_listing(listings, CreditList.ABNORMAL),
        blacklist=_listing(listings, CreditList.BLACKLIST),
        scope=frozenset(scope.values_list("occupation_id", "level")),
    )


def organization_permit_check(
    *,
    org: EvaluationOrg,
    action: Action,
    day: dt.date,
    occupation_id: int | None = None,
    level: int | None = None,
) -> None:
    """Raise the refusal (DomainError with the verdict's code) unless `org` may act."""
    standing = organization_standing(org=org, day=day)
    organization_permit(
        standing=standing, action=action, occupation_id=occupation_id, level=level
    ).raise_if_refused()


def organization_check_may_evaluate(
    *, org: EvaluationOrg, occupation_id: int, level: int, day: dt.date
) -> None:
    """The standing check plan creation uses today: the permit without the abnormal list
    (plan filing adds it). Services move to `organization_permit_check` with their action."""
    _decide(
        organization_standing(org=org, day=day),
        doing="开展认定（制定评价计划或发放证书）",
        check_abnormal=False,
        occupation_id=occupation_id,
        level=level,
    ).raise_if_refused()
