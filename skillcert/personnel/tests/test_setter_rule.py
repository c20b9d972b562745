"""Issue #23, "Qualifications": the item bank's 命题人员 role binds to the rule the province's
appointment binds to (seed 001 §三's conditions and the confidentiality agreement), through
one function, `question_setter_require`."""

import datetime as dt

import pytest

from skillcert.common.errors import DomainError
from skillcert.itembank.models import ItemBankRole, ItemBankRoleKind
from skillcert.itembank.services import itembank_role_grant
from skillcert.personnel.models import ConfidentialityAgreement
from skillcert.personnel.services import (
    confidentiality_sign,
    person_certificate_add,
    person_suspend,
    role_appoint,
)

APPOINTED_ON = dt.date(2026, 6, 1)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(dt.datetime(2026, 7, 1, 2, tzinfo=dt.UTC), tick=False)


def appoint(world):
    """The examiner persona's person, with a 二级 certificate and an agreement with org_a,
    appointed question setter of 劳动关系协调师 by the province."""
    p = world.personas
    person_certificate_add(
        person=world.person,
        occupation=world.ldgx,
        level=2,
        number="JS2000000001",
        issued_on=dt.date(2018, 6, 1),
        actor=p.superuser,
    )
    confidentiality_sign(
        person=world.person, organization=p.org_a, signed_on=dt.date(2026, 5, 1), actor=p.clerk_a
    )
    return role_appoint(
        person=world.person,
        role="question_setter",
        occupation=world.ldgx,
        level_high=1,
        level_low=5,
        province=world.jiangsu,
        actor=p.province,
        today=APPOINTED_ON,
    )


def grant(world, user, role=ItemBankRoleKind.SETTER):
    return itembank_role_grant(
        user=user, occupation=world.ldgx, role=role, actor=world.personas.province
    )


def refused(world, user, code):
    with pytest.raises(DomainError) as err:
        grant(world, user)
    assert err.value.code == code
    assert not ItemBankRole.objects.filter(user=user, role=ItemBankRoleKind.SETTER).exists()
    return err.value


def test_appointed_setter_is_commissioned_in_the_bank(world, clock):
    appoint(world)
    row = grant(world, world.personas.examiner)
    assert row.role == ItemBankRoleKind.SETTER and row.active


def test_user_without_a_person_record_is_refused(world, clock):
    error = refused(world, world.personas.clerk_b, "personnel.setter_unregistered")
    assert "命题人员须先登记为考评人员" in error.message and error.field == "user"


def test_registered_but_not_appointed_is_refused(world, clock):
    error = refused(world, world.personas.examiner, "personnel.setter_not_appointed")
    assert "郑考评未被任命为劳动关系协调师命题人员" in error.message


def test_setter_without_the_confidentiality_agreement_any_more_is_refused(world, clock):
    appoint(world)
    ConfidentialityAgreement.objects.filter(person=world.person).delete()
    error = refused(world, world.personas.examiner, "personnel.not_qualified")
    assert "保密协议" in error.message


def test_suspended_person_is_refused(world, clock):
    appoint(world)
    person_suspend(person=world.person, reason="泄题调查", actor=world.personas.province)
    error = refused(world, world.personas.examiner, "personnel.person_inactive")
    assert "泄题调查" in error.message


def test_other_bank_roles_need_no_appointment(world, clock):
    row = grant(world, world.personas.clerk_b, ItemBankRoleKind.REVIEWER)
    assert row.role == ItemBankRoleKind.REVIEWER
