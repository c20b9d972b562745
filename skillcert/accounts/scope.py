"""What a user may see. Computed once per request from the user's active role assignments;
selectors narrow querysets with it, and `get_object_in_scope` turns "not yours" into 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from skillcert.accounts.models import OFFICER_ROLES, ORG_ROLES, Role, RoleAssignment

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_platform: bool
    roles: frozenset[str]
    region_prefixes: frozenset[str]  # officer jurisdictions, as GB/T 2260 code prefixes
    organization_ids: frozenset[int]

    @property
    def is_officer(self) -> bool:
        return self.is_platform or bool(self.roles & OFFICER_ROLES)

    @property
    def is_province_officer(self) -> bool:
        return self.is_platform or Role.PROVINCE_OFFICER in self.roles

    @property
    def is_org_staff(self) -> bool:
        return bool(self.roles & ORG_ROLES)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def region_q(self, field: str) -> Q:
        """Rows whose region (a FK to Region, named `field`) lies in the officer's area."""
        return self.code_prefix_q(f"{field}__code")

    def code_prefix_q(self, lookup: str) -> Q:
        """Rows whose division code (at `lookup`) starts with one of the officer's prefixes."""
        if self.is_platform:
            return Q()
        q = Q(pk__in=[])
        for prefix in sorted(self.region_prefixes):
            q |= Q(**{f"{lookup}__startswith": prefix})
        return q

    def organization_q(self, field: str) -> Q:
        if self.is_platform:
            return Q()
        return Q(**{f"{field}__in": sorted(self.organization_ids)})

    def covers_region_code(self, code: str) -> bool:
        return self.is_platform or any(code.startswith(p) for p in self.region_prefixes)


ANONYMOUS = Scope(None, False, frozenset(), frozenset(), frozenset())


# Trusted processes of the system (commands, the demo, tasks) act with platform scope.
SYSTEM_SCOPE = Scope(None, True, frozenset(), frozenset(), frozenset())


def scope_for(user: Any) -> Scope:
    # A `SystemActor` (accounts.actors, which imports this module) carries `is_system_actor`.
    if getattr(user, "is_system_actor", False):
        return SYSTEM_SCOPE if user.trusted else ANONYMOUS
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS  # anyone unknown (a stray string included) sees nothing
    cached = getattr(user, "_skillcert_scope", None)
    if cached is not None:
        return cached
    assignments = list(
        RoleAssignment.objects.filter(user=user, active=True).select_related("region")
    )
    scope = Scope(
        user_id=user.pk,
        is_platform=bool(user.is_superuser),
        roles=frozenset(a.role for a in assignments),
        region_prefixes=frozenset(
            a.region.prefix for a in assignments if a.role in OFFICER_ROLES and a.region
        ),
        organization_ids=frozenset(
            a.organization_id
            for a in assignments
            if a.role in ORG_ROLES and a.organization_id is not None
        ),
    )
    user._skillcert_scope = scope
    return scope


def scope_or_404(user: Any, *, org_staff: bool = False) -> Scope:
    """The scope of a page only officers work on (and, with `org_staff`, an organisation's
    staff): anyone else gets the 404 of a page that does not exist."""
    scope = scope_for(user)
    if not (scope.is_officer or (org_staff and scope.is_org_staff)):
        raise Http404
    return scope


def get_object_in_scope(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row from an already-scoped queryset; anything outside it is a 404, so a
    user cannot even learn that another organisation's row exists."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404("未找到该记录或无权访问") from None
