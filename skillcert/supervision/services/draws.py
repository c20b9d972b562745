"""The 双随机 draw: random plans (the object) and one external supervisor per plan with
recusal applied (the inspector), recorded so anyone can replay it."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.organizations.choices import OrgKind
from skillcert.personnel import recusal
from skillcert.personnel.choices import RoleKind
from skillcert.personnel.selectors import assessor_facts, people_active_in_roles
from skillcert.personnel.selectors import policy_for as personnel_policy_for
from skillcert.plans.choices import PlanStatus
from skillcert.plans.selectors import plans_in_region
from skillcert.supervision import core
from skillcert.supervision.models import (
    ChecklistItem,
    DrawKind,
    SupervisionDraw,
    SupervisionPolicy,
    Visit,
)
from skillcert.supervision.services._shared import policy_for, require_officer_over_region, today

if TYPE_CHECKING:
    from skillcert.personnel.models import Person
    from skillcert.plans.models import EvaluationPlan
    from skillcert.regions.models import Region

NO_ROTATION_LIMIT = 10**6


def draw_pool(*, kind: str, region: Region) -> QuerySet[EvaluationPlan]:
    """Plans a draw may pick: plans of the region's organisations of the matching route that
    are open or closed for applications and have no visit of this kind yet."""
    plans = plans_in_region(
        region_prefix=region.prefix, statuses=[PlanStatus.OPEN, PlanStatus.CLOSED]
    ).exclude(supervision_visits__kind=kind)
    if kind == DrawKind.PROCESS:
        return plans.filter(organization__kind=OrgKind.EMPLOYER)
    return plans.exclude(organization__kind=OrgKind.EMPLOYER)


def _external_supervisors(*, province_code: str, day: dt.date) -> list[Person]:
    """Active people holding an external-supervisor role of the province valid on `day`."""
    return people_active_in_roles(
        province_code=province_code, day=day, roles=[RoleKind.SUPERVISOR_EXTERNAL]
    )


def _rotation_limit(province_code: str) -> int:
    """The province's limit of consecutive sittings at one organisation; a province that has
    not entered its personnel parameters yet gets recusal without the rotation rule."""
    try:
        return personnel_policy_for(province_code=province_code).max_consecutive_sittings or 1
    except DomainError:
        return NO_ROTATION_LIMIT


def _draw_rate(kind: str, rate: Decimal | None, policy: SupervisionPolicy) -> Decimal:
    if kind == DrawKind.ONSITE:
        if rate is not None and rate != Decimal(1):
            raise DomainError(
                "supervision.onsite_rate", "社会化评价逢考必督，抽取比例只能为100%", field="rate"
            )
        rate = Decimal(1)
    elif rate is None:
        rate = policy.process_sample_rate
    if not (Decimal(0) < rate <= Decimal(1)):
        raise DomainError("supervision.rate_invalid", "抽取比例应大于0且不超过1", field="rate")
    return rate


def _eligible_inspectors(
    plans: dict[int, EvaluationPlan], picked: list[int], province_code: str, day: dt.date
) -> tuple[dict[int, list[int]], dict[str, dict[str, str]]]:
    """Per picked plan, the external supervisors recusal allows; and why the others may not."""
    people = _external_supervisors(province_code=province_code, day=day)
    facts = {p.pk: assessor_facts(person=p) for p in people}
    max_run = _rotation_limit(province_code)
    eligible: dict[int, list[int]] = {}
    exclusions: dict[str, dict[str, str]] = {}
    for plan_id in picked:
        org = plans[plan_id].organization
        assignment = recusal.Assignment(
            on=day,
            organization_id=org.pk,
            organization_name=org.name,
            roles=(RoleKind.SUPERVISOR_EXTERNAL,),
        )
        eligible[plan_id] = []
        for person_id, person_facts in facts.items():
            verdict = recusal.may_assess(person_facts, assignment, max_consecutive=max_run)
            if verdict.allowed:
                eligible[plan_id].append(person_id)
            else:
                exclusions.setdefault(str(plan_id), {})[str(person_id)] = verdict.explanation()
    return eligible, exclusions


def _assigned(drawn: dict[int, int | None], plans: dict[int, EvaluationPlan]) -> dict[int, int]:
    assigned: dict[int, int] = {}
    for plan_id, drawn_person in drawn.items():
        if drawn_person is None:
            raise DomainError(
                "supervision.no_inspector",
                f"{plans[plan_id].organization.name}（计划 {plans[plan_id].code}）"
                "没有可派出的外部质量督导员（督导员库为空或均需回避）",
                field="region",
            )
        assigned[plan_id] = drawn_person
    return assigned


def _send_visits(draw: SupervisionDraw, plans: dict[int, EvaluationPlan]) -> None:
    """One visit per picked plan, with the drawn supervisor and this kind's checklist."""
    checklist = [
        {"code": i.code, "title": i.title, "result": "", "note": ""}
        for i in ChecklistItem.objects.filter(kind=draw.kind, active=True)
    ]
    Visit.objects.bulk_create(
        Visit(
            draw=draw,
            plan=plans[plan_id],
            org=plans[plan_id].organization,
            supervisor_id=draw.assignments[str(plan_id)],
            kind=draw.kind,
            checklist=checklist,
        )
        for plan_id in draw.picked
    )


