"""Recusal and rotation: an assessor's facts and whether they may assess."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from skillcert.personnel import recusal
from skillcert.personnel.models import (
    Person,
    PersonRole,
    PersonRoleStatus,
    PracticeRecord,
    RecusalRelation,
)
from skillcert.personnel.selectors.policy import policy_for

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg

# --- recusal and rotation -------------------------------------------------------------------


def assessor_facts(*, person: Person) -> recusal.AssessorFacts:
    return assessor_facts_of(people=[person])[person.pk]


def assessor_facts_of(*, people: Iterable[Person]) -> dict[int, recusal.AssessorFacts]:
    """`assessor_facts` of many people, keyed by person id: each table read once for all."""
    people = list(people)
    ids = [p.pk for p in people]
    roles: dict[int, list[recusal.RoleGrant]] = defaultdict(list)
    for r in PersonRole.objects.filter(person_id__in=ids).select_related("occupation"):
        roles[r.person_id].append(
            recusal.RoleGrant(
                r.role,
                r.occupation.code,
                r.level_high,
                r.level_low,
                r.valid_from,
                r.valid_until,
                r.status == PersonRoleStatus.ACTIVE,
            )
        )
    relations: dict[int, list[recusal.Relation]] = defaultdict(list)
    for rel in RecusalRelation.objects.filter(person_id__in=ids).order_by("pk"):
        relations[rel.person_id].append(
            recusal.Relation(rel.kind, rel.counterpart_id_number, rel.organization_id, rel.note)
        )
    # A sitting is one day at one organisation, however many duties it was recorded for
    # (the plan's examiner who also marks its batch served one sitting).
    sittings: dict[int, dict[tuple[dt.date, int], None]] = defaultdict(dict)
    for pid, day, org in (
        PracticeRecord.objects.filter(person_id__in=ids)
        .order_by("person_id", "held_on", "id")
        .values_list("person_id", "held_on", "organization_id")
    ):
        sittings[pid].setdefault((day, org), None)
    return {
        p.pk: recusal.AssessorFacts(
            status=p.status,
            status_reason=p.status_reason,
            employer_id=p.employer_id,
            relations=tuple(relations.get(p.pk, ())),
            roles=tuple(roles.get(p.pk, ())),
            sitting_orgs=tuple(org for _day, org in sittings.get(p.pk, {})),
        )
        for p in people
    }


def may_assess(
    *,
    person: Person,
    on: dt.date,
    organization: EvaluationOrg | None = None,
    candidate_id_number: str = "",
    candidate_employer: EvaluationOrg | None = None,
    occupation: Occupation | None = None,
    level: int | None = None,
) -> recusal.Verdict:
    """May `person` assess candidate Y / at organisation Z on `on`? With every reason when not.
    The rotation limit is the province's (the organisation's province)."""
    max_consecutive = 0
    if organization is not None:
        max_consecutive = policy_for(province_code=organization.region_id).max_consecutive_sittings
    assignment = recusal.Assignment(
        on=on,
        organization_id=organization.pk if organization else None,
        organization_name=organization.name if organization else "",
        candidate_id_number=candidate_id_number,
        candidate_employer_id=candidate_employer.pk if candidate_employer else None,
        occupation_code=occupation.code if occupation else "",
        level=level,
    )
    return recusal.may_assess(
        assessor_facts(person=person), assignment, max_consecutive=max_consecutive or 1
    )
