import datetime as dt

import pytest

from skillcert.applications.models import Application, Notification, ReviewEvent, Status
from skillcert.applications.services import (
    application_create,
    application_override,
    application_submit,
    application_withdraw,
)
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.plans.models import EvaluationPlan


def _draft(plan, candidate, occupation, level, actor):
    return application_create(
        candidate=candidate, plan=plan, occupation=occupation, level=level, actor=actor
    )


def test_submit_stores_decision_clause_and_rule_set_version(
    personas, plan, hr, candidate_person, django_capture_on_commit_callbacks
):
    app = _draft(plan, candidate_person, hr, 4, personas.candidate)
    with django_capture_on_commit_callbacks(execute=True):
        app = application_submit(application=app, actor=personas.candidate)
    assert app.status == Status.ORG_REVIEW
    assert app.eligible is True
    assert app.matched_clause == "generic-2018/4/b"
    assert app.rule_set_code == "generic-2018" and app.rule_set_version == 1
    assert app.holds_seat
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 1
    assert ReviewEvent.objects.filter(application=app, transition="submit").count() == 1
    assert AuditEvent.objects.filter(action="application.submit").exists()
    assert Notification.objects.filter(candidate=candidate_person, application=app).exists()


def test_ineligible_submit_is_refused_but_decision_shown(personas, plan, hr, candidate_person):
    app = _draft(plan, candidate_person, hr, 3, personas.candidate)
    with pytest.raises(DomainError) as exc:
        application_submit(application=app, actor=personas.candidate)
    assert exc.value.code == "application.ineligible"
    assert "四级" in exc.value.message
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    assert app.eligible is False and app.matched_clause == ""
    assert any(c["unmet"] for c in app.decision["clauses"])
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 0


def test_officer_override_submits_ineligible_with_reason(personas, plan, hr, candidate_person):
    app = _draft(plan, candidate_person, hr, 3, personas.candidate)
    with pytest.raises(DomainError) as exc:
        application_submit(application=app, actor=personas.candidate)
    assert exc.value.code == "application.ineligible"
    with pytest.raises(DomainError) as exc:
        application_override(application=app, reason="  ", actor=personas.city_nanjing)
    assert exc.value.code == "application.override_reason"
    app = application_override(
        application=app, reason="省级技能大赛前三名，按规定破格", actor=personas.city_nanjing
    )
    assert app.status == Status.ORG_REVIEW
    assert app.override_by == personas.city_nanjing
    assert AuditEvent.objects.filter(action="application.override").exists()


def test_override_refused_for_clerk_and_other_city(personas, plan, hr, candidate_person):
    app = _draft(plan, candidate_person, hr, 3, personas.candidate)
    with pytest.raises(DomainError) as exc:
        application_submit(application=app, actor=personas.candidate)
    assert exc.value.code == "application.ineligible"
    for actor in (personas.clerk_a, personas.city_suzhou):
        with pytest.raises(DomainError) as exc:
            application_override(application=app, reason="理由", actor=actor)
        assert exc.value.code == "application.override_forbidden"
    app.refresh_from_db()
    assert app.status == Status.DRAFT


def test_one_application_per_person_per_plan(personas, plan, hr, welder, candidate_person):
    _draft(plan, candidate_person, hr, 4, personas.candidate)
    with pytest.raises(DomainError) as exc:
        _draft(plan, candidate_person, welder, 5, personas.candidate)
    assert exc.value.code == "application.duplicate"
    assert Application.objects.count() == 1


def test_create_refuses_level_the_plan_does_not_offer(personas, plan, hr, candidate_person):
    with pytest.raises(DomainError) as exc:
        _draft(plan, candidate_person, hr, 1, personas.candidate)
    assert exc.value.code == "application.level_not_in_plan"


def test_create_refuses_outside_window(personas, plan, hr, candidate_person):
    with pytest.raises(DomainError) as exc:
        application_create(
            candidate=candidate_person,
            plan=plan,
            occupation=hr,
            level=4,
            actor=personas.candidate,
            today=plan.window_closes + dt.timedelta(days=1),
        )
    assert exc.value.code == "application.plan_closed"


def test_only_the_owner_submits(personas, plan, hr, candidate_person):
    app = _draft(plan, candidate_person, hr, 4, personas.candidate)
    with pytest.raises(DomainError) as exc:
        application_submit(application=app, actor=personas.clerk_a)
    assert exc.value.code == "application.not_owner"


def test_withdraw_releases_the_seat(personas, plan, hr, candidate_person):
    app = application_submit(
        application=_draft(plan, candidate_person, hr, 4, personas.candidate),
        actor=personas.candidate,
    )
    app = application_withdraw(application=app, actor=personas.candidate, reason="时间冲突")
    assert app.status == Status.WITHDRAWN and not app.holds_seat
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 0
    # withdrawn applications free the person to apply again
    again = _draft(plan, candidate_person, hr, 4, personas.candidate)
    assert again.status == Status.DRAFT
