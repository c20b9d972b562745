import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.organizations.models import EvaluationOrg, OrgStatus
from skillcert.plans.models import PlanStatus
from skillcert.plans.services import plan_close, plan_create, plan_open, plan_sampling_set
from skillcert.plans.tests.factories import file_org


def _create(personas, hr, **kw):
    today = timezone.localdate()
    args = {
        "code": "p-1",
        "title": "计划",
        "organization": personas.org_a,
        "window_opens": today,
        "window_closes": today + dt.timedelta(days=10),
        "capacity": 10,
        "offerings": [(hr, 4)],
        "actor": personas.clerk_a,
    }
    args.update(kw)
    return plan_create(**args)


def test_plan_requires_a_filed_organisation(personas, hr):
    with pytest.raises(DomainError) as exc:
        _create(personas, hr)
    assert exc.value.code == "org.not_filed"


def test_suspended_organisation_cannot_file_a_plan(personas, hr):
    file_org(personas.org_a, [hr], (4,))
    EvaluationOrg.objects.filter(pk=personas.org_a.pk).update(status=OrgStatus.SUSPENDED)
    personas.org_a.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        _create(personas, hr)
    assert exc.value.code == "org.suspended"


def test_create_open_close(personas, hr):
    file_org(personas.org_a, [hr], (4, 3))
    plan = _create(personas, hr)
    assert plan.code == "P-1" and plan.status == PlanStatus.DRAFT
    plan = plan_open(plan=plan, actor=personas.clerk_a)
    plan = plan_close(plan=plan, actor=personas.clerk_a)
    assert plan.status == PlanStatus.CLOSED
    with pytest.raises(DomainError) as exc:
        plan_create(
            code="p-1",
            title="x",
            organization=personas.org_a,
            window_opens=timezone.localdate(),
            window_closes=timezone.localdate(),
            capacity=1,
            offerings=[(hr, 4)],
            actor=personas.clerk_a,
        )
    assert exc.value.code == "plan.code_taken"


def test_bad_windows_capacity_and_levels(personas, hr):
    file_org(personas.org_a, [hr], (5, 4))
    today = timezone.localdate()
    with pytest.raises(DomainError) as exc:
        _create(personas, hr, window_closes=today - dt.timedelta(days=1))
    assert exc.value.code == "plan.window_order"
    with pytest.raises(DomainError) as exc:
        _create(personas, hr, capacity=0)
    assert exc.value.code == "plan.capacity"
    with pytest.raises(DomainError) as exc:
        _create(personas, hr, offerings=[(hr, 5)])  # the 2019 standard has no 五级
    assert exc.value.code == "plan.level_not_offered"


def test_only_province_sets_sampling(personas, plan):
    with pytest.raises(DomainError) as exc:
        plan_sampling_set(
            plan=plan,
            city_rate=Decimal("0.1"),
            province_rate=Decimal("0.1"),
            actor=personas.city_nanjing,
        )
    assert exc.value.code == "plan.sampling_forbidden"
    with pytest.raises(DomainError) as exc:
        plan_sampling_set(
            plan=plan, city_rate=Decimal("1.5"), province_rate=Decimal("0"), actor=personas.province
        )
    assert exc.value.code == "plan.sample_rate"
    plan = plan_sampling_set(
        plan=plan, city_rate=Decimal("0.3"), province_rate=Decimal("0.05"), actor=personas.province
    )
    assert plan.city_sample_rate == Decimal("0.3")
