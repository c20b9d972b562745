"""What each persona sees first when signing in: counts scoped like the lists they open."""

from __future__ import annotations

from dataclasses import dataclass

from skillcert.accounts.actors import Actor
from skillcert.accounts.models import RoleAssignment
from skillcert.accounts.scope import scope_for
from skillcert.audit.models import AuditEvent
from skillcert.organizations.selectors import organizations_visible
from skillcert.regions.models import Region, RegionLevel
from skillcert.workdays.models import CalendarYear


@dataclass(frozen=True)
class Card:
    label: str
    value: int | str
    link: str = ""


def dashboard_counts(*, user: Actor) -> list[Card]:
    """Real counts for the signed-in user's role, each scoped like the lists they open."""
    scope = scope_for(user)
    cards: list[Card] = []
    if scope.is_officer:
        orgs = organizations_visible(scope=scope)
        cards.append(Card("辖区评价机构", orgs.count(), "/organizations/"))
        prefectures = Region.objects.filter(
            scope.code_prefix_q("code"), level=RegionLevel.PREFECTURE, active=True
        )
        cards.append(Card("辖区地市", prefectures.count()))
        if scope.is_province_officer:
            cards.append(Card("审计事件", AuditEvent.objects.count(), "/audit/"))
        years = list(CalendarYear.objects.values_list("year", flat=True))
        cards.append(Card("工作日历覆盖至", f"{max(years)}年" if years else "未录入", "/workdays/"))
    if scope.is_org_staff:
        cards.append(
            Card(
                "本机构工作人员",
                RoleAssignment.objects.filter(
                    organization_id__in=scope.organization_ids, active=True
                )
                .values("user")
                .distinct()
                .count(),
            )
        )
        cards.append(Card("本机构", organizations_visible(scope=scope).count(), "/organizations/"))
    if not cards:
        cards.append(Card("我的角色", len(scope.roles)))
    return cards
