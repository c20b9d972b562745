"""Supervision reads, scoped: officers see their region, a supervisor the visits they were
sent on, organisation staff the visits and corrective actions about their organisation.
`registration_blocked` is the facade the scoring app calls before registering results."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from skillcert.accounts.scope import Scope
from skillcert.accounts.selectors import officers_over_region
from skillcert.supervision.choices import Severity
from skillcert.supervision.models import (
    ActionStatus,
    Complaint,
    ComplaintStatus,
    CorrectiveAction,
    DrawKind,
    Evidence,
    Finding,
    Rating,
    RatioOverride,
    RegistrationHold,
    ReportWaiver,
    SupervisionDraw,
    Visit,
    VisitStatus,
)

if TYPE_CHECKING:
    from skillcert.accounts.models import User


def registration_blocked(plan_or_batch: Any) -> RegistrationHold | None:
    """The hold in force that suspends registering the results of this plan (or of a batch:
    any object with `plan_id` or `plan`), or None. Holds cover one plan or, with no plan,
    every plan of the organisation."""
    plan = plan_or_batch if hasattr(plan_or_batch, "organization_id") else None
    if plan is None:
        plan = getattr(plan_or_batch, "plan", None)
    if plan is None:
        raise TypeError("registration_blocked expects an EvaluationPlan or an object with .plan")
    return (
        RegistrationHold.objects.filter(lifted_at__isnull=True, org_id=plan.organization_id)
        .filter(Q(plan__isnull=True) | Q(plan_id=plan.pk))
        .order_by("pk")
        .first()
    )


def onsite_report_missing(plan: Any) -> str:
    """Why the results of this social assessment may not be registered yet for want of the
    on-site supervisor's report ("" when the report is in, or the authority accepted a
    reason; always "" for an enterprise plan, which is supervised by random draws)."""
    if getattr(plan, "kind", "") != "social":
        return ""
    visit = Visit.objects.filter(plan_id=plan.pk, kind=DrawKind.ONSITE).first()
    if visit is not None and visit.status in (VisitStatus.REPORTED, VisitStatus.CLOSED):
        return ""
    if ReportWaiver.objects.filter(plan_id=plan.pk).exists():
        return ""
    if visit is None:
        return "人社部门尚未派遣现场质量督导员，也未认可缺少督导报告的原因"
    return f"现场质量督导员{visit.supervisor.name}尚未提交督导报告"


def onsite_visit_of(*, plan: Any) -> Visit | None:
    return (
        Visit.objects.filter(plan_id=plan.pk, kind=DrawKind.ONSITE)
        .select_related("supervisor")
        .first()
    )


def report_waiver_of(*, plan: Any) -> ReportWaiver | None:
    return ReportWaiver.objects.filter(plan_id=plan.pk).select_related("accepted_by").first()


def ratio_override_for(*, plan_id: int | None = None, slot_id: int | None = None) -> str:
    """The reason of the province's staffing-ratio exception for this plan or slot, or ""."""
    if plan_id is not None:
        row = RatioOverride.objects.filter(plan_id=plan_id).first()
    else:
        row = RatioOverride.objects.filter(slot_id=slot_id).first()
    return row.reason if row is not None else ""


def draws_visible(*, scope: Scope) -> QuerySet[SupervisionDraw]:
    if not scope.is_officer:
        return SupervisionDraw.objects.none()
    return SupervisionDraw.objects.filter(scope.code_prefix_q("region__code")).select_related(
        "region"
    )


def _seen_q(
    scope: Scope,
    *,
    region_code: str = "org__region__code",
    org_id: str | None = "org_id",
    user_id: str | None = None,
) -> Q:
    """Who sees a supervision row: the officers over the region whose code is at
    `region_code`, the staff of the organisation at `org_id`, the user at `user_id` (the
    supervisor sent, the official assigned)."""
    q = Q(**{user_id: scope.user_id}) if user_id and scope.user_id else Q(pk__in=[])
    if scope.is_officer:
        q |= scope.code_prefix_q(region_code)
    if org_id and scope.is_org_staff:
        q |= scope.organization_q(org_id)
    return q


def visits_visible(*, scope: Scope) -> QuerySet[Visit]:
    q = _seen_q(scope, user_id="supervisor__user_id")
    return Visit.objects.filter(q).select_related("plan", "org", "supervisor")


def evidence_visible(*, scope: Scope) -> QuerySet[Evidence]:
    """Evidence files of the findings on visits the user may see (the officers of the region,
    the visit's supervisor, the organisation's staff)."""
    return Evidence.objects.filter(
        finding__visit__in=visits_visible(scope=scope).values("pk")
    ).select_related("finding")


def actions_visible(*, scope: Scope) -> QuerySet[CorrectiveAction]:
    return CorrectiveAction.objects.filter(_seen_q(scope)).select_related(
        "org", "finding", "finding__visit"
    )


