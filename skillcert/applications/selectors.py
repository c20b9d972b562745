"""Application reads, narrowed to the user: a candidate sees their own, organisation staff
their organisation's, officers those of organisations in their region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.applications.models import (
    ACTIVE_STATUSES,
    Application,
    Attachment,
    Notification,
    ReviewEvent,
    RosterImport,
    SampleDraw,
    Status,
    Tier,
)
from skillcert.applications.permissions import may_review
from skillcert.applications.transitions import QUEUE_TIER, TIER_QUEUE_STATUS
from skillcert.plans.selectors import plan_is_social

if TYPE_CHECKING:
    from skillcert.plans.models import EvaluationPlan


def applications_visible(*, scope: Scope) -> QuerySet[Application]:
    rows = Application.objects.select_related(
        "plan",
        "plan__organization",
        "plan__organization__region",
        "candidate",
        "occupation",
        "specialty",
    )
    if scope.is_platform:
        return rows
    q = Q(candidate__user_id=scope.user_id) if scope.user_id is not None else Q(pk__in=[])
    if scope.is_org_staff:
        q |= scope.organization_q("plan__organization_id")
    if scope.is_officer:
        q |= scope.code_prefix_q("plan__organization__region__code")
    return rows.filter(q)


@dataclass(frozen=True)
class QueueFilters:
    tier: str
    city: str = ""  # a 4-digit prefecture code prefix
    organization_id: int | None = None
    occupation_code: str = ""
    level: int | None = None
    clause: str = ""
    flag: str = ""  # "birth_mismatch", "photo_failed", "override", "accommodation"
    plan_id: int | None = None


def review_queue(*, scope: Scope, filters: QueueFilters) -> QuerySet[Application]:
    """What waits for this user's decision at one tier, filtered."""
    status = TIER_QUEUE_STATUS.get(filters.tier)
    if status is None:
        return Application.objects.none()
    rows = applications_visible(scope=scope).filter(status=status)
    if filters.tier == Tier.ORG and not scope.is_platform:
        rows = rows.filter(scope.organization_q("plan__organization_id"))
    elif filters.tier in (Tier.CITY, Tier.PROVINCE) and not scope.is_platform:
        rows = rows.filter(scope.code_prefix_q("plan__organization__region__code"))
    if filters.city:
        rows = rows.filter(plan__organization__region__code__startswith=filters.city[:4])
    if filters.organization_id:
        rows = rows.filter(plan__organization_id=filters.organization_id)
    if filters.occupation_code:
        rows = rows.filter(occupation__code=filters.occupation_code)
    if filters.level:
        rows = rows.filter(level=filters.level)
    if filters.clause:
        rows = rows.filter(matched_clause=filters.clause)
    if filters.plan_id:
        rows = rows.filter(plan_id=filters.plan_id)
    if filters.flag == "birth_mismatch":
        rows = rows.filter(flag_birth_mismatch=True)
    elif filters.flag == "photo_failed":
        rows = rows.filter(flag_photo_failed=True)
    elif filters.flag == "override":
        rows = rows.exclude(override_reason="")
    elif filters.flag == "accommodation":
        rows = rows.filter(needs_accommodation=True)
    return rows.order_by("submitted_at", "pk")


def may_see_identity(*, scope: Scope, application: Application) -> bool:
    """Full ID number and phone: the owner, and the reviewer responsible for the tier the
    application is at now. Everyone else sees them masked."""
    if scope.user_id is not None and application.candidate.user_id == scope.user_id:
        return True
    current = QUEUE_TIER.get(application.status)
    if current is None:
        return False
    org = application.plan.organization
    return may_review(scope=scope, tier=current, organization_id=org.pk, region_code=org.region_id)


def matched_clause_text(*, application: Application) -> str:
    """The published wording of the clause the application met (stored with the decision at
    submission), so a reviewer reads the condition, not only its id."""
    if not application.matched_clause:
        return ""
    for clause in (application.decision or {}).get("clauses", []):
        if clause.get("id") == application.matched_clause:
            return str(clause.get("text") or "")
    return ""


def attachments_of(*, application: Application) -> QuerySet[Attachment]:
    return application.attachments.order_by("id")


