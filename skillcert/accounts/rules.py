"""Object-level permissions as predicates (django-rules)."""

from __future__ import annotations

from typing import Any

import rules

from skillcert.accounts.models import Role
from skillcert.accounts.scope import scope_for


@rules.predicate
def is_officer(user: Any) -> bool:
    return scope_for(user).is_officer


@rules.predicate
def is_province_officer(user: Any) -> bool:
    return scope_for(user).is_province_officer


@rules.predicate
def is_org_staff(user: Any) -> bool:
    return scope_for(user).is_org_staff


@rules.predicate
def is_org_admin(user: Any) -> bool:
    return scope_for(user).has_role(Role.ORG_ADMIN)


rules.add_perm("audit.view_events", is_officer)
rules.add_perm("workdays.edit_calendar", is_province_officer)
rules.add_perm("organizations.view_orgs", is_officer | is_org_staff)
