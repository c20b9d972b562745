"""A 专项职业能力考核 occupation is offered by a plan without a level (seed 004 §一); every
other occupation at a level. Through the service and through the plan-creation page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.plans.forms import offering_key, parse_offering_key
from skillcert.plans.models import EvaluationPlan, PlanOffering
from skillcert.plans.services import plan_create
from skillcert.plans.tests.factories import file_org


def _create(personas, offerings, code="sa-1"):
    today = timezone.localdate()
    return plan_create(
        code=code,
        title="专项职业能力考核计划",
        organization=personas.org_a,
        window_opens=today,
        window_closes=today + dt.timedelta(days=10),
        capacity=10,
        offerings=offerings,
        actor=personas.clerk_a,
    )


def test_special_ability_occupation_is_offered_without_a_level(personas, hr, special):
    file_org(personas.org_a, [hr], (4,))
    plan = _create(personas, [(special, None), (hr, 4)])
    offered = sorted(plan.offerings.values_list("occupation__code", "level"), key=str)
    assert offered == [("4-03-02-91", None), ("4-07-03-02", 4)]
    event = AuditEvent.objects.get(action="plan.create", object_id=str(plan.pk))
    assert event.changes["offerings"][1] == ["4-03-02-91/-", "4-07-03-02/4"]


def test_a_level_for_a_special_ability_occupation_is_refused(personas, special):
    file_org(personas.org_a, [], ())
    with pytest.raises(DomainError) as err:
        _create(personas, [(special, 4)])
    assert (err.value.code, err.value.field) == ("plan.level_not_applicable", "offerings")
    assert "中式面点制作" in err.value.message and "不设等级" in err.value.message
    assert not EvaluationPlan.objects.exists()


def test_no_level_for_a_level_occupation_is_refused(personas, hr):
    file_org(personas.org_a, [hr], (4,))
    with pytest.raises(DomainError) as err:
        _create(personas, [(hr, None)])
    assert (err.value.code, err.value.field) == ("plan.level_required", "offerings")
    assert "企业人力资源管理师" in err.value.message
    assert not EvaluationPlan.objects.exists()


def test_one_level_less_offering_per_occupation(personas, special):
    file_org(personas.org_a, [], ())
    plan = _create(personas, [(special, None), (special, None)])
    assert plan.offerings.count() == 1


def test_database_refuses_a_second_level_less_offering(personas, special):
    file_org(personas.org_a, [], ())
    plan = _create(personas, [(special, None)])
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanOffering.objects.create(plan=plan, occupation=special, level=None)


@pytest.mark.parametrize(("occupation_id", "level"), [(12, 3), (12, None)])
def test_offering_keys_round_trip(occupation_id, level):
    assert parse_offering_key(offering_key(occupation_id, level)) == (occupation_id, level)


def test_page_offers_the_special_ability_occupation_without_a_level(personas, special):
    # the organisation's filed scope names the occupation (its scope rows carry a level)
    file_org(personas.org_a, [special], (4,))
    client = personas.client_for(personas.clerk_a)
    form = client.get(reverse("plans:create")).content.decode()
    assert (
        f'value="{special.pk}:"' in form
        and "中式面点制作（4-03-02-91）专项职业能力（不设等级）" in form
    )
    assert f'value="{special.pk}:4"' not in form
    today = timezone.localdate()
    response = client.post(
        reverse("plans:create"),
        {
            "organization": personas.org_a.pk,
            "code": "sa-2026-1",
            "title": "2026年中式面点制作专项职业能力考核",
            "window_opens": today.isoformat(),
            "window_closes": (today + dt.timedelta(days=20)).isoformat(),
            "capacity": "30",
            "offerings": [f"{special.pk}:"],
        },
    )
    plan = EvaluationPlan.objects.get()
    assert response.url == reverse("plans:detail", args=[plan.pk])
    assert list(plan.offerings.values_list("level", flat=True)) == [None]
    detail = client.get(response.url).content.decode()
    assert "中式面点制作 专项职业能力" in detail


def test_special_ability_outside_the_organisations_filed_scope_is_refused(personas, special):
    """No level does not mean no scope: the occupation must be in the filing at some line."""
    from skillcert.organizations.models import OrgScope

    OrgScope.objects.filter(org=personas.org_a, occupation=special).delete()
    with pytest.raises(DomainError) as err:
        _create(personas, [(special, None)])
    assert err.value.code == "org.outside_scope"
    assert "专项职业能力" in err.value.message
    assert not EvaluationPlan.objects.exists()
