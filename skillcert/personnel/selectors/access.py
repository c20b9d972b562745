"""People, registrations, plans and cards narrowed to what the user may see, and the
identity (masked or full) the viewer is shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from skillcert.accounts.choices import Role
from skillcert.accounts.scope import Scope
from skillcert.common.identifiers import mask_id_number, mask_name, mask_phone, normalize
from skillcert.common.pii import pii_digest
from skillcert.personnel.models import (
    Card,
    ConductDeclaration,
    Person,
    PersonRole,
    PersonRoleStatus,
    Registration,
    TrainingPlan,
)

if TYPE_CHECKING:
    pass

# --- access ---------------------------------------------------------------------------------


def _person_q(scope: Scope, prefix: str = "") -> Q:
    """People an officer's region covers (by the unit's region), an organisation's own staff,
    and the user's own record."""
    own = Q(**{f"{prefix}user_id": scope.user_id}) if scope.user_id else Q(pk__in=[])
    q = own
    if scope.is_officer:
        q |= scope.region_q(f"{prefix}region")
    if scope.organization_ids:
        q |= Q(**{f"{prefix}employer_id__in": sorted(scope.organization_ids)})
    return q


def person_by_id_number(id_number: str) -> Person | None:
    """The person with this ID number, found through its digest (the column itself is
    encrypted, so `filter(id_number=...)` never matches). Not scoped: callers decide access."""
    value = normalize(id_number)
    if not value:
        return None
    return Person.objects.filter(id_number_digest=pii_digest(value)).first()


def people_visible(
    *, scope: Scope, q: str = "", role: str = "", status: str = ""
) -> QuerySet[Person]:
    """People the user may see; `q` matches a name or a whole ID number, `role` people holding
    that role (not revoked), `status` the person's status."""
    people = Person.objects.all() if scope.is_platform else Person.objects.filter(_person_q(scope))
    if q:
        people = people.filter(Q(name__icontains=q) | Q(id_number_digest=pii_digest(normalize(q))))
    if role:
        people = people.filter(
            pk__in=PersonRole.objects.filter(role=role)
            .exclude(status=PersonRoleStatus.REVOKED)
            .values("person_id")
        )
    if status:
        people = people.filter(status=status)
    return people.select_related("region", "employer").order_by("id")


def person_file(*, person: Person) -> dict[str, Any]:
    """The entries of the person's file the registry page lists, each query bounded."""
    return {
        "certificates": person.certificates.select_related("occupation").order_by("issued_on"),
        "titles": person.titles.order_by("obtained_on"),
        "work": person.work.select_related("occupation").order_by("start"),
        "agreements": person.agreements.select_related("organization").order_by("signed_on"),
        "declarations": ConductDeclaration.objects.filter(person=person).order_by(
            "-signed_on", "-id"
        )[:20],
        "roles": person.roles.select_related("occupation", "specialty", "organization").all(),
        "cards": person.cards.select_related("occupation").all(),
        "registrations": person.registrations.select_related("plan", "occupation").all(),
        "sittings": person.sittings.select_related("organization").order_by("-held_on")[:50],
        "integrity": person.integrity.all()[:50],
        "relations": person.relations.select_related("organization").all(),
    }


def may_see_full_identity(*, scope: Scope, person: Person) -> bool:
    """PIPL: full ID number, phone and name only for the person and the responsible officer,
    the province officer of the person's unit's province (who reviews registrations, issues
    cards and keeps the personnel file). City officers, organisation staff and the platform
    operator see masked values: what they work with does not need the full numbers."""
    if scope.user_id is not None and person.user_id == scope.user_id:
        return True
    if not scope.has_role(Role.PROVINCE_OFFICER):
        return False
    provinces = {prefix for prefix in scope.region_prefixes if len(prefix) == 2}
    return person.region_id[:2] in provinces


@dataclass(frozen=True)
class ShownIdentity:
    name: str
    id_number: str
    phone: str
    full: bool


def identity_for(*, scope: Scope, person: Person) -> ShownIdentity:
    if may_see_full_identity(scope=scope, person=person):
        return ShownIdentity(person.name, person.id_number, person.phone, True)
    return ShownIdentity(
        mask_name(person.name), mask_id_number(person.id_number), mask_phone(person.phone), False
    )


def person_of(user: Any) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).select_related("region", "employer").first()


def registrations_visible(
    *, scope: Scope, plan: TrainingPlan | None = None, status: str = ""
) -> QuerySet[Registration]:
    rows = Registration.objects.all()
    if not scope.is_platform:
        q = Q(person__user_id=scope.user_id) if scope.user_id else Q(pk__in=[])
        if scope.is_officer:
            q |= scope.region_q("region")
        if scope.organization_ids:
            q |= Q(employer_id__in=sorted(scope.organization_ids))
        rows = rows.filter(q)
    if plan is not None:
        rows = rows.filter(plan=plan)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related(
        "plan", "person", "occupation", "specialty", "region", "employer"
    ).order_by("plan_id", "id")


def plans_visible(*, scope: Scope) -> QuerySet[TrainingPlan]:
    """Plans are public notices: everyone signed in sees them."""
    return TrainingPlan.objects.select_related("province").order_by("-year", "-month", "role")


def cards_visible(*, scope: Scope) -> QuerySet[Card]:
    if scope.is_platform:
        rows = Card.objects.all()
    else:
        rows = Card.objects.filter(_person_q(scope, "person__"))
    return rows.select_related("person", "occupation").order_by("-issued_on", "id")
