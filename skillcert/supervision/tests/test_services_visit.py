import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.organizations.models import CreditEvent, CreditEventKind
from skillcert.supervision import services
from skillcert.supervision.models import (
    ActionStatus,
    CorrectiveAction,
    Evidence,
    Finding,
    RegistrationHold,
    Visit,
    VisitStatus,
)
from skillcert.supervision.selectors import registration_blocked
from skillcert.supervision.services import visits

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _answer_all(visit, user, result="yes"):
    return services.visit_checklist_save(
        visit=visit, answers={i["code"]: (result, "") for i in visit.checklist}, actor=user
    )


def _fake_calendar(monkeypatch):
    # corrective deadlines are counted in working days; the tests do not depend on the
    # State Council calendar of the current year
    monkeypatch.setattr(visits, "workdays_add", lambda start, n: start + dt.timedelta(days=n))


def _reported(world, visit, monkeypatch, severity, description, *, rating):
    """The supervisor persona answers the checklist, records one finding and reports the
    visit with `rating`; corrective deadlines count calendar days."""
    _fake_calendar(monkeypatch)
    user = world.personas.supervisor
    _answer_all(visit, user)
    finding = services.finding_record(
        visit=visit, severity=severity, description=description, actor=user
    )
    services.visit_report_submit(visit=visit, rating=rating, report="见问题", actor=user)
    return finding


def test_supervisor_reports_a_serious_finding_that_opens_a_corrective_action(
    world, visit, monkeypatch
):
    _fake_calendar(monkeypatch)
    user = world.personas.supervisor
    _answer_all(visit, user)
    finding = services.finding_record(
        visit=visit, severity="serious", description="考生代考，身份核验流于形式", actor=user
    )
    evidence = services.evidence_add(
        finding=finding, upload=SimpleUploadedFile("现场.png", PNG), actor=user
    )
    assert evidence.content_type == "image/png" and len(evidence.sha256) == 64
    with pytest.raises(DomainError) as exc:
        services.visit_report_submit(visit=visit, rating="pass", report="见问题", actor=user)
    assert exc.value.code == "supervision.rating_inconsistent"
    reported = services.visit_report_submit(visit=visit, rating="fail", report="见问题", actor=user)
    assert reported.status == VisitStatus.REPORTED
    action = CorrectiveAction.objects.get(finding=finding)
    assert action.org == world.personas.org_a and action.status == ActionStatus.OPEN
    assert action.due_on == timezone.localdate() + dt.timedelta(days=10)


def test_serious_finding_feeds_the_credit_record_and_blocks_registration(world, visit, monkeypatch):
    finding = _reported(world, visit, monkeypatch, "serious", "试卷泄密", rating="fail")
    assert registration_blocked(world.social_plan) is None
    services.finding_escalate(
        finding=finding,
        document_no="苏人社督〔2026〕3号",
        hold="plan",
        actor=world.personas.city_nanjing,
    )
    event = CreditEvent.objects.get(org=world.personas.org_a)
    assert event.kind == CreditEventKind.SUPERVISION_FINDING
    hold = registration_blocked(world.social_plan)
    assert hold is not None and hold.document_no == "苏人社督〔2026〕3号"
    with pytest.raises(DomainError) as exc:
        services.finding_escalate(finding=finding, actor=world.personas.city_nanjing)
    assert exc.value.code == "supervision.finding_already_escalated"
    services.registration_hold_lift(hold=hold, reason="整改到位", actor=world.personas.city_nanjing)
    assert registration_blocked(world.social_plan) is None


def test_organisation_wide_hold_blocks_every_plan_of_the_org_and_accepts_a_batch(
    world, visit, monkeypatch
):
    finding = _reported(world, visit, monkeypatch, "serious", "伪造成绩", rating="fail")
    services.finding_escalate(
        finding=finding, document_no="文1", hold="org", actor=world.personas.province
    )

    class Batch:
        plan = world.social_plan

    assert registration_blocked(Batch()) is not None
    assert registration_blocked(world.employer_plans[0]) is None  # another organisation


