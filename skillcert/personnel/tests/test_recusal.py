import datetime as dt

import pytest

from skillcert.common.errors import DomainError
from skillcert.personnel.models import RecusalRelation
from skillcert.personnel.recusal import AssessorFacts, Assignment, Relation, RoleGrant, may_assess
from skillcert.personnel.selectors import may_assess as may_assess_selector
from skillcert.personnel.services import relation_declare, sitting_record

from .conftest import declared_relative, make_id

ON = dt.date(2026, 6, 1)
GRANT = RoleGrant("examiner", "4-07-03-03", 3, 5, dt.date(2026, 1, 1), dt.date(2028, 12, 31))


def test_clean_assignment_is_allowed():
    verdict = may_assess(
        AssessorFacts("active", roles=(GRANT,)),
        Assignment(on=ON, organization_id=7, occupation_code="4-07-03-03", level=4),
        max_consecutive=3,
    )
    assert verdict.allowed and verdict.reasons == ()


def test_every_reason_is_reported_with_a_code():
    facts = AssessorFacts(
        "suspended",
        "督导发现违规",
        employer_id=9,
        relations=(
            Relation("relative", counterpart_id_number="X1", note="配偶"),
            Relation("teacher_student", organization_id=7),
        ),
        roles=(GRANT,),
        sitting_orgs=(7, 7, 7),
    )
    verdict = may_assess(
        facts,
        Assignment(
            on=ON,
            organization_id=7,
            organization_name="甲中心",
            candidate_id_number="x1",
            candidate_employer_id=9,
            occupation_code="4-07-03-03",
            level=2,
        ),
        max_consecutive=3,
    )
    codes = [r.code for r in verdict.reasons]
    assert codes == [
        "person.suspended",
        "role.missing",
        "recusal.candidate",
        "recusal.organization",
        "recusal.same_employer",
        "rotation.limit",
    ]
    assert "已在甲中心连续考评3场" in verdict.explanation()


def test_expired_role_does_not_cover():
    verdict = may_assess(
        AssessorFacts("active", roles=(GRANT,)),
        Assignment(on=dt.date(2029, 1, 1), occupation_code="4-07-03-03", level=4),
        max_consecutive=3,
    )
    assert [r.code for r in verdict.reasons] == ["role.missing"]


def test_rotation_counts_only_consecutive_sittings(world):
    p = world.personas
    for day, org in [(1, p.org_a), (2, p.org_a), (3, p.org_b), (4, p.org_a), (5, p.org_a)]:
        sitting_record(
            person=world.other,
            organization=org,
            held_on=dt.date(2026, 5, day),
            duty="examiner",
            actor=p.province,
        )
    assert may_assess_selector(person=world.other, on=ON, organization=p.org_a).allowed
    sitting_record(
        person=world.other,
        organization=p.org_a,
        held_on=dt.date(2026, 5, 6),
        duty="examiner",
        actor=p.province,
    )
    verdict = may_assess_selector(person=world.other, on=ON, organization=p.org_a)
    assert [r.code for r in verdict.reasons] == ["rotation.limit"]
    at_own_employer = may_assess_selector(person=world.other, on=ON, organization=p.org_b)
    assert [r.code for r in at_own_employer.reasons] == ["recusal.same_employer"]


def test_examiner_employed_by_the_organisation_must_recuse(world):
    verdict = may_assess_selector(person=world.person, on=ON, organization=world.personas.org_a)
    assert [r.code for r in verdict.reasons] == ["recusal.same_employer"]


def test_declared_relative_blocks_that_candidate_only(world):
    relative = declared_relative(world, name="郑某")
    assert not may_assess_selector(person=world.person, on=ON, candidate_id_number=relative).allowed
    assert may_assess_selector(person=world.person, on=ON, candidate_id_number=make_id(78)).allowed


def test_relation_with_an_invalid_id_number_is_rejected(world):
    with pytest.raises(DomainError) as err:
        relation_declare(
            person=world.person,
            kind="relative",
            counterpart_id_number="123",
            actor=world.personas.examiner,
        )
    assert err.value.code == "id_number.length"
    assert not RecusalRelation.objects.exists()


def test_org_clerk_cannot_record_sittings_for_another_organisation(world):
    with pytest.raises(DomainError) as exc:
        sitting_record(
            person=world.person,
            organization=world.personas.org_b,
            held_on=ON,
            duty="examiner",
            actor=world.personas.clerk_a,
        )
    assert exc.value.code == "personnel.forbidden"
    assert not world.person.sittings.exists()
