"""Issue #23, "Qualifications": the automatic staff assignment never places a person whose
role for the post does not pass its qualification check; the shortage names them and the
failed clause, and a province override lets them in."""

from functools import partial

import pytest

from skillcert.exams.models import StaffAssignment
from skillcert.exams.services import seats_assign
from skillcert.exams.staffing_services import staff_assign
from skillcert.exams.tests import factories
from skillcert.personnel.models import PersonRole
from skillcert.personnel.services import (
    person_suspend,
)
from skillcert.plans.tests.factories import declared, overridden
from skillcert.plans.tests.factories import make_person as make_qualified_person

# These tests start from people who are not qualified yet: no declaration, no override.
make_person = partial(make_qualified_person, qualified=False)


@pytest.fixture
def qualified_plan_staff(monkeypatch, personas):
    """The sitting's plans are staffed by people who pass the check (declared, overridden)."""

    def qualified(seq, *, roles, **kwargs):
        person = declared(make_person(seq, roles=roles, **kwargs), personas.province)
        for role, occupation, _high, _low in roles:
            if role == "examiner":
                overridden(person, personas.province, occupation, role)
        return person

    monkeypatch.setattr(factories, "make_person", qualified)


@pytest.fixture
def setup(qualified_plan_staff, personas, hr):
    return factories.build_sitting(personas, hr)


def test_unqualified_person_is_never_placed_and_the_shortage_says_why(setup, personas, hr):
    slot = setup.theory["320100"]
    seats_assign(slot=slot, seed=7, actor=personas.province)
    unchecked = declared(
        make_person(41, roles=[("examiner", hr, 1, 5)], name="戊未核"), personas.province
    )
    run = staff_assign(slot=slot, seed=1, actor=personas.province)
    assert not StaffAssignment.objects.filter(slot=slot, person=unchecked).exists()
    text = " ".join(s["explanation"] for s in run.shortages)
    assert "戊未核：不符合资格条件" in text
    overridden(unchecked, personas.province, hr)
    run = staff_assign(slot=slot, seed=1, actor=personas.province)
    assert StaffAssignment.objects.filter(slot=slot, person=unchecked).exists()
    assert "不符合资格条件" not in " ".join(s["explanation"] for s in run.shortages)


def test_undeclared_supervisor_is_never_placed(setup, personas, hr):
    slot = setup.theory["320100"]
    seats_assign(slot=slot, seed=7, actor=personas.province)
    # The authority's pool of qualified supervisors is out (suspended): only the undeclared
    # one is left.
    for held in PersonRole.objects.filter(role="supervisor_external"):
        person_suspend(person=held.person, reason="督导报告逾期", actor=personas.province)
    undeclared = make_person(42, roles=[("supervisor_external", hr, 1, 5)], name="己督导")
    run = staff_assign(slot=slot, seed=1, actor=personas.province)
    assert not StaffAssignment.objects.filter(slot=slot, person=undeclared).exists()
    excluded = [e for s in run.shortages for e in s["excluded"] if e["person"] == undeclared.pk]
    assert any("个人声明" in e["reason"] for e in excluded)
    assert not StaffAssignment.objects.filter(slot=slot, duty="supervisor").exists()
