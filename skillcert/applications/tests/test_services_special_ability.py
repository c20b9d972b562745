"""A 专项职业能力考核 is applied for without a level (seed 004 §一); a level occupation still
needs one. The submission's eligibility decision names no level clause."""

import pytest

from skillcert.applications.models import Application, Status
from skillcert.applications.services import application_create, application_submit
from skillcert.common.errors import DomainError
from skillcert.plans.models import PlanOffering


@pytest.fixture
def special_offered(plan, special):
    PlanOffering.objects.create(plan=plan, occupation=special, level=None)
    return special


def _create_refused(personas, plan, candidate, occupation, level):
    """The application the candidate starts is refused, and none is left behind."""
    with pytest.raises(DomainError) as err:
        application_create(
            candidate=candidate,
            plan=plan,
            occupation=occupation,
            level=level,
            actor=personas.candidate,
        )
    assert not Application.objects.exists()
    return err.value


def test_applies_for_a_special_ability_assessment_without_a_level(
    personas, plan, special_offered, candidate_person
):
    app = application_create(
        candidate=candidate_person,
        plan=plan,
        occupation=special_offered,
        level=None,
        actor=personas.candidate,
    )
    assert app.level is None
    app = application_submit(application=app, actor=personas.candidate)
    assert app.status == Status.ORG_REVIEW
    assert (app.eligible, app.matched_clause, app.rule_set_code) == (
        True,
        "special_ability",
        "special-ability",
    )
    assert app.decision["level"] is None


def test_a_level_for_a_special_ability_assessment_is_refused(
    personas, plan, special_offered, candidate_person
):
    error = _create_refused(personas, plan, candidate_person, special_offered, 4)
    assert (error.code, error.field) == ("application.level_not_applicable", "level")
    assert "中式面点制作" in error.message


def test_no_level_for_a_level_occupation_is_refused(personas, plan, hr, candidate_person):
    error = _create_refused(personas, plan, candidate_person, hr, None)
    assert (error.code, error.field) == ("application.level_required", "level")
    assert "企业人力资源管理师" in error.message


def test_special_ability_not_offered_by_the_plan_is_refused(
    personas, plan, special, candidate_person
):
    error = _create_refused(personas, plan, candidate_person, special, None)
    assert error.code == "application.level_not_in_plan"
    assert "中式面点制作专项职业能力考核" in error.message
