import datetime as dt

import pytest

from skillcert.common.errors import DomainError
from skillcert.personnel.models import Person, PersonRole, QualificationRule
from skillcert.personnel.services import (
    confidentiality_sign,
    person_ban,
    person_register,
    person_suspend,
    person_title_add,
    person_work_add,
    qualification_rule_publish,
    role_reinstate,
    role_suspend,
)
from skillcert.regions.models import Region

from .conftest import appoint, certify, make_id


def test_person_gender_and_birth_date_come_from_the_id_number(world):
    assert world.person.gender == "F" or world.person.gender == "M"
    assert world.person.birth_date == dt.date(1980, 1, 1)
    assert world.person.id_number == make_id(1)


def _bad_check_digit(seq: int) -> str:
    good = make_id(seq)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("id_number", "region", "code"),
    [
        (_bad_check_digit(5), "320100", "id_number.checksum"),
        (make_id(1), "320100", "personnel.id_number_taken"),  # the examiner's person's
        # a city officer registers no one in another city
        (make_id(9), "320505", "personnel.forbidden"),
    ],
)
def test_a_refused_registration_saves_nothing(world, id_number, region, code):
    before = Person.objects.count()
    with pytest.raises(DomainError) as err:
        person_register(
            id_number=id_number,
            name="张三",
            education="bachelor",
            employer_name="某单位",
            region=Region.objects.get(code=region),
            actor=world.personas.city_nanjing,
        )
    assert err.value.code == code
    assert Person.objects.count() == before


def test_question_setter_appointed_only_when_qualified_and_under_agreement(world):
    p = world.personas
    certify(
        world, world.other, level=2, number="Q1", issued_on=dt.date(2019, 1, 1), actor=p.province
    )
    with pytest.raises(DomainError) as err:
        appoint(world, "question_setter", today=dt.date(2026, 6, 1))
    assert err.value.code == "personnel.not_qualified"
    assert "保密协议" in err.value.message
    assert not PersonRole.objects.exists()
    confidentiality_sign(
        person=world.other, organization=p.org_b, signed_on=dt.date(2026, 5, 1), actor=p.clerk_b
    )
    held = appoint(world, "question_setter", today=dt.date(2026, 6, 1))
    assert held.qualification["matched_clause"] == "ldgx-question-setter-2023/a"


def test_question_setter_needs_a_published_rule_for_the_occupation(world):
    with pytest.raises(DomainError) as err:
        appoint(world, "question_setter", occupation=world.welder)
    assert err.value.code == "personnel.rule_missing"


def test_examiner_role_is_not_appointed_directly(world):
    with pytest.raises(DomainError) as err:
        appoint(world, "examiner", level_high=3)
    assert err.value.code == "personnel.role_needs_card"


def test_internal_supervisor_is_appointed_by_its_organisation_not_another(world):
    p = world.personas
    with pytest.raises(DomainError) as exc:
        appoint(world, "supervisor_internal", organization=p.org_b, actor=p.clerk_a)
    assert exc.value.code == "personnel.forbidden"
    held = appoint(world, "supervisor_internal", organization=p.org_b, actor=p.clerk_b)
    assert held.status == "active"


def test_role_suspension_and_reinstatement_keep_history(world):
    p = world.personas
    held = appoint(world, "supervisor_external")
    with pytest.raises(DomainError) as err:
        role_suspend(held=held, reason=" ", actor=p.province)
    assert err.value.code == "personnel.reason_required"
    role_suspend(held=held, reason="督导报告不实", actor=p.province)
    role_reinstate(held=held, reason="复查后恢复", actor=p.province)
    assert list(held.events.values_list("action", "to_status")) == [
        ("appoint", "active"),
        ("suspend", "suspended"),
        ("reinstate", "active"),
    ]


def test_ban_is_permanent_and_only_by_the_province(world):
    p = world.personas
    with pytest.raises(DomainError) as exc:
        person_ban(person=world.person, reason="弄虚作假", actor=p.city_nanjing)
    assert exc.value.code == "personnel.forbidden"
    person_ban(person=world.person, reason="弄虚作假", actor=p.province)
    with pytest.raises(DomainError) as err:
        person_suspend(person=world.person, reason="x", actor=p.province)
    assert err.value.code == "status.transition_not_allowed"
    assert world.person.integrity.filter(kind="sanction").count() == 1


def test_senior_examiner_qualification_uses_examiner_history(world):
    p = world.personas
    person_title_add(
        person=world.other,
        grade="副高级",
        name="高级经济师",
        major="人力资源管理",
        obtained_on=dt.date(2015, 1, 1),
        actor=p.province,
    )
    person_work_add(
        person=world.other,
        description="调解",
        start=dt.date(2010, 1, 1),
        end=None,
        occupation=world.ldgx,
        actor=p.province,
    )
    from skillcert.personnel.selectors import qualification_check

    decision = qualification_check(
        person=world.other,
        role="senior_examiner",
        occupation=world.ldgx,
        level_high=1,
        level_low=5,
        province_code="32",
        as_of=dt.date(2026, 6, 1),
    )
    assert decision is not None and not decision.qualified
    assert "需已取得本职业考评员资格满1年，申报人未担任" in decision.explanation()


def test_province_officer_publishes_only_for_own_province(world):
    doc = {
        "code": "js-examiner",
        "role": "examiner",
        "province": "51",
        "title": "t",
        "source": "s",
        "clauses": [
            {
                "letter": "a",
                "text": "x",
                "level_high": 3,
                "level_low": 5,
                "condition": {"certificate": {"level": 3}},
            }
        ],
    }
    with pytest.raises(DomainError) as exc:
        qualification_rule_publish(document=doc, actor=world.personas.province)
    assert exc.value.code == "personnel.forbidden"
    row = qualification_rule_publish(
        document={**doc, "province": "32"}, actor=world.personas.province
    )
    again = qualification_rule_publish(
        document={**doc, "province": "32"}, actor=world.personas.province
    )
    assert (row.version, again.version) == (1, 2)
    assert QualificationRule.objects.filter(code="js-examiner").count() == 2
