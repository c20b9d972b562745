"""Setting a batch up in the browser: opening the batch of a plan whose exam is over (with
exam-day absences and misconduct carried over), in the browser and through the API (the rest of
the set-up is in test_setup_pages_staff.py). Each write: the good case, refused input (nothing
changed) and the attacker (another organisation's clerk, a candidate, an anonymous visitor)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from skillcert.exams.models import (
    Attendance,
    AttendanceStatus,
    Misconduct,
    MisconductDecision,
    Seat,
)
from skillcert.exams.tests.factories import EXAM_DAY, approved_plan, at, build_sitting
from skillcert.scoring.models import (
    PartState,
    Result,
    ResultBatch,
)
from skillcert.scoring.services import batch_open

AFTER_EXAM = at(EXAM_DAY + dt.timedelta(days=3), 9)
BEFORE_EXAM = at(EXAM_DAY - dt.timedelta(days=3), 9)
API = "/api/v1/scoring"


@pytest.fixture
def finished(personas: Any, hr: Any, time_machine: Any) -> Any:
    """An approved plan of org A (3 candidates, theory on EXAM_DAY), the clock three days
    after the exam."""
    time_machine.move_to(AFTER_EXAM, tick=False)
    plan, apps = approved_plan(personas, hr, code="NJ-9", candidates=3, first_seq=600)
    return plan, apps


def _open_url(plan: Any) -> str:
    return reverse("scoring:batch_open", args=[plan.pk])


# --- opening the batch ----------------------------------------------------------------------------


def test_batch_list_offers_the_finished_plan_and_the_clerk_opens_its_batch(
    finished: Any, personas: Any
) -> None:
    plan, apps = finished
    clerk = personas.client_for(personas.clerk_a)
    page = clerk.get(reverse("scoring:batches")).content.decode()
    assert "待建立成绩批次的计划" in page and plan.code in page and _open_url(plan) in page
    response = clerk.post(_open_url(plan))
    batch = ResultBatch.objects.get(plan=plan)
    assert response.status_code == 302 and response["Location"] == reverse(
        "scoring:batch", args=[batch.pk]
    )
    assert Result.objects.filter(batch=batch).count() == len(apps)
    assert (
        plan.code
        not in clerk.get(reverse("scoring:batches"))
        .content.decode()
        .split("待建立成绩批次的计划")[1]
    )


def test_a_city_officer_over_the_organisation_opens_the_batch_too(
    finished: Any, personas: Any
) -> None:
    plan, _apps = finished
    response = personas.client_for(personas.city_nanjing).post(_open_url(plan))
    assert response.status_code == 302 and ResultBatch.objects.filter(plan=plan).exists()


def test_batch_is_not_opened_before_the_exam_is_over(
    finished: Any, personas: Any, time_machine: Any
) -> None:
    plan, _apps = finished
    time_machine.move_to(BEFORE_EXAM, tick=False)
    clerk = personas.client_for(personas.clerk_a)
    assert plan.code not in clerk.get(reverse("scoring:batches")).content.decode()
    response = clerk.post(_open_url(plan), follow=True)
    assert "结束后才能建立成绩批次" in response.content.decode()
    assert not ResultBatch.objects.filter(plan=plan).exists()
    api = clerk.post(f"{API}/plans/{plan.pk}/batch")
    assert api.status_code == 400 and api.json()["code"] == "scoring.exam_not_over"


def test_others_cannot_open_the_batch(finished: Any, personas: Any) -> None:
    plan, _apps = finished
    for user in (personas.clerk_b, personas.candidate, personas.city_suzhou):
        client = personas.client_for(user)
        assert client.post(_open_url(plan)).status_code == 404
        assert client.post(f"{API}/plans/{plan.pk}/batch").status_code == 404
    assert (
        plan.code
        not in personas.client_for(personas.clerk_b)
        .get(reverse("scoring:batches"))
        .content.decode()
    )
    anonymous = Client().post(_open_url(plan))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert not ResultBatch.objects.filter(plan=plan).exists()


def test_api_opens_the_batch_once_the_exam_is_over(finished: Any, personas: Any) -> None:
    plan, apps = finished
    response = personas.client_for(personas.clerk_a).post(f"{API}/plans/{plan.pk}/batch")
    assert response.status_code == 200 and response.json()["status"] == "entering"
    assert Result.objects.filter(batch__plan=plan).count() == len(apps)


# --- exam-day absences and misconduct ---------------------------------------------------------


def test_exam_day_absence_and_voiding_misconduct_are_carried_onto_the_batch(
    personas: Any, hr: Any
) -> None:
    setup = build_sitting(personas, hr, count_a=3, count_b=1)
    slot = setup.theory["320100"]
    seats = [
        Seat.objects.create(
            slot=slot, application=app, room=setup.rooms["nj1"], seat_no=n, row=1, col=n
        )
        for n, app in enumerate(setup.apps_a, start=1)
    ]
    Attendance.objects.create(
        seat=seats[0], status=AttendanceStatus.ABSENT, recorded_by=personas.city_nanjing
    )
    Attendance.objects.create(
        seat=seats[1],
        status=AttendanceStatus.PRESENT,
        arrived_at=at(EXAM_DAY, 8, 40),
        recorded_by=personas.city_nanjing,
    )
    Misconduct.objects.create(
        seat=seats[1],
        kind="device",
        description="携带手机",
        occurred_at=at(EXAM_DAY, 9, 20),
        decision=MisconductDecision.SUBJECT_VOID,
        recorded_by=personas.city_nanjing,
    )
    batch = batch_open(plan=setup.plan_a, actor=personas.clerk_a)
    states = dict(Result.objects.filter(batch=batch).values_list("application_id", "theory_state"))
    assert states == {
        setup.apps_a[0].pk: PartState.ABSENT,
        setup.apps_a[1].pk: PartState.VOIDED,
        setup.apps_a[2].pk: PartState.PENDING,
    }
    page = personas.client_for(personas.clerk_a).get(reverse("scoring:batch", args=[batch.pk]))
    assert "缺考" in page.content.decode() and "违纪作废" in page.content.decode()