def review_queue_ticked(*, scope: Scope, tier: str, ids: list[int]) -> QuerySet[Application]:
    """The ticked applications that wait at this tier for this user: what a bulk approval
    would act on. Ticked ids outside the user's queue are dropped."""
    return review_queue(scope=scope, filters=QueueFilters(tier=tier)).filter(pk__in=ids)


def application_events(*, application: Application) -> QuerySet[ReviewEvent]:
    return application.events.select_related("actor").order_by("id")


def sample_draws_of(*, plan_id: int) -> QuerySet[SampleDraw]:
    return SampleDraw.objects.filter(plan_id=plan_id).select_related("actor").order_by("-id")


def roster_imports_visible(*, scope: Scope) -> QuerySet[RosterImport]:
    rows = RosterImport.objects.select_related("plan", "plan__organization", "created_by")
    if scope.is_platform:
        return rows
    return rows.filter(scope.organization_q("plan__organization_id"))


def notifications_for(*, candidate_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(candidate_id=candidate_id).order_by("-id")


def status_counts(*, rows: QuerySet[Application]) -> dict[str, Any]:
    from django.db.models import Count

    counts = dict(rows.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {label: counts.get(value, 0) for value, label in Status.choices}


def plan_roster_snapshot(plan: EvaluationPlan) -> list[dict[str, Any]] | None:
    """The active roster of a social plan as its filing records it (masked ID numbers)."""
    if not plan_is_social(plan):
        return None
    return [
        {
            "application": a.pk,
            "name": a.candidate.full_name,
            "id_number": a.candidate.id_number_masked,
            "occupation": a.occupation.code,
            "level": a.level,
            "status": a.status,
            "eligible": a.eligible,
            "clause": a.matched_clause,
        }
        for a in Application.objects.filter(plan=plan, status__in=ACTIVE_STATUSES)
        .select_related("candidate", "occupation")
        .order_by("id")
    ]


def applications_approved_in_plans(
    *, plan_ids: list[int] | QuerySet[Any, int]
) -> QuerySet[Application]:
    """Approved applications (after 终审) of the plans: the candidates who sit."""
    return Application.objects.filter(status=Status.APPROVED, plan_id__in=plan_ids)


def applications_by_id(*, ids: list[int]) -> dict[int, Application]:
    return Application.objects.in_bulk(ids)


def applications_all() -> QuerySet[Application]:
    """Every application, unscoped: for the statistics summary and retention, which aggregate."""
    return Application.objects.all()


def submission_events_of(*, applications: QuerySet[Application]) -> QuerySet[ReviewEvent]:
    """The history rows where these applications were submitted (moved to the organisation's
    review), unordered."""
    return ReviewEvent.objects.filter(
        application__in=applications.values("pk"), to_status=Status.ORG_REVIEW
    )


# --- to-do counts for the workbench -----------------------------------------------------------


def todo_roster_imports_with_errors(*, scope: Scope) -> list[int]:
    """The organisation's latest roster import per plan, when it could not be read or left
    rows in error, for plans not closed (newest first, as RosterImport ids)."""
    from skillcert.applications.choices import ImportStatus
    from skillcert.plans.choices import PlanStatus

    if not scope.organization_ids:
        return []
    latest: dict[int, tuple[int, str, int]] = {}
    rows = RosterImport.objects.filter(
        plan__organization_id__in=sorted(scope.organization_ids), dry_run=False
    ).exclude(plan__status=PlanStatus.CLOSED)
    for pk, plan_id, status, errors in rows.order_by("plan_id", "-pk").values_list(
        "pk", "plan_id", "status", "error_count"
    ):
        latest.setdefault(plan_id, (pk, status, errors))
    return sorted(
        (
            pk
            for pk, status, errors in latest.values()
            if status == ImportStatus.FAILED or errors > 0
        ),
        reverse=True,
    )


def todo_applications_returned(*, user_id: int | None) -> int:
    """The candidate's own applications sent back for correction."""
    if user_id is None:
        return 0
    return Application.objects.filter(candidate__user_id=user_id, status=Status.RETURNED).count()
