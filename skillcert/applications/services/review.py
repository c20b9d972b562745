"""Reviewers: the three review tiers (one at a time or a filtered list at once) and sample
draws."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.accounts.scope import scope_for
from skillcert.applications.models import (
    Application,
    ReviewEvent,
    SampleDraw,
    Status,
    Tier,
)
from skillcert.applications.notifications import notify
from skillcert.applications.permissions import may_review
from skillcert.applications.sampling import draw_sample
from skillcert.applications.services.base import (
    _event,
    _lock,
    _move,
    _notice,
)
from skillcert.applications.transitions import TIER_QUEUE_STATUS, TRANSITIONS
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.plans.locks import plan_lock
from skillcert.plans.services import plan_seats_release

if TYPE_CHECKING:
    from skillcert.plans.models import EvaluationPlan

REVIEW_DECISIONS = ("approve", "reject", "return")

# --- reviewers ---------------------------------------------------------------------------


def _approve_transition(tier: str, plan: EvaluationPlan) -> str:
    if tier == Tier.ORG:
        return "org_approve" if plan.city_sample_rate >= 1 else "org_approve_to_pool"
    if tier == Tier.CITY:
        return "city_approve" if plan.province_sample_rate >= 1 else "city_approve_to_pool"
    return "province_approve"


_DECISION_WORDS = {"approve": "通过", "reject": "未通过", "return": "退回修改"}


def application_review(
    *, application: Application, tier: str, decision: str, actor: Actor, reason: str = ""
) -> Application:
    if decision not in REVIEW_DECISIONS:
        raise DomainError("review.decision", "审核结论应为通过、不通过或退回", field="decision")
    if tier not in TIER_QUEUE_STATUS:
        raise DomainError("review.tier", "未知的审核层级", field="tier")
    reason = reason.strip()
    if decision != "approve" and not reason:
        raise DomainError("review.reason_required", "不通过或退回必须填写理由", field="reason")
    scope = scope_for(actor)
    with transaction.atomic():
        locked = _lock(application)
        org = locked.plan.organization
        if not may_review(
            scope=scope, tier=tier, organization_id=org.pk, region_code=org.region_id
        ):
            raise Forbidden("review.forbidden", f"您无权进行{Tier(tier).label}")
        if locked.status != TIER_QUEUE_STATUS[tier]:
            raise DomainError(
                "review.wrong_stage",
                f"该申报当前为“{locked.get_status_display()}”，不在{Tier(tier).label}环节",
            )
        transition = (
            _approve_transition(tier, locked.plan)
            if decision == "approve"
            else f"{tier}_{decision}"
        )
        if decision == "reject" and locked.holds_seat:
            plan_seats_release(plan_id=locked.plan_id, count=1)
            locked.holds_seat = False
        _move(locked, transition=transition, reason=reason, actor=actor)
        body = f"您的申报{Tier(tier).label}结论：{_DECISION_WORDS[decision]}。"
        if reason:
            body += f"理由：{reason}"
        if decision == "return":
            body += "请修改后重新提交。"
        notify([_notice(locked, f"{Tier(tier).label}结果", body)])
    return locked


def _ids_label(ids: list[int], *, limit: int) -> str:
    label = ""
    for n, pk in enumerate(ids):
        part = f"{',' if n else ''}{pk}"
        if len(label) + len(part) > limit - 1:
            return label + "…"
        label += part
    return label


# What `applications_approve_bulk` reads of each row: the status, the candidate to notify,
# and the plan's sample rates and organisation for the transition and the reviewer's scope.
_DECISION_COLUMNS = (
    "pk",
    "status",
    "candidate_id",
    "plan__city_sample_rate",
    "plan__province_sample_rate",
    "plan__organization__id",
    "plan__organization__region",
)


def applications_approve_bulk(
    *, application_ids: Iterable[int], tier: str, actor: Actor, reason: str = ""
) -> int:
    """Approve a filtered list in one call. Rows are locked in primary-key order; rows that
    moved on meanwhile (or that the user may not review) are left alone. Returns how many
    were approved."""
    if tier not in TIER_QUEUE_STATUS:
        raise DomainError("review.tier", "未知的审核层级", field="tier")
    scope = scope_for(actor)
    ids = sorted(set(application_ids))
    approved: list[Application] = []
    with transaction.atomic():
        # Only the columns the decision reads: a tier approves thousands of rows at once.
        rows = list(
            Application.objects.select_for_update()
            .filter(pk__in=ids, status=TIER_QUEUE_STATUS[tier])
            .select_related("plan", "plan__organization")
            .only(*_DECISION_COLUMNS)
            .order_by("pk")
        )
        events = []
        moves: dict[str, list[int]] = {}
        for row in rows:
            org = row.plan.organization
            if not may_review(
                scope=scope, tier=tier, organization_id=org.pk, region_code=org.region_id
            ):
                continue
            transition = _approve_transition(tier, row.plan)
            before = row.status
            row.status = TRANSITIONS[transition].target
            moves.setdefault(row.status, []).append(row.pk)
            events.append(
                _event(row, transition=transition, before=before, reason=reason, actor=actor)
            )
            approved.append(row)
        now = timezone.now()
        for target, pks in moves.items():
            Application.objects.filter(pk__in=pks).update(status=target, updated_at=now)
        ReviewEvent.objects.bulk_create(events, batch_size=500)
        if approved:
            audit_record(
                actor=actor,
                action=f"application.{tier}_approve_bulk",
                object_type="applications.application",
                # the column holds 64 characters; every id is in `changes`
                object_id=_ids_label([a.pk for a in approved], limit=64),
                object_repr=f"批量{Tier(tier).label}通过 {len(approved)} 件",
                changes={"ids": [a.pk for a in approved], "count": len(approved)},
            )
        notify(
            [
                _notice(a, f"{Tier(tier).label}结果", f"您的申报{Tier(tier).label}结论：通过。")
                for a in approved
            ]
        )
    return len(approved)


_DRAW: dict[str, tuple[str, str, str, str]] = {
    Tier.CITY: (Status.ORG_PASSED, "city_sampled", "city_not_sampled", "city_sample_rate"),
    Tier.PROVINCE: (
        Status.CITY_PASSED,
        "province_sampled",
        "province_not_sampled",
        "province_sample_rate",
    ),
}


def _draw_apply(
    rows: list[Application],
    sampled: set[int],
    *,
    hit: str,
    miss: str,
    draw: SampleDraw,
    actor: Actor,
) -> None:
    """Move the sampled applications to the tier's queue and pass the others, with an event
    row each naming the draw."""
    events = []
    for row in rows:
        transition = hit if row.pk in sampled else miss
        before = row.status
        row.status = TRANSITIONS[transition].target
        events.append(
            _event(
                row,
                transition=transition,
                before=before,
                reason=f"抽样记录#{draw.pk}，种子{draw.seed}",
                actor=actor,
            )
        )
    now = timezone.now()
    population = [r.pk for r in rows]
    Application.objects.filter(pk__in=sorted(sampled)).update(
        status=TRANSITIONS[hit].target, updated_at=now
    )
    Application.objects.filter(pk__in=[p for p in population if p not in sampled]).update(
        status=TRANSITIONS[miss].target, updated_at=now
    )
    ReviewEvent.objects.bulk_create(events, batch_size=500)


def sample_draw(
    *, plan: EvaluationPlan, tier: str, actor: Actor, seed: int | None = None
) -> SampleDraw:
    """Draw the city's (复审) or the province's (终审) sample among the applications waiting
    for it. The sampled ones go to that tier's queue; the others pass the tier unreviewed.
    Seed and ids are stored, so the draw can be re-run and checked."""
    if tier not in _DRAW:
        raise DomainError("sample.tier", "只有复审和终审可以抽样", field="tier")
    waiting, hit, miss, rate_field = _DRAW[tier]
    scope = scope_for(actor)
    org = plan.organization
    if not may_review(scope=scope, tier=tier, organization_id=org.pk, region_code=org.region_id):
        raise Forbidden("review.forbidden", f"您无权进行{Tier(tier).label}抽样")
    if seed is None:
        seed = secrets.randbits(62)
    with transaction.atomic():
        # The plan row serialises draws: two officers drawing at once do not both draw.
        locked_plan = plan_lock(plan.pk)
        rate: Decimal = getattr(locked_plan, rate_field)
        rows = list(
            Application.objects.select_for_update()
            .filter(plan=locked_plan, status=waiting)
            .only("pk", "status", "candidate_id", "plan_id")
            .order_by("pk")
        )
        if not rows:
            raise DomainError("sample.empty", "当前没有等待抽样的申报")
        population = [r.pk for r in rows]
        sampled = set(draw_sample(population, rate=rate, seed=seed))
        draw = SampleDraw.objects.create(
            plan=locked_plan,
            tier=tier,
            rate=rate,
            seed=seed,
            population=population,
            sampled=sorted(sampled),
            actor=actor_user(actor),
        )
        _draw_apply(rows, sampled, hit=hit, miss=miss, draw=draw, actor=actor)
        audit_record(
            actor=actor,
            action=f"sample.{tier}_draw",
            obj=draw,
            changes={"seed": seed, "rate": str(rate), "sampled": sorted(sampled)},
        )
        if tier == Tier.PROVINCE:
            notify(
                [
                    _notice(r, "审核通过", "您的申报已通过审核。")
                    for r in rows
                    if r.pk not in sampled
                ]
            )
    return draw
