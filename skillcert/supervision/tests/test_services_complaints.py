import datetime as dt
from typing import Any

import pytest
from django.db import connection

from skillcert.accounts.actors import PUBLIC
from skillcert.common.errors import DomainError
from skillcert.organizations.models import CreditEvent, CreditEventKind
from skillcert.personnel.models import IntegrityEntry
from skillcert.supervision import services
from skillcert.supervision.models import Complaint, ComplaintEvent, ComplaintStatus
from skillcert.supervision.services import complaints


def _submit(**overrides: Any) -> tuple[Complaint, str]:
    data: dict[str, Any] = {
        "complainant_kind": "candidate",
        "subject_kind": "organization",
        "subject_name": "南京金陵评价中心",
        "region_code": "320100",
        "content": "考场内有人代考，监考人员未制止，请调查处理。",
        "contact_phone": "13912345678",
        "actor": PUBLIC,
    }
    data.update(overrides)
    return services.complaint_submit(**data)


@pytest.fixture
def calendar(monkeypatch):
    monkeypatch.setattr(
        complaints, "workdays_add", lambda start, n: start + dt.timedelta(days=n + 6)
    )


def test_public_complaint_gets_a_number_and_code_that_open_it(personas):
    complaint, code = _submit()
    assert complaint.status == ComplaintStatus.RECEIVED and complaint.number.startswith("TS")
    assert services.complaint_track(number=complaint.number, code=code) == complaint
    assert services.complaint_track(number=complaint.number, code="WRONG") is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM supervision_complaint")
        stored = cursor.fetchone()[0]
    assert "13912345678" not in stored  # encrypted at rest


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"content": "太差了"}, "complaint.content_too_short"),
        ({"content": "长" * 5001}, "complaint.content_too_long"),
        ({"contact_phone": "12345"}, "mobile.format"),
        ({"subject_name": "  "}, "complaint.subject_required"),
        ({"subject_kind": "mayor"}, "complaint.subject_kind_invalid"),
        ({"complainant_kind": "robot"}, "complaint.complainant_kind_invalid"),
        ({"region_code": "999999"}, "complaint.region_invalid"),
        # a real city, but of another province: nobody here could ever open it
        ({"region_code": "110100"}, "complaint.region_invalid"),
    ],
)
def test_bad_complaint_input_is_refused_and_nothing_is_stored(personas, overrides, code):
    with pytest.raises(DomainError) as exc:
        _submit(**overrides)
    assert exc.value.code == code
    assert not Complaint.objects.exists()


def test_triage_sets_a_working_day_deadline_and_upheld_outcome_feeds_the_credit_record(
    personas, calendar
):
    complaint, code = _submit(org=personas.org_a)
    handled = services.complaint_triage(
        complaint=complaint,
        assignee=personas.city_nanjing,
        org=personas.org_a,
        actor=personas.city_nanjing,
    )
    assert handled.status == ComplaintStatus.HANDLING
    assert handled.due_on == complaint.received_on + dt.timedelta(days=15 + 6)
    done = services.complaint_conclude(
        complaint=handled,
        outcome="经查属实，责令整改",
        upheld=True,
        feedback="您反映的问题属实，已责令机构整改。",
        actor=personas.city_nanjing,
    )
    assert done.status == ComplaintStatus.CONCLUDED
    assert CreditEvent.objects.get(org=personas.org_a).kind == CreditEventKind.COMPLAINT_UPHELD
    tracked = services.complaint_track(number=complaint.number, code=code)
    assert tracked is not None and tracked.feedback.startswith("您反映")
    assert list(ComplaintEvent.objects.values_list("action", flat=True)) == [
        "submit",
        "triage",
        "conclude",
    ]


def test_upheld_complaint_about_a_supervisor_lands_in_their_integrity_file(world, calendar):
    complaint, _ = _submit(subject_kind="supervisor", subject_name="督导员1")
    person = world.supervisors[0]
    handled = services.complaint_triage(
        complaint=complaint,
        assignee=world.personas.province,
        person=person,
        actor=world.personas.province,
    )
    services.complaint_conclude(
        complaint=handled,
        outcome="属实",
        upheld=True,
        feedback="已处理",
        actor=world.personas.province,
    )
    entry = IntegrityEntry.objects.get(person=person)
    assert entry.kind == "complaint" and complaint.number in entry.source


def test_reject_feeds_the_reason_back(personas):
    complaint, code = _submit()
    services.complaint_reject(
        complaint=complaint, reason="不属于职业技能等级认定事项", actor=personas.city_nanjing
    )
    tracked = services.complaint_track(number=complaint.number, code=code)
    assert tracked is not None
    assert tracked.status == ComplaintStatus.NOT_ACCEPTED and "不属于" in tracked.feedback


@pytest.mark.parametrize(
    ("assignee", "org", "actor", "code"),
    [
        ("clerk_a", True, "city_nanjing", "complaint.assignee_invalid"),
        ("city_suzhou", True, "city_nanjing", "complaint.assignee_invalid"),
        ("city_nanjing", False, "city_nanjing", "complaint.org_required"),
        ("city_suzhou", True, "city_suzhou", "supervision.forbidden"),
    ],
)
def test_bad_triage_is_refused_and_nothing_changes(personas, calendar, assignee, org, actor, code):
    complaint, _ = _submit()
    before = list(Complaint.objects.values())
    with pytest.raises(DomainError) as exc:
        services.complaint_triage(
            complaint=complaint,
            assignee=personas.user(assignee),
            actor=personas.user(actor),
            **({"org": personas.org_a} if org else {}),
        )
    assert exc.value.code == code
    assert list(Complaint.objects.values()) == before


def test_early_conclusion_is_refused_and_nothing_changes(personas, calendar):
    complaint, _ = _submit()
    before = list(Complaint.objects.values())
    with pytest.raises(DomainError) as exc:
        services.complaint_conclude(
            complaint=complaint,
            outcome="x",
            upheld=False,
            feedback="y",
            actor=personas.city_nanjing,
        )
    assert exc.value.code == "status.transition_not_allowed"
    assert list(Complaint.objects.values()) == before


def test_rejection_without_a_reason_is_refused(personas):
    complaint, _ = _submit()
    with pytest.raises(DomainError) as exc:
        services.complaint_reject(complaint=complaint, reason="", actor=personas.city_nanjing)
    assert exc.value.code == "complaint.reason_required"
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_conclusion_without_outcome_or_feedback_is_refused(personas, calendar):
    complaint, _ = _submit()
    handled = services.complaint_triage(
        complaint=complaint,
        assignee=personas.city_nanjing,
        org=personas.org_a,
        actor=personas.city_nanjing,
    )
    for kwargs, code in [
        ({"outcome": " ", "feedback": "y"}, "complaint.outcome_required"),
        ({"outcome": "x", "feedback": ""}, "complaint.feedback_required"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.complaint_conclude(
                complaint=handled, upheld=False, actor=personas.city_nanjing, **kwargs
            )
        assert exc.value.code == code
    assert Complaint.objects.get().status == ComplaintStatus.HANDLING
