"""Plan writes: creating a plan with its offerings, opening and closing it, the province's
sampling rates, and the seat counter every submission goes through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from skillcert.accounts.scope import scope_for
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.transitions import check_transition
from skillcert.occupations.models import Occupation
from skillcert.occupations.selectors import standard_current
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.permits import organization_check_may_evaluate
from skillcert.plans.models import EvaluationPlan, PlanOffering, PlanStatus

PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.OPEN}),
    PlanStatus.OPEN: frozenset({PlanStatus.CLOSED}),
    PlanStatus.CLOSED: frozenset({PlanStatus.OPEN}),
}


def plan_create(
    *,
    code: str,
    title: str,
    organization: EvaluationOrg,
    window_opens: dt.date,
    window_closes: dt.date,
    capacity: int,
    offerings: Sequence[tuple[Occupation, int]],
    actor: Any,
    city_sample_rate: Decimal = Decimal("1"),
    province_sample_rate: Decimal = Decimal("1"),
) -> EvaluationPlan:
    code = code.strip().upper()
    if not code:
        raise DomainError("plan.code_required", "请填写计划编号", field="code")
    if window_closes < window_opens:
        raise DomainError(
            "plan.window_order", "报名截止日期不能早于开始日期", field="window_closes"
        )
    if capacity <= 0:
        raise DomainError("plan.capacity", "计划人数应大于0", field="capacity")
    if not offerings:
        raise DomainError("plan.offerings_required", "请至少选择一个职业等级", field="offerings")
    today = timezone.localdate()
    for occupation, level in offerings:
        # The organisations facade: not filed, suspended, revoked, exited, blacklisted,
        # expired or outside its filed scope all refuse the plan.
        organization_check_may_evaluate(
            org=organization, occupation_id=occupation.pk, level=level, day=today
        )
        standard = standard_current(occupation=occupation)
        if standard is not None and level not in standard.level_list:
            raise DomainError(
                "plan.level_not_offered",
                f"{occupation.name}的职业标准未设置{level}级",
                field="offerings",
            )
    _check_rates(city_sample_rate, province_sample_rate)
    try:
        with transaction.atomic():
            plan = EvaluationPlan.objects.create(
                code=code,
                title=title.strip(),
                organization=organization,
                window_opens=window_opens,
                window_closes=window_closes,
                capacity=capacity,
                city_sample_rate=city_sample_rate,
                province_sample_rate=province_sample_rate,
            )
            PlanOffering.objects.bulk_create(
                PlanOffering(plan=plan, occupation=o, level=lv) for o, lv in set(offerings)
            )
            audit_record(
                actor=actor,
                action="plan.create",
                obj=plan,
                changes={
                    "code": [None, code],
                    "capacity": [None, capacity],
                    "offerings": [None, sorted(f"{o.code}/{lv}" for o, lv in set(offerings))],
                },
            )
    except IntegrityError:
        raise DomainError("plan.code_taken", f"计划编号“{code}”已存在", field="code") from None
    return plan


def _check_rates(*rates: Decimal) -> None:
    for rate in rates:
        if not Decimal(0) <= rate <= Decimal(1):
            raise DomainError("plan.sample_rate", "抽样比例应在0到1之间", field="sample_rate")


def _plan_move(*, plan: EvaluationPlan, target: str, actor: Any) -> EvaluationPlan:
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        check_transition(
            allowed=PLAN_TRANSITIONS,
            current=locked.status,
            target=target,
            labels=dict(PlanStatus.choices),
        )
        before = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, action=f"plan.{target}", obj=locked, changes={"status": [before, target]}
        )
    return locked


def plan_open(*, plan: EvaluationPlan, actor: Any) -> EvaluationPlan:
    return _plan_move(plan=plan, target=PlanStatus.OPEN, actor=actor)


def plan_close(*, plan: EvaluationPlan, actor: Any) -> EvaluationPlan:
    return _plan_move(plan=plan, target=PlanStatus.CLOSED, actor=actor)


def plan_sampling_set(
    *, plan: EvaluationPlan, city_rate: Decimal, province_rate: Decimal, actor: Any
) -> EvaluationPlan:
    """The province decides how much of a plan the city and the province review."""
    if not scope_for(actor).is_province_officer:
        raise DomainError("plan.sampling_forbidden", "抽样比例由省级人社部门设置")
    _check_rates(city_rate, province_rate)
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        changes = {
            "city_sample_rate": [str(locked.city_sample_rate), str(city_rate)],
            "province_sample_rate": [str(locked.province_sample_rate), str(province_rate)],
        }
        locked.city_sample_rate = city_rate
        locked.province_sample_rate = province_rate
        locked.save(update_fields=["city_sample_rate", "province_sample_rate"])
        audit_record(actor=actor, action="plan.sampling_set", obj=locked, changes=changes)
    return locked


def plan_seats_reserve(*, plan_id: int, count: int) -> None:
    """Take `count` seats or none. One conditional UPDATE: the database serialises
    concurrent writers on the plan row, so two submissions can never both take the last
    seat (no read-then-write in Python). Call inside the caller's transaction."""
    if count <= 0:
        return
    taken = EvaluationPlan.objects.filter(
        pk=plan_id, seats_taken__lte=F("capacity") - count
    ).update(seats_taken=F("seats_taken") + count)
    if taken != 1:
        raise DomainError("plan.quota_exceeded", "该评价计划名额已满，无法再报名", field="plan")


def plan_seats_release(*, plan_id: int, count: int) -> None:
    if count <= 0:
        return
    EvaluationPlan.objects.filter(pk=plan_id, seats_taken__gte=count).update(
        seats_taken=F("seats_taken") - count
    )