def test_corrective_action_cycle_closes_the_visit(world, visit, monkeypatch):
    _reported(world, visit, monkeypatch, "minor", "考场记录不全", rating="pass")
    action = CorrectiveAction.objects.get()
    with pytest.raises(DomainError) as exc:
        services.corrective_action_respond(
            action=action, response="已补", actor=world.personas.clerk_b
        )
    assert exc.value.code == "org.forbidden"
    with pytest.raises(DomainError) as exc:
        services.corrective_action_respond(
            action=action, response="  ", actor=world.personas.clerk_a
        )
    assert exc.value.code == "supervision.response_required"
    action = services.corrective_action_respond(
        action=action, response="已补记", actor=world.personas.clerk_a
    )
    with pytest.raises(DomainError) as exc:
        services.corrective_action_review(
            action=action, accept=False, note="", actor=world.personas.city_nanjing
        )
    assert exc.value.code == "supervision.note_required"
    services.corrective_action_review(
        action=action, accept=True, note="", actor=world.personas.city_nanjing
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CLOSED


def test_visit_without_findings_closes_on_report(world, visit):
    _answer_all(visit, world.personas.supervisor)
    done = services.visit_report_submit(
        visit=visit, rating="excellent", report="规范", actor=world.personas.supervisor
    )
    assert done.status == VisitStatus.CLOSED and not CorrectiveAction.objects.exists()


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (
            lambda v, u: services.finding_record(
                visit=v, severity="grave", description="x", actor=u
            ),
            "supervision.severity_invalid",
        ),
        (
            lambda v, u: services.finding_record(
                visit=v, severity="minor", description=" ", actor=u
            ),
            "supervision.description_required",
        ),
        (
            lambda v, u: services.finding_record(
                visit=v, severity="minor", description="x", checklist_code="nope", actor=u
            ),
            "supervision.checklist_unknown_item",
        ),
        (
            lambda v, u: services.visit_checklist_save(
                visit=v, answers={"identity": ("maybe", "")}, actor=u
            ),
            "supervision.checklist_result_invalid",
        ),
        (
            lambda v, u: services.visit_report_submit(visit=v, rating="pass", report="x", actor=u),
            "supervision.checklist_incomplete",
        ),
        (
            lambda v, u: services.visit_report_submit(
                visit=v, rating="superb", report="x", actor=u
            ),
            "supervision.rating_invalid",
        ),
        (
            lambda v, u: services.visit_report_submit(visit=v, rating="pass", report="", actor=u),
            "supervision.report_required",
        ),
    ],
)
def test_bad_visit_input_is_refused_and_nothing_changes(world, visit, call, code):
    before = list(Visit.objects.values())
    with pytest.raises(DomainError) as exc:
        call(visit, world.personas.supervisor)
    assert exc.value.code == code
    assert list(Visit.objects.values()) == before and not Finding.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("现场.png", b"MZ\x90\x00" + b"\x00" * 60, "upload.disguised"),
        ("现场.pdf", PNG, "upload.disguised"),
        ("现场.exe", PNG, "upload.type_not_allowed"),
        ("现场.png", b"", "upload.empty"),
        ("现场.png", b"<html><script>", "upload.disguised"),
    ],
)
def test_evidence_is_validated_by_content(world, visit, name, content, code):
    finding = services.finding_record(
        visit=visit, severity="minor", description="x", actor=world.personas.supervisor
    )
    with pytest.raises(DomainError) as exc:
        services.evidence_add(
            finding=finding,
            upload=SimpleUploadedFile(name, content),
            actor=world.personas.supervisor,
        )
    assert exc.value.code == code
    assert not Evidence.objects.exists()


def test_only_the_assigned_supervisor_fills_the_visit(world, visit):
    with pytest.raises(DomainError) as exc:
        services.finding_record(
            visit=visit, severity="minor", description="x", actor=world.personas.examiner
        )
    assert exc.value.code == "supervision.forbidden"
    assert not Finding.objects.exists()


def test_escalation_refuses_minor_findings_unreported_visits_and_holds_without_document(
    world, visit, monkeypatch
):
    _fake_calendar(monkeypatch)
    user, officer = world.personas.supervisor, world.personas.city_nanjing
    minor = services.finding_record(visit=visit, severity="minor", description="a", actor=user)
    serious = services.finding_record(visit=visit, severity="serious", description="b", actor=user)
    with pytest.raises(DomainError) as exc:
        services.finding_escalate(finding=serious, actor=officer)
    assert exc.value.code == "supervision.visit_not_reported"
    _answer_all(visit, user)
    services.visit_report_submit(visit=visit, rating="fail", report="x", actor=user)
    for finding, kwargs, code in [
        (minor, {}, "supervision.finding_not_serious"),
        (serious, {"hold": "plan"}, "supervision.document_required"),
        (serious, {"hold": "everything", "document_no": "x"}, "supervision.hold_invalid"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.finding_escalate(finding=finding, actor=officer, **kwargs)
        assert exc.value.code == code
    with pytest.raises(DomainError) as exc:
        services.finding_escalate(finding=serious, actor=world.personas.city_suzhou)
    assert exc.value.code == "org.forbidden"
    assert not CreditEvent.objects.exists() and not RegistrationHold.objects.exists()
