"""The authority's on-site supervisor (外督) of a social assessment, the report (or accepted
reason) registration needs, and a serious finding holding registration until its corrective
action is accepted — through the services and the registration service."""

from __future__ import annotations

import datetime as dt

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError, Forbidden
from skillcert.personnel.models import PersonRole, RecusalRelation, RoleKind
from skillcert.plans.choices import PlanKind
from skillcert.plans.tests.factories import make_person
from skillcert.scoring.models import BatchStatus, ResultBatch
from skillcert.scoring.services import batch_open, batch_register, batch_registration_submit
from skillcert.supervision import services
from skillcert.supervision.models import (
    ActionStatus,
    CorrectiveAction,
    DrawKind,
    RegistrationHold,
    ReportWaiver,
    Visit,
    VisitStatus,
)
from skillcert.supervision.selectors import onsite_report_missing, registration_blocked


def _appoint(world, person=None):
    return services.onsite_supervisor_appoint(
        plan=world.social_plan,
        person=person or world.supervisors[0],
        actor=world.personas.city_nanjing,
    )


def _report(visit, user):
    services.visit_checklist_save(
        visit=visit, answers={i["code"]: ("yes", "") for i in visit.checklist}, actor=user
    )
    services.visit_report_submit(visit=visit, rating="pass", report="现场秩序良好", actor=user)


def _published_batch(world) -> ResultBatch:
    batch = batch_open(plan=world.social_plan, actor=world.personas.clerk_a)
    ResultBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PUBLISHED)
    return ResultBatch.objects.get(pk=batch.pk)


# --- appointment -----------------------------------------------------------------------------


def test_authority_appoints_and_replaces_the_on_site_supervisor(world):
    first, second, _ = world.supervisors
    visit = _appoint(world, first)
    assert (visit.kind, visit.draw_id, visit.supervisor_id) == (DrawKind.ONSITE, None, first.pk)
    assert visit.checklist and visit.status == VisitStatus.ASSIGNED
    again = _appoint(world, second)
    assert again.pk == visit.pk and again.supervisor_id == second.pk
    assert AuditEvent.objects.filter(action="supervision.supervisor_appoint").count() == 2
    pool = dict(services.onsite_supervisor_pool(plan=world.social_plan))
    assert set(pool) == set(world.supervisors) and all(why == "" for why in pool.values())


def test_internal_related_and_employed_supervisors_are_refused(world, hr):
    internal = make_person(60, roles=[], name="内督甲")
    PersonRole.objects.create(
        person=internal,
        role=RoleKind.SUPERVISOR_INTERNAL,
        organization=world.employer,
        occupation=hr,
        level_high=1,
        level_low=5,
        province_id="320000",
        valid_from=dt.date(2024, 1, 1),
    )
    related, employed, _ = world.supervisors
    RecusalRelation.objects.create(
        person=related, kind="relative", organization=world.personas.org_a
    )
    employed.employer = world.personas.org_a
    employed.save(update_fields=["employer"])
    for person, words in ((internal, "内部质量督导员"), (related, "回避"), (employed, "工作人员")):
        with pytest.raises(DomainError) as exc:
            _appoint(world, person)
        assert exc.value.code == "supervision.supervisor_refused"
        assert exc.value.field == "person" and words in exc.value.message
    assert not Visit.objects.exists()


def test_only_the_authority_appoints_and_only_for_social_plans(world):
    for actor in (world.personas.clerk_a, world.personas.city_suzhou):
        with pytest.raises(Forbidden) as refused:
            services.onsite_supervisor_appoint(
                plan=world.social_plan, person=world.supervisors[0], actor=actor
            )
        assert refused.value.code == "supervision.forbidden"
    enterprise = world.employer_plans[0]
    assert enterprise.kind == PlanKind.SOCIAL  # created with the default; mark it enterprise
    enterprise.kind = PlanKind.ENTERPRISE
    enterprise.save(update_fields=["kind"])
    with pytest.raises(DomainError) as exc:
        services.onsite_supervisor_appoint(
            plan=enterprise, person=world.supervisors[0], actor=world.personas.city_nanjing
        )
    assert exc.value.code == "supervision.not_social"
    assert not Visit.objects.exists()


def test_supervisor_is_not_replaced_after_the_report(world):
    visit = _appoint(world)
    _report(visit, world.personas.supervisor)
    with pytest.raises(DomainError) as exc:
        _appoint(world, world.supervisors[1])
    assert exc.value.code == "supervision.visit_reported"
    assert Visit.objects.get(pk=visit.pk).supervisor_id == world.supervisors[0].pk


# --- registration needs the report or an accepted reason ------------------------------------


