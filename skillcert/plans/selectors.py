"""Plan reads, narrowed to what the user may see: organisation staff their own plans,
officers the plans of organisations in their region, candidates the open ones."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.plans.models import EvaluationPlan, PlanOffering, PlanStatus


def plans_visible(*, scope: Scope) -> QuerySet[EvaluationPlan]:
    if scope.is_platform:
        rows = EvaluationPlan.objects.all()
    elif scope.is_officer or scope.is_org_staff:
        rows = EvaluationPlan.objects.filter(
            scope.code_prefix_q("organization__region__code")
            | scope.organization_q("organization_id")
        )
    else:
        rows = EvaluationPlan.objects.filter(status=PlanStatus.OPEN)
    return rows.select_related("organization", "organization__region")


def plans_open_for_application(*, day: dt.date) -> QuerySet[EvaluationPlan]:
    return (
        EvaluationPlan.objects.filter(
            status=PlanStatus.OPEN, window_opens__lte=day, window_closes__gte=day
        )
        .select_related("organization")
        .order_by("window_closes", "code")
    )


def plan_by_code(*, code: str) -> EvaluationPlan | None:
    return (
        EvaluationPlan.objects.filter(code=code.strip().upper())
        .select_related("organization", "organization__region")
        .first()
    )


def plan_offerings(*, plan: EvaluationPlan) -> QuerySet[PlanOffering]:
    return plan.offerings.select_related("occupation").order_by("occupation__code", "-level")


def plan_offers(*, plan: EvaluationPlan, occupation_id: int, level: int) -> bool:
    return plan.offerings.filter(Q(occupation_id=occupation_id) & Q(level=level)).exists()


def plan_accepts_applications(*, plan: EvaluationPlan, day: dt.date) -> bool:
    return plan.status == PlanStatus.OPEN and plan.window_opens <= day <= plan.window_closes
