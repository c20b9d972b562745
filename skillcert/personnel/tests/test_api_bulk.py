"""The batch forms through the API: the plan's score sheet and cards, refusals as 400/403."""

import pytest

from skillcert.personnel.models import Registration

from .conftest import certify, learn_course, publish, registration_through


@pytest.fixture
def passed_plan(world):
    plan = publish(world, 3)
    certify(world, number="JS2019000001")
    reg = registration_through(world, plan, "province_approved")
    learn_course(reg, actor=world.personas.province)
    return plan, reg


def test_score_sheet_and_cards_through_the_api(world, passed_plan):
    plan, reg = passed_plan
    client = world.personas.client_for(world.personas.province)
    url = f"/api/v1/personnel/plans/{plan.pk}"
    answer = client.post(
        f"{url}/exam-results",
        {"scores": [{"registration": reg.pk, "score": 90}]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"count": 1}
    assert Registration.objects.get(pk=reg.pk).exam_score == 90


def test_repeated_registration_in_a_sheet_is_refused(world, passed_plan):
    plan, reg = passed_plan
    client = world.personas.client_for(world.personas.province)
    answer = client.post(
        f"/api/v1/personnel/plans/{plan.pk}/exam-results",
        {"scores": [{"registration": reg.pk, "score": 90}, {"registration": reg.pk, "score": 70}]},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "personnel.registration_repeated"
    assert Registration.objects.get(pk=reg.pk).exam_score is None


def test_city_officer_may_not_issue_cards(world, passed_plan):
    plan, _ = passed_plan
    client = world.personas.client_for(world.personas.city_nanjing)
    answer = client.post(
        f"/api/v1/personnel/plans/{plan.pk}/cards", {}, content_type="application/json"
    )
    assert answer.status_code == 403
