"""`staffing_refusals` (everyone in a staffing pool at once) answers, person by person and in
the same words, what the one-person checks answer: `staffing_refusal` and, for a failed
qualification, `qualification_standing` with its own per-person reads."""

import datetime as dt

from skillcert.personnel.models import PersonRole, PersonRoleStatus
from skillcert.personnel.selectors import (
    qualification_standing,
    staffing_refusal,
    staffing_refusals,
)
from skillcert.personnel.selectors.standing import NO_VALID_ROLE

from .conftest import appoint, certify, examiner_override, register

DAY = dt.date(2026, 6, 1)
ROLES = ("examiner", "supervisor_external")


def _examiner_role(world, person, *, status=PersonRoleStatus.ACTIVE):
    return PersonRole.objects.create(
        person=person,
        role="examiner",
        occupation=world.ldgx,
        level_high=3,
        level_low=5,
        province=world.jiangsu,
        status=status,
        valid_from=dt.date(2026, 1, 1),
    )


def _standing_message(world, role):
    return qualification_standing(
        person=role.person,
        role=role.role,
        occupation=role.occupation,
        level_high=role.level_high,
        level_low=role.level_low,
        province_code=role.province_id,
        as_of=DAY,
    ).message


def test_set_based_refusals_agree_with_the_one_person_checks(world, personas):
    appoint(world, "supervisor_external", today=DAY)  # world.other: passes
    unqualified = _examiner_role(world, world.person)  # no certificate
    undeclared = register(
        personas, seq=7, employer=personas.org_a, name="钱未声明", user=None, declared=False
    )
    certify(world, undeclared)
    no_declaration = _examiner_role(world, undeclared)
    overridden = register(personas, seq=8, employer=personas.org_a, name="周特批", user=None)
    _examiner_role(world, overridden)
    examiner_override(world, overridden, today=DAY)
    roleless = register(personas, seq=9, employer=personas.org_a, name="吴无角色", user=None)
    paused = register(personas, seq=10, employer=personas.org_a, name="郑暂停", user=None)
    _examiner_role(world, paused, status=PersonRoleStatus.SUSPENDED)
    people = [world.other, world.person, undeclared, overridden, roleless, paused]

    answers = staffing_refusals(people=people, roles=ROLES, on=DAY)

    assert answers == {
        world.other.pk: "",
        world.person.pk: _standing_message(world, unqualified),
        undeclared.pk: _standing_message(world, no_declaration),
        overridden.pk: "",
        roleless.pk: NO_VALID_ROLE,
        paused.pk: "考评员（劳动关系协调师）已暂停",
    }
    assert answers[world.person.pk].startswith("不符合资格条件：")
    assert "个人声明" in answers[undeclared.pk]
    for person in people:
        assert staffing_refusal(person=person, roles=ROLES, on=DAY) == answers[person.pk]


def test_set_based_refusals_narrow_to_the_occupations_asked(world, personas):
    appoint(world, "supervisor_external", today=DAY)
    answers = staffing_refusals(
        people=[world.other], roles=ROLES, on=DAY, occupation_ids=[world.welder.pk]
    )
    assert answers == {world.other.pk: NO_VALID_ROLE}
    assert staffing_refusals(people=[], roles=ROLES, on=DAY) == {}