def test_registration_waits_for_the_on_site_report(world):
    batch = _published_batch(world)
    with pytest.raises(DomainError) as exc:
        batch_registration_submit(batch=batch, actor=world.personas.clerk_a)
    assert exc.value.code == "registration.supervisor_report_missing"
    assert "尚未派遣" in exc.value.message
    visit = _appoint(world)
    with pytest.raises(DomainError) as exc:
        batch_registration_submit(batch=batch, actor=world.personas.clerk_a)
    assert exc.value.code == "registration.supervisor_report_missing"
    assert "尚未提交督导报告" in exc.value.message
    assert ResultBatch.objects.get(pk=batch.pk).status == BatchStatus.PUBLISHED
    _report(visit, world.personas.supervisor)
    batch = batch_registration_submit(batch=batch, actor=world.personas.clerk_a)
    batch = batch_register(batch=batch, actor=world.personas.city_nanjing)
    assert batch.status == BatchStatus.REGISTERED


def test_an_accepted_reason_stands_in_for_the_missing_report(world):
    batch = _published_batch(world)
    waiver = services.onsite_report_waive(
        plan=world.social_plan,
        reason="督导员考前突发疾病，临时无法派员，已调取全程录像核实",
        actor=world.personas.city_nanjing,
    )
    assert waiver.accepted_by == world.personas.city_nanjing
    assert onsite_report_missing(world.social_plan) == ""
    batch = batch_registration_submit(batch=batch, actor=world.personas.clerk_a)
    assert batch_register(batch=batch, actor=world.personas.city_nanjing).status == "registered"


def test_bad_reasons_and_actors_are_refused_and_nothing_is_recorded(world):
    cases = [
        ("", world.personas.city_nanjing, "supervision.reason_required"),
        ("没有报告", world.personas.city_nanjing, "supervision.reason_too_short"),
    ]
    for reason, actor, code in cases:
        with pytest.raises(DomainError) as exc:
            services.onsite_report_waive(plan=world.social_plan, reason=reason, actor=actor)
        assert exc.value.code == code and exc.value.field == "reason"
    with pytest.raises(Forbidden) as refused:
        services.onsite_report_waive(
            plan=world.social_plan,
            reason="机构自己说明督导员没有来，请予认可",
            actor=world.personas.clerk_a,
        )
    assert refused.value.code == "supervision.forbidden"
    assert not ReportWaiver.objects.exists()
    visit = _appoint(world)
    _report(visit, world.personas.supervisor)
    with pytest.raises(DomainError) as exc:
        services.onsite_report_waive(
            plan=world.social_plan,
            reason="督导员考前突发疾病，临时无法派员",
            actor=world.personas.city_nanjing,
        )
    assert exc.value.code == "supervision.report_present"
    assert not ReportWaiver.objects.exists()


def test_enterprise_batches_need_no_on_site_report(world):
    plan = world.employer_plans[0]
    plan.kind = PlanKind.ENTERPRISE
    plan.save(update_fields=["kind"])
    assert onsite_report_missing(plan) == ""


# --- a serious finding holds registration until its corrective action is accepted ------------


def test_serious_finding_holds_registration_until_the_corrective_action_is_accepted(
    world, monkeypatch
):
    from skillcert.supervision.tests.test_services_visit import _fake_calendar

    _fake_calendar(monkeypatch)
    user = world.personas.supervisor
    visit = _appoint(world)
    services.visit_checklist_save(
        visit=visit, answers={i["code"]: ("yes", "") for i in visit.checklist}, actor=user
    )
    finding = services.finding_record(
        visit=visit, severity="serious", description="考生替考，身份核验流于形式", actor=user
    )
    services.visit_report_submit(visit=visit, rating="fail", report="发现严重问题", actor=user)
    batch = _published_batch(world)
    services.finding_escalate(
        finding=finding,
        document_no="宁人社督〔2026〕9号",
        hold="plan",
        actor=world.personas.city_nanjing,
    )
    with pytest.raises(DomainError) as exc:
        batch_registration_submit(batch=batch, actor=world.personas.clerk_a)
    assert exc.value.code == "registration.supervision_hold"
    action = CorrectiveAction.objects.get(finding=finding)
    services.corrective_action_respond(
        action=action, response="已完善人脸核验流程", actor=world.personas.clerk_a
    )
    # sent back: still held
    services.corrective_action_review(
        action=action, accept=False, note="请附整改后的核验记录", actor=world.personas.city_nanjing
    )
    assert registration_blocked(world.social_plan) is not None
    with pytest.raises(DomainError) as exc:
        batch_registration_submit(batch=batch, actor=world.personas.clerk_a)
    assert exc.value.code == "registration.supervision_hold"
    services.corrective_action_respond(
        action=action, response="已附核验记录", actor=world.personas.clerk_a
    )
    services.corrective_action_review(
        action=action, accept=True, note="", actor=world.personas.city_nanjing
    )
    assert CorrectiveAction.objects.get(pk=action.pk).status == ActionStatus.ACCEPTED
    hold = RegistrationHold.objects.get(finding=finding)
    assert hold.lifted_at is not None and "整改已验收" in hold.lift_reason
    batch = batch_registration_submit(batch=batch, actor=world.personas.clerk_a)
    assert batch.status == BatchStatus.REGISTRATION
