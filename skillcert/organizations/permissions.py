"""Who may do what to an organisation. Services call these before writing; a refusal is a
`Forbidden` (the view already 404s for rows outside the user's scope, so reaching a refusal
means the user can see the row but lacks the role)."""

from __future__ import annotations

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.accounts.choices import Role
from skillcert.accounts.scope import Scope
from skillcert.common.errors import Forbidden
from skillcert.organizations.models import EvaluationOrg

# `actor_scope` and `actor_user` are re-exported for the certificates app, which still imports
# them from here; new code imports them from accounts.actors.
__all__ = [
    "actor_scope",
    "actor_user",
    "is_officer_over",
    "is_province_officer_over",
    "is_staff_of",
    "require_officer_over",
    "require_province_officer_over",
    "require_staff_of",
    "require_staff_or_officer",
]


def is_staff_of(scope: Scope, org: EvaluationOrg) -> bool:
    return scope.is_platform or org.pk in scope.organization_ids


def is_officer_over(scope: Scope, org: EvaluationOrg) -> bool:
    return scope.is_platform or (scope.is_officer and scope.covers_region_code(org.region_id))


def is_province_officer_over(scope: Scope, org: EvaluationOrg) -> bool:
    return scope.is_platform or (
        scope.has_role(Role.PROVINCE_OFFICER) and scope.covers_region_code(org.region_id)
    )


def require_staff_of(actor: Actor, org: EvaluationOrg) -> Scope:
    scope = actor_scope(actor)
    if not is_staff_of(scope, org):
        raise Forbidden("org.forbidden", f"只有“{org.name}”的工作人员可以办理此事项")
    return scope


def require_officer_over(actor: Actor, org: EvaluationOrg) -> Scope:
    scope = actor_scope(actor)
    if not is_officer_over(scope, org):
        raise Forbidden("org.forbidden", f"只有负责“{org.name}”所在地区的人社部门可以办理此事项")
    return scope


def require_province_officer_over(actor: Actor, org: EvaluationOrg) -> Scope:
    scope = actor_scope(actor)
    if not is_province_officer_over(scope, org):
        raise Forbidden("org.forbidden", "此事项须由省级人社部门办理")
    return scope


def require_staff_or_officer(actor: Actor, org: EvaluationOrg) -> Scope:
    scope = actor_scope(actor)
    if not (is_staff_of(scope, org) or is_officer_over(scope, org)):
        raise Forbidden("org.forbidden", f"无权办理“{org.name}”的此事项")
    return scope
