"""Who holds which role: the staffing pool, declared relations, role holders by province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.common.pii import pii_digest
from skillcert.personnel.choices import PersonStatus
from skillcert.personnel.models import (
    Person,
    PersonRole,
    PersonRoleStatus,
    RecusalRelation,
)

if TYPE_CHECKING:
    pass

# --- roles ---------------------------------------------------------------------------------


def roles_valid_on(
    *, province_code: str, day: dt.date, roles: Iterable[str]
) -> QuerySet[PersonRole]:
    """Active roles valid on `day` appointed in the province (the staffing pool)."""
    return PersonRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        status=PersonRoleStatus.ACTIVE,
        valid_from__lte=day,
        province_id=province_code,
        role__in=list(roles),
    ).select_related("person", "occupation")


def relation_digests_of(*, person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Per person, the digests of the ID numbers they declared a relation with, and the kind
    of relation (to match candidates without handling their ID numbers)."""
    digests: dict[int, dict[str, str]] = {}
    for rel in RecusalRelation.objects.filter(person_id__in=list(person_ids)).exclude(
        counterpart_id_number=""
    ):
        digests.setdefault(rel.person_id, {})[pii_digest(rel.counterpart_id_number.upper())] = (
            rel.get_kind_display()
        )
    return digests


def people_active_in_roles(
    *, province_code: str, day: dt.date, roles: Iterable[str]
) -> list[Person]:
    """Active people holding one of `roles` in the province on `day`, by id, with their
    declared relations (what recusal reads)."""

    valid = roles_valid_on(province_code=province_code, day=day, roles=roles)
    return list(
        Person.objects.filter(status=PersonStatus.ACTIVE, pk__in=valid.values("person_id"))
        .prefetch_related("relations")
        .order_by("pk")
    )


def person_has_role_on(
    *,
    person: Person,
    roles: Iterable[str],
    day: dt.date,
    occupation_ids: Iterable[int] | None = None,
) -> bool:
    """Whether the person holds one of `roles`, active and valid on `day` (for one of
    `occupation_ids`, when given)."""
    rows = PersonRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        person=person,
        role__in=list(roles),
        status=PersonRoleStatus.ACTIVE,
        valid_from__lte=day,
    )
    if occupation_ids is not None:
        rows = rows.filter(occupation_id__in=list(occupation_ids))
    return rows.exists()


def people_by_ids(*, ids: list[int]) -> dict[int, Person]:
    """The people among `ids`, keyed by id (one query; not scoped: the caller has checked
    access to what names them)."""
    return Person.objects.in_bulk(ids)


def people_with_ids(*, ids: Iterable[int] | QuerySet[Any, Any]) -> QuerySet[Person]:
    """The people among `ids` (a list or a `values("person_id")` subquery), by name."""
    return Person.objects.filter(pk__in=ids).order_by("name", "pk")


def people_holding_role(
    *,
    roles: Iterable[str],
    province_code: str,
    occupation_ids: Iterable[int] | QuerySet[Any, Any] | None = None,
) -> QuerySet[Person]:
    """People with one of `roles` appointed in the province (for one of `occupation_ids`,
    when given), whatever the role's state, by name."""
    # One filter() call: every condition applies to the same role row.
    conditions: dict[str, Any] = {"roles__role__in": list(roles)}
    if occupation_ids is not None:
        conditions["roles__occupation_id__in"] = occupation_ids
    conditions["roles__province_id"] = province_code
    return Person.objects.filter(**conditions).distinct().order_by("name", "pk")


def person_roles_in_area(*, scope: Scope) -> QuerySet[PersonRole]:
    """The roles of the people registered in the user's area, unordered (for statistics)."""
    return PersonRole.objects.filter(scope.code_prefix_q("person__region__code"))
