"""The monthly training's registration window (seed 003's table: 「报名时间 每月的前5个工作日」)
is shown to the applicant as exact dates on the plan's registration page, from the province's
personnel policy in force."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from skillcert.common.policies import policy_in_force
from skillcert.personnel.models import ProvincePolicy
from skillcert.personnel.services import training_plan_publish

pytestmark = pytest.mark.django_db


def page_text(world, plan) -> str:
    client = world.personas.client_for(world.personas.examiner)
    response = client.get(f"/personnel/plans/{plan.pk}/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_applicant_sees_the_first_five_working_days_as_dates(world, march_plan):
    text = page_text(world, march_plan)
    assert "报名时间：2026-03-02 至 2026-03-06" in text
    assert "截止日 2026年3月6日 当天仍可报名" in text


def test_window_follows_the_provinces_number_of_working_days(world):
    policy = policy_in_force(ProvincePolicy, province="32", on=dt.date(2026, 4, 1))
    assert policy is not None
    ProvincePolicy.objects.filter(pk=policy.pk).update(registration_workdays_examiner=3)
    plan = training_plan_publish(
        province=world.jiangsu,
        year=2026,
        month=4,
        role="examiner",
        required_minutes=600,
        actor=world.personas.province,
    )
    # April 2026: Wednesday 04-01 is the first working day; the 3rd is Friday 04-03.
    assert (plan.published_on, plan.registration_closes_on) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 3),
    )
    assert "报名时间：2026-04-01 至 2026-04-03" in page_text(world, plan)
