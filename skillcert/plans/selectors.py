"""Plan reads, narrowed to what the user may see: organisation staff their own plans,
officers the plans of organisations in their region, candidates the open ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.audit.selectors import audit_events_of_object
from skillcert.common.labels import label_for
from skillcert.common.policies import policy_in_force
from skillcert.occupations.choices import LEVEL_CHOICES, has_levels
from skillcert.organizations.selectors import org_scopes_active
from skillcert.personnel.selectors import people_holding_role, people_with_ids
from skillcert.plans.models import (
    EvaluationPlan,
    FilingStatus,
    PlanExaminer,
    PlanFiling,
    PlanKind,
    PlanOffering,
    PlanSession,
    PlanStatus,
    ReviewSamplingPolicy,
)

if TYPE_CHECKING:
    from skillcert.personnel.models import Person

LEVELS = dict(LEVEL_CHOICES)


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


def plan_offers(*, plan: EvaluationPlan, occupation_id: int, level: int | None) -> bool:
    """`level` None: the occupation offered without a level (专项职业能力考核)."""
    return plan.offerings.filter(Q(occupation_id=occupation_id) & Q(level=level)).exists()


def plan_accepts_applications(*, plan: EvaluationPlan, day: dt.date) -> bool:
    return plan.status == PlanStatus.OPEN and plan.window_opens <= day <= plan.window_closes


# --- the plan pages ----------------------------------------------------------------------


def plan_editable_by(*, scope: Scope, plan: EvaluationPlan) -> bool:
    """The plan's own organisation prepares and files it."""
    return scope.is_platform or plan.organization_id in scope.organization_ids


def plan_reviewable_by(*, scope: Scope, plan: EvaluationPlan) -> bool:
    """The authority over the organisation's region reviews the filing."""
    return scope.is_officer and scope.covers_region_code(plan.organization.region_id)


def plan_sessions(*, plan: EvaluationPlan) -> QuerySet[PlanSession]:
    return plan.sessions.select_related("occupation").order_by("starts_at", "id")


def plan_filings(*, plan: EvaluationPlan) -> QuerySet[PlanFiling]:
    return plan.filings.select_related("filed_by", "reviewed_by").order_by("-revision")


def plan_examiner_people(*, plan: EvaluationPlan) -> QuerySet[Person]:
    return people_with_ids(ids=PlanExaminer.objects.filter(plan=plan).values("person_id"))


def _province_of(plan: EvaluationPlan) -> str:
    return f"{plan.organization.region_id[:2]}0000"


def plan_examiner_choices(*, plan: EvaluationPlan) -> QuerySet[Person]:
    """People holding an examiner role of the province for one of the plan's occupations,
    whatever its state: the service says why a lapsed or uncollected card is refused."""
    return people_holding_role(
        roles=("examiner", "senior_examiner"),
        province_code=_province_of(plan),
        occupation_ids=plan.offerings.values("occupation_id"),
    )


def plan_supervisor_choices(*, plan: EvaluationPlan) -> QuerySet[Person]:
    return people_holding_role(
        roles=("supervisor_external", "supervisor_internal"), province_code=_province_of(plan)
    )


def org_offering_choices(*, organization_ids: Iterable[int]) -> list[tuple[str, str]]:
    """(occupation_id:level, label) for every occupation × level in the organisations'
    active filed scope."""
    rows = org_scopes_active(organization_ids=organization_ids)
    seen: dict[str, str] = {}
    for row in rows:
        name = f"{row.occupation.name}（{row.occupation.code}）"
        if has_levels(row.occupation.certification_kind):
            seen.setdefault(f"{row.occupation_id}:{row.level}", f"{name}{LEVELS[row.level]}")
        else:
            seen.setdefault(f"{row.occupation_id}:", f"{name}专项职业能力（不设等级）")
    return list(seen.items())


def offering_label(*, occupation_name: str, level: int | None) -> str:
    """ "企业人力资源管理师 三级/高级工", or "中式面点制作 专项职业能力" without a level."""
    return f"{occupation_name} {LEVELS[level] if level is not None else '专项职业能力'}"


# What the history on the plan page says for each audited action and changed field. The
# actions are named by `choices.LABELS` (through `label_for`); on the plan's own page its
# filing decisions read without the word 报备.
HISTORY_ACTIONS = {"plan.approve": "审核通过", "plan.return": "退回修改"}
HISTORY_FIELDS = {
    "kind": "评价类型",
    "method": "评价方式",
    "offerings": "职业等级",
    "sessions": "考核场次",
    "session": "考核场次",
    "examiners": "考评人员",
    "supervisor": "质量督导员",
    "roster": "考生花名册",
    "filing_status": "报备状态",
    "revision": "报备次数",
    "reason": "审核意见",
    "status": "状态",
    "code": "计划编号",
    "capacity": "计划人数",
    "city_sample_rate": "复审抽样比例",
    "province_sample_rate": "终审抽样比例",
}


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    actor: str
    action: str
    fields: list[str]  # labels of what changed; the values stay in the audit log
    after_approval: bool  # a change that reopened an approved filing, or its re-filing


