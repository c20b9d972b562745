"""The facade other apps call before an organisation acts: whether its standing on a day lets
it draft or file a plan (报备评价计划), issue certificates, take new applications, appoint
assessment personnel, grant item-bank roles in its own bank or register results.

`organization_permit` is the decision, written once: a pure function over the organisation's
standing (filing status and validity, the abnormal list 异常名录 and the blacklist 黑名单, the
occupation × level lines of its scope covered that day and those of them taken off the
directory 目录清单) and the action, returning a verdict
with a stable code and a Chinese reason. `organization_standing` is the thin loader that reads
that standing; `organization_permit_check` loads, decides and raises the refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.db.models import Q

from skillcert.common.errors import DomainError
from skillcert.occupations.selectors import directory_lines_removed
from skillcert.organizations.choices import CreditList, OrgStatus
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import listings_in_force
from skillcert.organizations.models import EvaluationOrg, OrgScope

Action = Literal[
    "plan_create", "plan_file", "issue", "apply", "appoint", "itembank_role", "register_results"
]
ACTIONS: tuple[Action, ...] = (
    "plan_create",
    "plan_file",
    "issue",
    "apply",
    "appoint",
    "itembank_role",
    "register_results",
)


@dataclass(frozen=True)
class _Rule:
    doing: str  # what the action is called in a refusal ("…，不能<doing>")
    abnormal: bool  # the abnormal list (异常名录) refuses it
    directory: bool  # an occupation × level taken off the directory refuses it
    # An organisation not yet filed may do it: it builds its staff before it files.
    before_filing: bool = False


_RULES: dict[Action, _Rule] = {
    # A plan may still be drafted while on the abnormal list; filing it is what is refused.
    "plan_create": _Rule("制定评价计划", abnormal=False, directory=True),
    "plan_file": _Rule("报备评价计划", abnormal=True, directory=True),
    # Candidates already assessed keep their certificates after a removal from the directory.
    "issue": _Rule("发放职业技能等级证书", abnormal=True, directory=False),
    "apply": _Rule("受理新的认定申报", abnormal=True, directory=True),
    "appoint": _Rule(
        "聘用考评人员或签订保密协议", abnormal=True, directory=False, before_filing=True
    ),
    "itembank_role": _Rule("授予题库角色", abnormal=True, directory=False, before_filing=True),
    "register_results": _Rule("办理成绩登记备案", abnormal=True, directory=False),
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
    # (occupation id, level) of its scope that the directory listed before `day` but not on it
    delisted: frozenset[tuple[int, int]] = frozenset()


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
    rule: _Rule,
    occupation_id: int | None,
    level: int | None,
) -> Verdict:
    name, day, doing = standing.name, standing.day, rule.doing
    preparing = rule.before_filing and standing.status == OrgStatus.UNFILED
    refusal = _STATUS_REFUSALS.get(standing.status)
    if refusal is not None and not preparing:
        code, what = refusal
        return Verdict(False, code, f"{name}{what}，不能{doing}")
    if not preparing and (
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
    if rule.abnormal and standing.abnormal is not None:
        return Verdict(
            False,
            "org.abnormal_listed",
            f"{name}已列入经营异常名录（{standing.abnormal.document_no}），不能{doing}",
        )
    if occupation_id is None:
        return ALLOWED
    # A 专项职业能力 assessment has no level: its occupation is in scope at whatever level
    # the filing lists it, and off the directory once every such line is.
    covered = _lines(standing.scope, occupation_id, level)
    what = "专项职业能力" if level is None else LEVEL_NAMES.get(level, str(level))
    if not covered:
        return Verdict(
            False,
            "org.outside_scope",
            f"{name}的备案认定范围在 {day} 不包括该职业的{what}，不能{doing}",
        )
    if rule.directory and covered <= _lines(standing.delisted, occupation_id, level):
        return Verdict(
            False,
            "org.occupation_delisted",
            f"该职业的{what}已移出职业技能等级认定目录清单（{day} 不在目录中），{name}不能{doing}",
        )
    return ALLOWED


def _lines(
    lines: frozenset[tuple[int, int]], occupation_id: int, level: int | None
) -> set[tuple[int, int]]:
    """The (occupation, level) lines that concern the action: the one level asked, or every
    level of the occupation when the action has none."""
    return {(o, lv) for o, lv in lines if o == occupation_id and level in (None, lv)}


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
    not in its scope that day; for a new plan or application, the occupation × level taken
    off the directory (目录清单) since. The abnormal list does not stop a plan being drafted,
    and a removal from the directory does not stop certificates for those already assessed.
    Appointing personnel and item-bank roles concern no occupation (pass none) and are open to
    an organisation still preparing its first filing (it needs its staff to file)."""
    return _decide(standing, rule=_RULES[action], occupation_id=occupation_id, level=level)


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
    scope = frozenset(
        OrgScope.objects.filter(org_id=org.pk, since__lte=day)
        .filter(Q(active=True) | Q(until__gt=day))
        .values_list("occupation_id", "level")
    )
    removed = directory_lines_removed(
        occupation_ids={occupation_id for occupation_id, _ in scope},
        day=day,
        province=settings.SKILLCERT_PROVINCE,
    )
    return Standing(
        name=org.name,
        status=str(org.status),
        valid_from=org.valid_from,
        valid_until=org.valid_until,
        day=day,
        abnormal=_listing(listings, CreditList.ABNORMAL),
        blacklist=_listing(listings, CreditList.BLACKLIST),
        scope=scope,
        delisted=frozenset(removed & scope),
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
    """The check plan creation makes: the permit for `plan_create`."""
    organization_permit_check(
        org=org, action="plan_create", day=day, occupation_id=occupation_id, level=level
    )
