"""Who reviews at which tier: the organisation's staff at 初审, the city officer over the
organisation's region at 复审, the province officer at 终审."""

from __future__ import annotations

from skillcert.accounts.choices import Role
from skillcert.accounts.scope import Scope
from skillcert.applications.models import Tier


def may_review(*, scope: Scope, tier: str, organization_id: int, region_code: str) -> bool:
    if scope.is_platform:
        return True
    if tier == Tier.ORG:
        return organization_id in scope.organization_ids
    if tier == Tier.CITY:
        return scope.has_role(Role.CITY_OFFICER) and scope.covers_region_code(region_code)
    if tier == Tier.PROVINCE:
        return scope.has_role(Role.PROVINCE_OFFICER) and scope.covers_region_code(region_code)
    return False


def reviewer_tiers(*, scope: Scope) -> list[str]:
    """The tiers whose queue this user works."""
    if scope.is_platform:
        return [Tier.ORG, Tier.CITY, Tier.PROVINCE]
    tiers: list[str] = []
    if scope.is_org_staff:
        tiers.append(Tier.ORG)
    if scope.has_role(Role.CITY_OFFICER):
        tiers.append(Tier.CITY)
    if scope.has_role(Role.PROVINCE_OFFICER):
        tiers.append(Tier.PROVINCE)
    return tiers
