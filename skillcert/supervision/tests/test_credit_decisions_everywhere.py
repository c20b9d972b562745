"""Abnormal-list and blacklist decisions where they matter: the public directory, plan filing
and the supervisors' draw (staff assignment)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.organizations.credit import credit_listing_add
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.services import plan_create


def _list(org, kind, actor):
    return credit_listing_add(
        org=org,
        list_kind=kind,
        reason="质量督导发现严重问题",
        document_no="苏人社〔2026〕9号",
        starts_on=timezone.localdate(),
        actor=actor,
    )


def test_blacklisted_organisation_cannot_file_a_plan(world):
    _list(world.personas.org_a, "blacklist", world.personas.province)
    count = EvaluationPlan.objects.count()
    today = timezone.localdate()
    with pytest.raises(DomainError) as exc:
        plan_create(
            code="SH-2026-009",
            title="x",
            organization=world.personas.org_a,
            window_opens=today,
            window_closes=today + dt.timedelta(days=10),
            capacity=10,
            offerings=[(world.hr, 4)],
            actor=world.personas.clerk_a,
        )
    assert exc.value.code == "org.blacklisted"
    assert EvaluationPlan.objects.count() == count


def test_directory_shows_the_abnormal_list(world):
    _list(world.personas.org_a, "abnormal", world.personas.city_nanjing)
    page = Client().get("/directory/", {"q": world.personas.org_a.name})
    assert "列入异常名录" in page.content.decode()
