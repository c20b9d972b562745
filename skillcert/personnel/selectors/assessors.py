"""Recusal and rotation: an assessor's facts and whether they may assess."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from skillcert.personnel import recusal
from skillcert.personnel.models import (
    Person,
    PersonRole,
    PersonRoleStatus,
)
from skillcert.personnel.selectors.policy import policy_for

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg

# --- recusal and rotation -------------------------------------------------------------------


def assessor_facts(*, person: Person) -> recusal.AssessorFacts:
    roles = PersonRole.objects.filter(person=person).select_related("occupation")
    return recusal.AssessorFacts(
        status=person.status,
        status_reason=person.status_reason,
        employer_id=person.employer_id,
        relations=tuple(
            recusal.Relation(r.kind, r.counterpart_id_number, r.organization_id, r.note)
            for r in person.relations.all()
        ),
        roles=tuple(
            recusal.RoleGrant(
                r.role,
                r.occupation.code,
                r.level_high,
                r.level_low,
                r.valid_from,
                r.valid_until,
                r.status == PersonRoleStatus.ACTIVE,
            )
            for r in roles
        ),
        # A sitting is one day at one organisation, however many duties it was recorded for
        # (the plan's examiner who also marks its batch served one sitting).
        sitting_orgs=tuple(
            org
            for _day, org in dict.fromkeys(
                person.sittings.order_by("held_on", "id").values_list("held_on", "organization_id")
            )
        ),
    )


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
