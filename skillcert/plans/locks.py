"""The one lock helper of the plan aggregate for other apps: a write that must see the plan's
current rates and seats (a sample draw) serialises on its row."""

from __future__ import annotations

from skillcert.plans.models import EvaluationPlan


def plan_lock(plan_id: int) -> EvaluationPlan:
    """Lock and re-read the plan (call inside transaction.atomic)."""
    return EvaluationPlan.objects.select_for_update().get(pk=plan_id)
