"""What the supervision services share: today's date, required text, the province's rules
and the check that an officer covers a region."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope
from skillcert.accounts.scope import Scope
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.policies import policy_in_force
from skillcert.supervision.models import SupervisionPolicy


def today() -> dt.date:
    return timezone.localdate()


def required(value: str, code: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(code, message, field=field)
    return value


def policy_for(*, province_code: str, on: dt.date | None = None) -> SupervisionPolicy:
    """The province's rates and deadlines in force on `on` (today by default), else the default
    rows', else the built-in defaults."""
    policy = policy_in_force(
        SupervisionPolicy, province=province_code, on=on or timezone.localdate()
    )
    return policy or SupervisionPolicy()


def require_officer_over_region(actor: Actor, region_code: str) -> Scope:
    scope = actor_scope(actor)
    if not (scope.is_officer and scope.covers_region_code(region_code)):
        raise Forbidden("supervision.forbidden", "只有负责该地区的人社部门可以办理此事项")
    return scope
