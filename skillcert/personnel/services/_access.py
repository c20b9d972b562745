"""Who may act on personnel records, and the one lock of the person aggregate. Shared by the
service modules of this package; not part of its public surface."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope
from skillcert.accounts.scope import Scope
from skillcert.common.errors import Forbidden
from skillcert.personnel.models import Person

if TYPE_CHECKING:
    from skillcert.organizations.models import EvaluationOrg


def forbidden(message: str, field: str | None = None) -> Forbidden:
    return Forbidden("personnel.forbidden", message, field=field)


def require_officer_over(actor: Actor, region_code: str, *, province: bool = False) -> Scope:
    scope = actor_scope(actor)
    if scope.is_platform:
        return scope
    if province and not scope.is_province_officer:
        raise forbidden("只有省级人社部门（鉴定中心）可以办理此事项")
    if not (scope.is_officer and scope.covers_region_code(region_code)):
        raise forbidden("该人员不在您的管辖范围内")
    return scope


def require_record_keeper(actor: Actor, person: Person) -> None:
    """The person's file (certificates, titles, work, declared relations) is kept by the
    person, by the staff of the organisation employing them, or by an officer over their
    unit's region."""
    scope = actor_scope(actor)
    if scope.user_id is not None and person.user_id == scope.user_id:
        return
    if person.employer_id is not None and person.employer_id in scope.organization_ids:
        return
    require_officer_over(actor, person.region_id)


def require_employer_staff_or_officer(actor: Actor, person: Person) -> None:
    """What only the employer or an officer may do for a person (never the person: an
    account for the record)."""
    scope = actor_scope(actor)
    if person.employer_id is not None and person.employer_id in scope.organization_ids:
        return
    require_officer_over(actor, person.region_id)


def require_org_staff_or_officer(actor: Actor, organization: EvaluationOrg) -> None:
    scope = actor_scope(actor)
    if scope.is_platform or organization.pk in scope.organization_ids:
        return
    require_officer_over(actor, organization.region_id)


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def lock_person(person: Person) -> Person:
    """The one lock helper of the person aggregate: roles, cards and registrations of a
    person serialise on the person row."""
    return Person.objects.select_for_update().get(pk=person.pk)
