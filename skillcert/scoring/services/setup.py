"""Setting a batch up from the web: opening it once the plan's exam is over."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.scoring.selectors import plan_exam_ended_at
from skillcert.scoring.services._access import forbidden, officer_over, org_staff_of
from skillcert.scoring.services.batches import batch_open

if TYPE_CHECKING:
    from skillcert.accounts.actors import Actor
    from skillcert.plans.models import EvaluationPlan
    from skillcert.scoring.models import ResultBatch


def batch_open_after_exam(
    *, plan: EvaluationPlan, actor: Actor, now: dt.datetime | None = None
) -> ResultBatch:
    """`batch_open` for a plan whose every session has ended: results are not opened for an
    exam that has not taken place."""
    if not (
        org_staff_of(actor, plan.organization_id)
        or officer_over(actor, plan.organization.region_id)
    ):
        raise forbidden("只有本评价机构或主管部门可以建立成绩批次")
    ended = plan_exam_ended_at(plan=plan)
    if ended is None:
        raise DomainError(
            "scoring.exam_not_scheduled", f"计划 {plan.code} 没有考核安排，不能建立成绩批次"
        )
    if ended > (now or timezone.now()):
        local = timezone.localtime(ended)
        raise DomainError(
            "scoring.exam_not_over",
            f"计划 {plan.code} 的考核到 {local:%Y-%m-%d %H:%M} 才结束，结束后才能建立成绩批次",
        )
    return batch_open(plan=plan, actor=actor)