def actions_overdue(*, scope: Scope) -> QuerySet[CorrectiveAction]:
    return actions_visible(scope=scope).filter(
        status=ActionStatus.OPEN, due_on__lt=timezone.localdate()
    )


def holds_visible(*, scope: Scope) -> QuerySet[RegistrationHold]:
    return RegistrationHold.objects.filter(_seen_q(scope)).select_related("org", "plan")


def complaints_visible(*, scope: Scope, q: str = "", status: str = "") -> QuerySet[Complaint]:
    """Officers: complaints about their region; anyone: complaints assigned to them."""
    cond = _seen_q(scope, region_code="region__code", org_id=None, user_id="assignee_id")
    rows = Complaint.objects.filter(cond).select_related("region", "org", "person", "assignee")
    if status:
        rows = rows.filter(status=status)
    if q.strip():
        term = q.strip()
        rows = rows.filter(
            Q(number__icontains=term) | Q(subject_name__icontains=term) | Q(content__icontains=term)
        )
    return rows


def complaints_overdue(*, scope: Scope) -> QuerySet[Complaint]:
    return complaints_visible(scope=scope).filter(
        status=ComplaintStatus.HANDLING, due_on__lt=timezone.localdate()
    )


def complaint_assignees(*, complaint: Complaint) -> list[User]:
    """The officers who may handle the complaint: active officer roles over its region."""
    return officers_over_region(region_code=complaint.region_id)


def visits_in_area(*, scope: Scope) -> QuerySet[Visit]:
    """Visits to the organisations in the user's area, unordered (for statistics)."""
    return Visit.objects.filter(scope.code_prefix_q("org__region__code"))


def findings_in_area(*, scope: Scope) -> QuerySet[Any]:
    """Findings of the visits to organisations in the user's area, unordered (statistics)."""

    return Finding.objects.filter(scope.code_prefix_q("visit__org__region__code"))


def complaints_in_area(*, scope: Scope) -> QuerySet[Complaint]:
    """Complaints received in the user's area, unordered (for statistics)."""
    return Complaint.objects.filter(scope.code_prefix_q("region__code"))


def plans_with_unresolved_serious_findings(*, plan_ids: set[int]) -> set[int]:
    """Those of the plans with a serious finding whose corrective action is not accepted."""
    return set(
        Finding.objects.filter(visit__plan_id__in=plan_ids, severity=Severity.SERIOUS)
        .exclude(action__status=ActionStatus.ACCEPTED)
        .values_list("visit__plan_id", flat=True)
    )


def visit_status_labels() -> dict[str, Any]:

    return dict(VisitStatus.choices)


def visit_rating_labels() -> dict[str, Any]:

    return dict(Rating.choices)


def complaint_status_labels() -> dict[str, Any]:
    return dict(ComplaintStatus.choices)


# --- to-do counts for the workbench -----------------------------------------------------------


def _in_officer_area(scope: Scope, rows: QuerySet[Any], region_code: str) -> int:
    """How many of `rows` lie in the officer's area (by the region code at `region_code`);
    0 for anyone else."""
    if not scope.is_officer:
        return 0
    return rows.filter(scope.code_prefix_q(region_code)).count()


def todo_actions_to_respond(*, scope: Scope) -> list[dt.date]:
    """The deadlines of the corrective actions the user's organisation still has to answer,
    soonest first."""
    if not scope.organization_ids:
        return []
    return list(
        CorrectiveAction.objects.filter(scope.organization_q("org_id"), status=ActionStatus.OPEN)
        .values_list("due_on", flat=True)
        .order_by("due_on")
    )


def todo_actions_to_review(*, scope: Scope) -> int:
    """Corrective-action reports from organisations in the officer's area, awaiting review."""
    submitted = CorrectiveAction.objects.filter(status=ActionStatus.SUBMITTED)
    return _in_officer_area(scope, submitted, "org__region__code")


def todo_complaints_to_triage(*, scope: Scope) -> int:
    """Complaints received in the officer's area and not yet assigned."""
    received = Complaint.objects.filter(status=ComplaintStatus.RECEIVED)
    return _in_officer_area(scope, received, "region__code")


def todo_complaints_handling(*, scope: Scope) -> list[dt.date]:
    """The deadlines of the complaints being handled in the officer's area or assigned to the
    user, soonest first."""
    if not scope.is_officer and scope.user_id is None:
        return []
    cond = _seen_q(scope, region_code="region__code", org_id=None, user_id="assignee_id")
    rows = Complaint.objects.filter(cond, status=ComplaintStatus.HANDLING).order_by("due_on")
    # a complaint being handled always has a deadline (check constraint)
    return [due for due in rows.values_list("due_on", flat=True) if due is not None]


def todo_visits_open(*, scope: Scope) -> int:
    """Visits still waiting for their report: officers, those to organisations in their area;
    a supervisor, those they were sent on."""
    cond = _seen_q(scope, org_id=None, user_id="supervisor__user_id")
    return Visit.objects.filter(cond, status=VisitStatus.ASSIGNED).count()
