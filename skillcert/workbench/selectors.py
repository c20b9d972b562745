"""What each persona sees first when signing in: counts scoped like the lists they open."""

from __future__ import annotations

from dataclasses import dataclass

from skillcert.accounts.actors import Actor
from skillcert.accounts.scope import scope_for
from skillcert.accounts.selectors import organization_staff_count
from skillcert.audit.selectors import audit_events
from skillcert.organizations.selectors import organizations_visible
from skillcert.regions.selectors import prefectures_visible
from skillcert.workdays.selectors import calendar_last_year


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
        cards.append(Card("辖区地市", prefectures_visible(scope=scope).count()))
        if scope.is_province_officer:
            cards.append(Card("审计事件", audit_events(scope=scope).count(), "/audit/"))
        last = calendar_last_year()
        cards.append(
            Card("工作日历覆盖至", f"{last}年" if last is not None else "未录入", "/workdays/")
        )
    if scope.is_org_staff:
        cards.append(
            Card(
                "本机构工作人员",
                organization_staff_count(organization_ids=scope.organization_ids),
            )
        )
        cards.append(Card("本机构", organizations_visible(scope=scope).count(), "/organizations/"))
    if not cards:
        cards.append(Card("我的角色", len(scope.roles)))
    return cards
