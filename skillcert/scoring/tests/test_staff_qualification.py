"""Issue #23, "Qualifications": a batch's markers, examiners and panel must pass the
qualification check for one of the batch's occupations (clauses or a province override, plus
the signed declaration); the refusal names the person and the duty and stores nothing."""

import datetime as dt
from functools import partial

import pytest

from skillcert.common.errors import DomainError
from skillcert.occupations.models import Occupation
from skillcert.personnel.demo import declaration_scan
from skillcert.personnel.services import declaration_record, qualification_override_record
from skillcert.plans.tests.factories import make_person as make_qualified_person
from skillcert.regions.models import Region
from skillcert.scoring.models import BatchDuty, BatchStaff
from skillcert.scoring.services import batch_open, staff_set

# These tests start from people who are not qualified yet: no declaration, no override.
make_person = partial(make_qualified_person, qualified=False)


def declared(person, personas):
    declaration_record(
        person=person,
        signed_on=dt.date(2020, 1, 6),
        upload=declaration_scan(person.name),
        actor=personas.province,
        today=dt.date(2020, 1, 6),
    )
    return person


def overridden(person, personas, occupation):
    qualification_override_record(
        person=person,
        role="examiner",
        occupation=occupation,
        level_high=1,
        level_low=5,
        province=Region.objects.get(code="320000"),
        reason="阅卷人员不足，省鉴定中心决定",
        document_number="苏人社鉴〔2026〕21号",
        actor=personas.province,
    )
    return person


@pytest.fixture
def markers(personas, hr):
    return [
        declared(make_person(60 + i, roles=[("examiner", hr, 1, 5)], name=f"阅卷{i}"), personas)
        for i in (1, 2)
    ]


def test_marker_without_a_passed_check_is_refused(plan, personas, hr, markers):
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    overridden(markers[0], personas, hr)
    with pytest.raises(DomainError) as err:
        staff_set(batch=batch, duty=BatchDuty.MARKER, people=markers, actor=personas.clerk_a)
    assert err.value.code == "scoring.staff_unqualified" and err.value.field == "people"
    assert "阅卷2不能担任阅卷员" in err.value.message and "不符合资格条件" in err.value.message
    assert not BatchStaff.objects.filter(batch=batch).exists()


def test_marker_without_the_declaration_is_refused(plan, personas, hr, markers):
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    undeclared = make_person(63, roles=[("examiner", hr, 1, 5)], name="阅卷未声明")
    for person in (markers[0], undeclared):
        overridden(person, personas, hr)
    with pytest.raises(DomainError) as err:
        staff_set(
            batch=batch,
            duty=BatchDuty.MARKER,
            people=[markers[0], undeclared],
            actor=personas.clerk_a,
        )
    assert err.value.code == "scoring.staff_unqualified" and "个人声明" in err.value.message
    assert not BatchStaff.objects.filter(batch=batch).exists()


def test_role_for_an_occupation_outside_the_batch_is_refused(plan, personas):
    electrician = Occupation.objects.create(code="6-31-01-03", name="电工")
    outsiders = [
        make_person(70 + i, roles=[("examiner", electrician, 1, 5)], name=f"电工{i}")
        for i in (1, 2)
    ]
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    with pytest.raises(DomainError) as err:
        staff_set(batch=batch, duty=BatchDuty.MARKER, people=outsiders, actor=personas.clerk_a)
    assert err.value.code == "scoring.staff_unqualified"
    assert "电工1不能担任阅卷员：没有有效的相应角色" in err.value.message
    assert not BatchStaff.objects.filter(batch=batch).exists()


def test_override_lets_the_markers_through(plan, personas, hr, markers):
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    for person in markers:
        overridden(person, personas, hr)
    rows = staff_set(batch=batch, duty=BatchDuty.MARKER, people=markers, actor=personas.clerk_a)
    assert [r.person_id for r in rows] == sorted(p.pk for p in markers)