def supervision_draw(
    *,
    kind: str,
    region: Region,
    actor: Actor,
    rate: Decimal | None = None,
    seed: str = "",
) -> SupervisionDraw:
    """Draw plans (random object) and one external supervisor per plan with recusal applied
    (random inspector). Process supervision samples employers' plans at `rate` (default: the
    province's); on-site supervision takes every social-assessment plan (逢考必督)."""
    require_officer_over_region(actor, region.code)
    if kind not in DrawKind.values:
        raise DomainError("supervision.kind_invalid", "请选择督导类型", field="kind")
    province_code = region.code[:2] + "0000"
    rate = _draw_rate(kind, rate, policy_for(province_code=province_code))
    seed = seed.strip() or secrets.token_hex(8)
    if len(seed) > 64:
        raise DomainError("supervision.seed_invalid", "随机种子不能超过64个字符", field="seed")
    day = today()
    with transaction.atomic():
        plans = {
            p.pk: p for p in draw_pool(kind=kind, region=region).select_related("organization")
        }
        if not plans:
            raise DomainError(
                "supervision.pool_empty", f"{region.name}没有可抽取的评价计划", field="region"
            )
        pool = sorted(plans)
        picked = core.draw_objects(pool, rate, seed)
        eligible, exclusions = _eligible_inspectors(plans, picked, province_code, day)
        assigned = _assigned(core.draw_inspectors(eligible, seed), plans)
        draw = SupervisionDraw.objects.create(
            kind=kind,
            region=region,
            drawn_on=day,
            rate=rate,
            seed=seed,
            pool=pool,
            picked=picked,
            inspector_pool={str(k): v for k, v in eligible.items()},
            assignments={str(k): v for k, v in assigned.items()},
            exclusions=exclusions,
            created_by=actor_user(actor),
        )
        _send_visits(draw, plans)
        audit_record(
            actor=actor,
            action="supervision.draw",
            obj=draw,
            changes={
                "kind": [None, kind],
                "rate": [None, str(rate)],
                "seed": [None, seed],
                "pool": [None, len(pool)],
                "picked": [None, picked],
                "assignments": [None, draw.assignments],
            },
        )
    return draw


def draw_replay(*, draw: SupervisionDraw) -> tuple[list[int], dict[int, int | None]]:
    """Recompute a recorded draw from its pool, rate and seed (for anyone checking it)."""
    picked = core.draw_objects([int(x) for x in draw.pool], Decimal(draw.rate), draw.seed)
    eligible = {int(k): [int(p) for p in v] for k, v in draw.inspector_pool.items()}
    return picked, core.draw_inspectors(eligible, draw.seed)
