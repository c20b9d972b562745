"""The staffing ratios (DOMAIN §4) bind plan approval: fewer examiners than a session needs
refuses approval, unless the province records an exception with its reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from skillcert.common.errors import DomainError, Forbidden
from skillcert.plans.models import (
    EvaluationPlan,
    FilingStatus,
    PlanExaminer,
    PlanFiling,
    PlanSession,
)
from skillcert.plans.services import plan_review
from skillcert.plans.tests.factories import make_person
from skillcert.supervision.models import RatioOverride
from skillcert.supervision.services import ratio_override_record

EXAM_AT = dt.datetime(2026, 7, 6, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _filed(world, hr, *, examiners: int, expected: int = 12) -> EvaluationPlan:
    plan = world.social_plan
    PlanSession.objects.create(
        plan=plan,
        subject="practical",
        starts_at=EXAM_AT,
        ends_at=EXAM_AT + dt.timedelta(hours=2),
        site="南京市第一考点",
        expected=expected,
    )
    for seq in range(examiners):
        person = make_person(70 + seq, roles=[("examiner", hr, 1, 5)])
        PlanExaminer.objects.create(plan=plan, person=person)
    EvaluationPlan.objects.filter(pk=plan.pk).update(filing_status=FilingStatus.FILED, revision=1)
    PlanFiling.objects.create(
        plan=plan,
        revision=1,
        snapshot={},
        filed_on=timezone.localdate(EXAM_AT) - dt.timedelta(days=30),
        first_exam_on=timezone.localdate(EXAM_AT),
    )
    return EvaluationPlan.objects.get(pk=plan.pk)


def test_plan_below_the_examiner_ratio_is_not_approved(world, hr):
    plan = _filed(world, hr, examiners=2)  # 12 candidates in a practical session need 3
    with pytest.raises(DomainError) as exc:
        plan_review(plan=plan, approve=True, actor=world.personas.city_nanjing)
    assert exc.value.code == "plan.staff_below_ratio" and exc.value.field == "examiners"
    assert "需考评员3人" in exc.value.message and "仅有考评人员2人" in exc.value.message
    assert EvaluationPlan.objects.get(pk=plan.pk).filing_status == FilingStatus.FILED
    assert PlanFiling.objects.get(plan=plan).decision == ""


def test_plan_meeting_the_ratio_is_approved(world, hr):
    plan = _filed(world, hr, examiners=3)
    plan_review(plan=plan, approve=True, actor=world.personas.city_nanjing)
    assert EvaluationPlan.objects.get(pk=plan.pk).filing_status == FilingStatus.APPROVED


def test_province_exception_lets_the_plan_through(world, hr):
    plan = _filed(world, hr, examiners=2)
    row = ratio_override_record(
        plan=plan,
        reason="偏远考点考评员不足，已安排省级巡考全程录像",
        actor=world.personas.province,
    )
    assert row.recorded_by == world.personas.province
    plan_review(plan=plan, approve=True, actor=world.personas.city_nanjing)
    assert EvaluationPlan.objects.get(pk=plan.pk).filing_status == FilingStatus.APPROVED


def test_exception_needs_the_province_a_target_and_a_real_reason(world, hr):
    plan = _filed(world, hr, examiners=2)
    with pytest.raises(Forbidden) as refused:
        ratio_override_record(
            plan=plan, reason="市级认为可以少安排考评员", actor=world.personas.city_nanjing
        )
    assert refused.value.code == "supervision.override_forbidden"
    for kwargs, code in (
        ({"plan": plan, "reason": "人手不够"}, "supervision.reason_too_short"),
        ({"plan": plan, "reason": "  "}, "supervision.reason_required"),
        ({"reason": "偏远考点考评员不足，已安排巡考"}, "supervision.override_target"),
    ):
        with pytest.raises(DomainError) as exc:
            ratio_override_record(actor=world.personas.province, **kwargs)
        assert exc.value.code == code
    assert not RatioOverride.objects.exists()
    with pytest.raises(DomainError) as exc:
        plan_review(plan=plan, approve=True, actor=world.personas.city_nanjing)
    assert exc.value.code == "plan.staff_below_ratio"
