"""Demo: the completed assessment's batch scored and published, then (once its re-check
window has closed on the story clock) registered. Idempotent."""

from __future__ import annotations

from skillcert.accounts.actors import Actor
from skillcert.applications.demo import PLAN_CODE
from skillcert.plans.models import EvaluationPlan
from skillcert.scoring.models import BatchStatus, ResultBatch
from skillcert.scoring.services import (
    batch_open,
    batch_publish,
    batch_register,
    batch_registration_submit,
    batch_submit,
    result_part_state_set,
    result_score_enter,
)


def load_scoring_demo(actor: Actor) -> None:
    plan = EvaluationPlan.objects.filter(code=PLAN_CODE).first()
    if plan is None or ResultBatch.objects.filter(plan=plan).exists():
        return
    batch = batch_open(plan=plan, actor=actor)
    results = list(batch.results.order_by("pk"))
    if not results:
        return
    for n, result in enumerate(results):
        if n == len(results) - 1 and len(results) > 1:
            result_part_state_set(
                result=result, part="practical", state="absent", reason="演示：缺考", actor=actor
            )
        else:
            result_score_enter(result=result, part="practical", score=62 + 7 * n % 30, actor=actor)
        result_score_enter(result=result, part="theory", score=72 + 11 * n % 20, actor=actor)
        if result.panel_state == "pending":
            result_score_enter(result=result, part="panel", score=75, actor=actor)
    batch_submit(batch=batch, actor=actor)
    batch_publish(batch=batch, actor=actor)


def load_registration_demo(actor: Actor) -> None:
    """After the re-check window: the organisation submits, the authority registers."""
    batch = ResultBatch.objects.filter(plan__code=PLAN_CODE, status=BatchStatus.PUBLISHED).first()
    if batch is None:
        return
    batch_registration_submit(batch=batch, actor=actor)
    batch_register(batch=batch, actor=actor)
