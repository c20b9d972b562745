"""Issue #23, "Qualifications": the plan's staff must pass the qualification check (clauses
or a province override, plus the signed declaration), be active in person and role, and have
no recusal against the organisation; a refusal names the person and the duty and changes
nothing."""

import datetime as dt
from functools import partial

import pytest

from skillcert.common.errors import DomainError
from skillcert.exams.tests.factories import FILED_ON
from skillcert.organizations.models import EvaluationOrg, OrgScope
from skillcert.personnel.models import PersonRole
from skillcert.personnel.services import (
    person_suspend,
    role_suspend,
)
from skillcert.plans.models import PlanKind
from skillcert.plans.services import plan_create, plan_details_set, plan_staff_set
from skillcert.plans.tests.factories import declared as factories_declared
from skillcert.plans.tests.factories import file_org
from skillcert.plans.tests.factories import make_person as make_qualified_person
from skillcert.plans.tests.factories import overridden as factories_overridden

# These tests start from people who are not qualified yet: no declaration, no override.
make_person = partial(make_qualified_person, qualified=False)


@pytest.fixture
def draft(personas, hr):
    file_org(personas.org_a, [hr], (4, 3))
    EvaluationOrg.objects.filter(pk=personas.org_a.pk).update(
        valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2029, 12, 31)
    )
    OrgScope.objects.filter(org=personas.org_a).update(since=dt.date(2025, 1, 1))
    personas.org_a.refresh_from_db()
    plan = plan_create(
        code="Q-1",
        title="资格约束测试",
        organization=personas.org_a,
        window_opens=dt.date(2026, 4, 1),
        window_closes=dt.date(2026, 4, 30),
        capacity=20,
        offerings=[(hr, 4)],
        actor=personas.clerk_a,
    )
    # An employer's plan names its supervisor (a social plan's is appointed by the authority).
    plan_details_set(plan=plan, kind=PlanKind.ENTERPRISE, method="exam", actor=personas.clerk_a)
    plan.refresh_from_db()
    return plan


def declared(person, personas):
    return factories_declared(person, personas.province, on=dt.date(2026, 1, 5))


def overridden(person, personas, occupation, role="examiner"):
    return factories_overridden(person, personas.province, occupation, role, today=FILED_ON)


def staff(draft, personas, examiners, supervisor=None):
    return plan_staff_set(
        plan=draft,
        examiners=examiners,
        supervisor=supervisor,
        actor=personas.clerk_a,
        today=FILED_ON,
    )


def refused(draft, personas, examiners, supervisor=None):
    with pytest.raises(DomainError) as exc:
        staff(draft, personas, examiners, supervisor)
    draft.refresh_from_db()
    assert not draft.examiners.exists() and draft.supervisor_id is None
    return exc.value


def test_examiner_without_a_passed_check_is_refused_naming_the_clause(draft, personas, hr):
    examiner = declared(make_person(1, roles=[("examiner", hr, 1, 5)], name="钱考评"), personas)
    error = refused(draft, personas, [examiner])
    assert error.code == "plan.examiner_unqualified" and error.field == "examiners"
    assert "钱考评不能担任本计划的考评员" in error.message
    assert "不符合资格条件" in error.message and "三级" in error.message


def test_province_override_lets_the_examiner_through(draft, personas, hr):
    examiner = declared(make_person(1, roles=[("examiner", hr, 1, 5)], name="钱考评"), personas)
    supervisor = declared(make_person(2, roles=[("supervisor_external", hr, 1, 5)]), personas)
    overridden(examiner, personas, hr)
    plan = staff(draft, personas, [examiner], supervisor)
    assert list(plan.examiners.values_list("person_id", flat=True)) == [examiner.pk]
    assert plan.supervisor_id == supervisor.pk


def test_override_does_not_stand_for_the_signed_declaration(draft, personas, hr):
    examiner = make_person(1, roles=[("examiner", hr, 1, 5)], name="钱未声明")
    overridden(examiner, personas, hr)
    error = refused(draft, personas, [examiner])
    assert error.code == "plan.examiner_unqualified" and "个人声明" in error.message


def test_supervisor_without_the_declaration_is_refused(draft, personas, hr):
    supervisor = make_person(2, roles=[("supervisor_external", hr, 1, 5)], name="孙督导")
    error = refused(draft, personas, [], supervisor)
    assert error.code == "plan.supervisor_unqualified" and error.field == "supervisor"
    assert "孙督导不能担任本计划的质量督导员" in error.message and "个人声明" in error.message


def test_suspended_person_is_refused(draft, personas, hr):
    examiner = declared(make_person(1, roles=[("examiner", hr, 1, 5)], name="钱考评"), personas)
    overridden(examiner, personas, hr)
    person_suspend(person=examiner, reason="投诉核查中", actor=personas.province)
    error = refused(draft, personas, [examiner])
    assert error.code == "plan.examiner_unqualified"
    assert "考评资格已暂停：投诉核查中" in error.message


def test_suspended_role_is_refused(draft, personas, hr):
    examiner = declared(make_person(1, roles=[("examiner", hr, 1, 5)], name="钱考评"), personas)
    overridden(examiner, personas, hr)
    role_suspend(
        held=PersonRole.objects.get(person=examiner), reason="督导发现问题", actor=personas.province
    )
    error = refused(draft, personas, [examiner])
    assert error.code == "plan.examiner_unqualified" and "已暂停" in error.message


def test_examiner_employed_by_the_organisation_is_recused(draft, personas, hr):
    examiner = declared(
        make_person(1, roles=[("examiner", hr, 1, 5)], employer=personas.org_a, name="钱同事"),
        personas,
    )
    overridden(examiner, personas, hr)
    error = refused(draft, personas, [examiner])
    assert error.code == "plan.examiner_unqualified"
    assert "本人是该评价机构的工作人员，应回避" in error.message
