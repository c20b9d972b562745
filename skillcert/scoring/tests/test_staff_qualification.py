"""Issue #23, "Qualifications": a batch's markers, examiners and panel must pass the
qualification check for one of the batch's occupations (clauses or a province override, plus
the signed declaration); the refusal names the person and the duty and stores nothing."""

from functools import partial

import pytest

from skillcert.common.errors import DomainError
from skillcert.occupations.models import Occupation
from skillcert.plans.tests.factories import declared, overridden
from skillcert.plans.tests.factories import make_person as make_qualified_person
from skillcert.scoring.models import BatchDuty, BatchStaff
from skillcert.scoring.services import batch_open, staff_set

# These tests start from people who are not qualified yet: no declaration, no override.
make_person = partial(make_qualified_person, qualified=False)


@pytest.fixture
def markers(personas, hr):
    return [
        declared(
            make_person(60 + i, roles=[("examiner", hr, 1, 5)], name=f"阅卷{i}"), personas.province
        )
        for i in (1, 2)
    ]


def test_marker_without_a_passed_check_is_refused(plan, personas, hr, markers):
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    overridden(markers[0], personas.province, hr)
    with pytest.raises(DomainError) as err:
        staff_set(batch=batch, duty=BatchDuty.MARKER, people=markers, actor=personas.clerk_a)
    assert err.value.code == "scoring.staff_unqualified" and err.value.field == "people"
    assert "阅卷2不能担任阅卷员" in err.value.message and "不符合资格条件" in err.value.message
    assert not BatchStaff.objects.filter(batch=batch).exists()


def test_marker_without_the_declaration_is_refused(plan, personas, hr, markers):
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    undeclared = make_person(63, roles=[("examiner", hr, 1, 5)], name="阅卷未声明")
    for person in (markers[0], undeclared):
        overridden(person, personas.province, hr)
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
        overridden(person, personas.province, hr)
    rows = staff_set(batch=batch, duty=BatchDuty.MARKER, people=markers, actor=personas.clerk_a)
    assert [r.person_id for r in rows] == sorted(p.pk for p in markers)