def plan_history(*, plan: EvaluationPlan) -> list[HistoryLine]:
    """The plan's audit trail, newest first, naming what changed but not the values (the
    roster in a re-filing carries names)."""
    events = audit_events_of_object(
        object_type=EvaluationPlan._meta.label_lower, object_id=str(plan.pk)
    )
    lines = []
    for event in events:
        changes = event.changes or {}
        status = changes.get("filing_status") or [None, None]
        lines.append(
            HistoryLine(
                at=event.created_at,
                actor=event.actor_ref.partition(":")[2] or event.actor_ref,
                action=HISTORY_ACTIONS.get(event.action) or label_for(event.action),
                fields=[
                    HISTORY_FIELDS.get(key, key)
                    for key in changes
                    if key not in ("filing_status", "revision")
                ],
                after_approval=status[0] == FilingStatus.APPROVED
                or (event.action == "plan.refile" and status[0] == FilingStatus.AMENDED),
            )
        )
    return lines


def plan_is_social(plan: EvaluationPlan) -> bool:
    """A social evaluation (社会化评价) takes applications from the public."""
    return plan.kind == PlanKind.SOCIAL


def offerings_open_for_application(*, day: dt.date) -> QuerySet[PlanOffering]:
    """Every occupation × level of the plans taking applications on `day`, for the candidate's
    choice."""
    return (
        PlanOffering.objects.filter(plan__in=plans_open_for_application(day=day))
        .select_related("plan", "plan__organization", "occupation")
        .order_by("plan__code", "occupation__code", "-level")
    )


def plans_in_region(*, region_prefix: str, statuses: Iterable[str]) -> QuerySet[EvaluationPlan]:
    """Plans of the organisations in the division with this code prefix, in these states
    (for the supervision draw, which checks the officer's area itself)."""
    return EvaluationPlan.objects.filter(
        organization__region__code__startswith=region_prefix, status__in=list(statuses)
    )


def plans_of_province(*, province_code: str) -> QuerySet[EvaluationPlan]:
    """Plans of organisations in the province (the candidates of a unified sitting)."""
    return EvaluationPlan.objects.filter(organization__region__code__startswith=province_code[:2])


def offerings_of_plans(*, plan_ids: Iterable[int]) -> QuerySet[PlanOffering]:
    return PlanOffering.objects.filter(plan_id__in=plan_ids)


def plans_offering(*, occupation_id: int, level: int) -> QuerySet[EvaluationPlan]:
    """Plans with an offering of the occupation at the level (one offering matches both)."""
    return EvaluationPlan.objects.filter(
        offerings__occupation_id=occupation_id, offerings__level=level
    )


def plans_in_area(*, scope: Scope) -> QuerySet[EvaluationPlan]:
    """The plans of the organisations in the user's area, unordered (for statistics)."""
    return EvaluationPlan.objects.filter(scope.code_prefix_q("organization__region__code"))


# --- to-do counts for the workbench -----------------------------------------------------------


def _first_exam_days(rows: QuerySet[EvaluationPlan], today: dt.date) -> list[dt.date | None]:
    """Each plan's first session day (local), or None before any session is set, leaving out
    plans whose first session is already past."""
    from django.db.models import Min
    from django.utils import timezone

    days: list[dt.date | None] = []
    for first in rows.annotate(first=Min("sessions__starts_at")).values_list("first", flat=True):
        day = timezone.localtime(first).date() if first is not None else None
        if day is None or day >= today:
            days.append(day)
    return sorted(days, key=lambda d: (d is None, d))


def todo_plans_to_file(*, scope: Scope, today: dt.date) -> list[dt.date | None]:
    """The first exam days of the organisation's plans still to file (never filed, returned
    or changed after approval), soonest first; None for a plan without sessions yet."""
    if not scope.organization_ids:
        return []
    rows = EvaluationPlan.objects.filter(
        organization_id__in=sorted(scope.organization_ids),
        filing_status__in=[FilingStatus.UNFILED, FilingStatus.RETURNED, FilingStatus.AMENDED],
    ).exclude(status=PlanStatus.CLOSED)
    return _first_exam_days(rows, today)


def todo_plans_to_review(*, scope: Scope, today: dt.date) -> list[dt.date | None]:
    """The first exam days of filed plans waiting for this officer's review, soonest first."""
    if not scope.is_officer:
        return []
    rows = EvaluationPlan.objects.filter(
        scope.code_prefix_q("organization__region__code"), filing_status=FilingStatus.FILED
    )
    return _first_exam_days(rows, today)


def sampling_rates_in_force(*, province: str, on: dt.date) -> tuple[Decimal, Decimal]:
    """The province's default (city, province) review sampling rates on `on`, copied onto a new
    plan; full review when no version exists."""
    policy = policy_in_force(ReviewSamplingPolicy, province=province, on=on)
    if policy is None:
        return Decimal(1), Decimal(1)
    return policy.city_sample_rate, policy.province_sample_rate
