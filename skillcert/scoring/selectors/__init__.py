"""Scoring reads, scoped. `results_registered` is the facade the certificates app calls;
`candidate_ids_for_plan` is the one place that knows what a candidate id on an answer file is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from skillcert.accounts.scope import Scope
from skillcert.accounts.selectors import users_all
from skillcert.applications.selectors import applications_approved_in_plans
from skillcert.common.pii import pii_digest
from skillcert.common.policies import policy_in_force
from skillcert.itembank.selectors import papers_sealed_for
from skillcert.occupations.selectors import standards_of_occupation
from skillcert.personnel.selectors import person_of
from skillcert.plans.selectors import plan_examiner_choices, plans_visible
from skillcert.scoring.models import (
    BatchDuty,
    BatchStaff,
    BatchStatus,
    EnterpriseScheme,
    ItemAnalysis,
    Mark,
    PanelMark,
    PartState,
    PracticalSheet,
    Recheck,
    RecheckPolicy,
    RecheckStatus,
    ResponseUpload,
    Result,
    ResultBatch,
    ResultStatus,
    Route,
    Script,
    ScriptStatus,
    StandardScoring,
)
from skillcert.scoring.selectors.marking import marks_for_marker, scripts_to_arbitrate
from skillcert.scoring.selectors.todo import (
    todo_batches_awaiting_registration,
    todo_batches_ready_for_registration,
    todo_batches_to_submit,
    todo_norms_to_acknowledge,
    todo_panel_marks,
    todo_practical_sheets,
    todo_recheck_windows,
    todo_scripts_to_mark,
)

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.itembank.models import Paper
    from skillcert.personnel.models import Person
    from skillcert.plans.models import EvaluationPlan

__all__ = [
    "marks_for_marker",
    "scripts_to_arbitrate",
    "todo_batches_awaiting_registration",
    "todo_batches_ready_for_registration",
    "todo_batches_to_submit",
    "todo_norms_to_acknowledge",
    "todo_panel_marks",
    "todo_practical_sheets",
    "todo_recheck_windows",
    "todo_scripts_to_mark",
]

DEFAULT_RECHECK_WORKDAYS = 15


# --- the certificates facade -----------------------------------------------------------------


def results_registered(
    *, organization: Any = None, plan: EvaluationPlan | None = None
) -> QuerySet[Result]:
    """Registered passing results (immutable), optionally of one organisation or plan."""
    rows = Result.objects.filter(status=ResultStatus.REGISTERED, passed=True)
    if organization is not None:
        rows = rows.filter(organization=organization)
    if plan is not None:
        rows = rows.filter(batch__plan=plan)
    return rows.select_related(
        "application__candidate", "organization", "occupation", "specialty", "batch__plan"
    ).order_by("pk")


# --- candidate ids on answer files -------------------------------------------------------------


def _tickets(plan: EvaluationPlan) -> dict[int, tuple[str, str]]:
    """application id -> (ticket number, district name) of the plan's admission tickets (the
    exam-logistics app's, once installed; empty before), read in one query of plain values:
    a batch of thousands is synchronised on every answer file."""
    if not apps.is_installed("skillcert.exams"):
        return {}
    ticket_model = apps.get_model("exams", "AdmissionTicket")
    rows = (
        ticket_model.objects.filter(application__plan=plan)
        .order_by("ticket_no")
        .values_list("application_id", "ticket_no", "district__name")
    )
    return {app_id: (no, district or "") for app_id, no, district in rows}


@dataclass(frozen=True)
class CandidateRef:
    application_id: int
    ref: str  # the admission-ticket number, or the application id while no ticket exists
    district: str  # the ticket's district name ('' without a ticket)


def candidate_ids_for_plan(*, plan: EvaluationPlan) -> list[CandidateRef]:
    """The approved applications of `plan` with the id candidates carry on answer files."""
    tickets = _tickets(plan)
    ids = applications_approved_in_plans(plan_ids=[plan.pk]).order_by("pk")
    return [
        CandidateRef(pk, *tickets.get(pk, (str(pk), ""))) for pk in ids.values_list("pk", flat=True)
    ]


# --- rules as data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringRules:
    practical_rule: str = "mean"
    theory_pass: float = 60.0
    practical_pass: float = 60.0
    panel_pass: float = 60.0
    double_mark_threshold: float = 10.0
    partial_credit: bool = False
    partial_ratio: float = 0.5

    def pass_marks(self) -> dict[str, float]:
        return {
            "theory": self.theory_pass,
            "practical": self.practical_pass,
            "panel": self.panel_pass,
        }


def scoring_rules_for(*, occupation_id: int, level: int | None) -> ScoringRules:
    """The newest standard of the occupation that sets the level and has scoring rules."""
    standards = standards_of_occupation(occupation_id=occupation_id)
    rows = {r.standard_id: r for r in StandardScoring.objects.filter(standard__in=standards)}
    for standard in standards:
        row = rows.get(standard.pk)
        if row is not None and (not standard.levels or level in standard.levels):
            return ScoringRules(
                practical_rule=row.practical_rule,
                theory_pass=float(row.theory_pass),
                practical_pass=float(row.practical_pass),
                panel_pass=float(row.panel_pass),
                double_mark_threshold=float(row.double_mark_threshold),
                partial_credit=row.partial_credit,
                partial_ratio=float(row.partial_ratio),
            )
    return ScoringRules()


def multiple_choice_partial_ratio(*, occupation_id: int, level: int) -> Decimal | None:
    """The share of a multiple-choice item's score a correct subset earns under the rules
    the platform scores the occupation's papers by (`scoring_rules_for`); None: all or nothing."""
    rules = scoring_rules_for(occupation_id=occupation_id, level=level)
    return Decimal(str(rules.partial_ratio)) if rules.partial_credit else None


def recheck_workdays(*, region_code: str, on: dt.date | None = None) -> int:
    """The province's re-check window in force on `on` (the publication day; today by default)."""
    row = policy_in_force(RecheckPolicy, province=region_code, on=on or timezone.localdate())
    return row.workdays if row is not None else DEFAULT_RECHECK_WORKDAYS


# --- scoped reads ---------------------------------------------------------------------------------


def _managed_q(scope: Scope, organization: str) -> Q | None:
    """Rows whose organisation (at `organization`) an officer oversees or a clerk works for;
    None for anyone else (whose access each selector decides)."""
    if scope.is_officer:
        return scope.region_q(f"{organization}__region")
    if scope.is_org_staff:
        return scope.organization_q(f"{organization}_id")
    return None


def batches_visible(*, scope: Scope) -> QuerySet[ResultBatch]:
    rows = ResultBatch.objects.select_related("plan", "organization")
    if (managed := _managed_q(scope, "organization")) is not None:
        return rows.filter(managed)
    if scope.user_id is not None:
        # the dedicated entry account and the batch's markers/examiners see their batches
        return rows.filter(
            Q(entry_account_id=scope.user_id) | Q(staff__person__user_id=scope.user_id)
        ).distinct()
    return rows.none()


def results_visible(*, scope: Scope, q: str = "") -> QuerySet[Result]:
    rows = Result.objects.select_related(
        "application__candidate", "occupation", "organization", "batch__plan"
    )
    if (managed := _managed_q(scope, "organization")) is not None:
        rows = rows.filter(managed)
    elif scope.user_id is not None:
        rows = rows.filter(
            Q(batch__entry_account_id=scope.user_id)
            | Q(
                application__candidate__user_id=scope.user_id,
                status__in=[ResultStatus.PUBLISHED, ResultStatus.REGISTERED],
            )
        )
    else:
        return rows.none()
    if q:
        rows = rows.filter(
            Q(candidate_ref__icontains=q) | Q(application__candidate__full_name__icontains=q)
        )
    return rows.order_by("batch_id", "candidate_ref")


def my_results(*, user: Any) -> QuerySet[Result]:
    """A candidate's own published and registered results."""
    return (
        Result.objects.filter(
            application__candidate__user_id=user.pk,
            status__in=[ResultStatus.PUBLISHED, ResultStatus.REGISTERED],
        )
        .select_related("occupation", "organization", "batch__plan")
        .order_by("-published_at")
    )


def result_public_query(*, name: str, id_number: str, ticket_no: str) -> Result | None:
    """The published result matching all three; None for any mismatch (the caller shows the
    same answer whether nobody matched or someone else's record did)."""
    name, id_number, ticket_no = name.strip(), id_number.strip().upper(), ticket_no.strip()
    if not (name and id_number and ticket_no):
        return None
    return (
        Result.objects.filter(
            candidate_ref=ticket_no,
            application__candidate__full_name=name,
            application__candidate__id_number_digest=pii_digest(id_number),
            status__in=[ResultStatus.PUBLISHED, ResultStatus.REGISTERED],
        )
        .select_related("occupation", "organization", "application__candidate")
        .only(*_PUBLIC_QUERY_FIELDS)
        .order_by("pk")  # not the model's batch ordering: no join to the batch table
        .first()
    )


# What the public query page and API show, and nothing more: the result row has some forty
# columns, and compiling and converting them all cost more than the indexed lookup itself.
_PUBLIC_QUERY_FIELDS = (
    "level",
    "passed",
    *(f"{part}_{what}" for part in ("theory", "practical", "panel") for what in ("score", "state")),
    "occupation__name",
    "organization__name",
    "application__candidate__id_number",
)


def person_of_user(user: Any) -> Person | None:
    return person_of(user)


@dataclass(frozen=True)
class MarkerLoad:
    person_id: int
    name: str
    assigned: int
    done: int

    @property
    def percent(self) -> int:
        return self.done * 100 // self.assigned if self.assigned else 0


def marker_workload(*, batch: ResultBatch) -> list[MarkerLoad]:
    rows = (
        Mark.objects.filter(script__result__batch=batch)
        .values("marker_id", "marker__name")
        .annotate(assigned=Count("id"), done=Count("id", filter=Q(score__isnull=False)))
        .order_by("marker__name")
    )
    return [MarkerLoad(r["marker_id"], r["marker__name"], r["assigned"], r["done"]) for r in rows]


def script_progress(*, batch: ResultBatch) -> dict[str, int]:
    """Scripts per status, keyed by the status's Chinese label (双评中, 待三评, …)."""
    counts = (
        Script.objects.filter(result__batch=batch)
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    return {ScriptStatus(r["status"]).label: r["n"] for r in counts}


def staff_of(*, batch: ResultBatch, duty: str) -> QuerySet[BatchStaff]:
    return BatchStaff.objects.filter(batch=batch, duty=duty).select_related("person")


def staff_person_ids(*, batch: ResultBatch, duty: str) -> list[int]:
    return list(
        staff_of(batch=batch, duty=duty).order_by("person_id").values_list("person_id", flat=True)
    )


def is_staff(*, batch: ResultBatch, user: Any, duty: str) -> Person | None:
    person = person_of_user(user)
    if person is None:
        return None
    if BatchStaff.objects.filter(batch=batch, person=person, duty=duty).exists():
        return person
    return None


def previous_panel(*, batch: ResultBatch) -> list[int]:
    """The panel of the organisation's previous batch (for the half-rotates rule)."""
    previous = (
        ResultBatch.objects.filter(organization_id=batch.organization_id, pk__lt=batch.pk)
        .filter(staff__duty=BatchDuty.PANEL)
        .order_by("-pk")
        .first()
    )
    if previous is None:
        return []
    return staff_person_ids(batch=previous, duty=BatchDuty.PANEL)


def analyses_visible(*, scope: Scope) -> QuerySet[ItemAnalysis]:
    rows = ItemAnalysis.objects.select_related("paper", "batch__plan")
    if scope.is_province_officer:
        return rows
    # a city sees the analyses of its own organisations' batches
    managed = _managed_q(scope, "batch__organization")
    return rows.none() if managed is None else rows.filter(managed)


def rechecks_visible(*, scope: Scope) -> QuerySet[Recheck]:
    rows = Recheck.objects.select_related("result__application__candidate", "result__batch__plan")
    if (managed := _managed_q(scope, "result__organization")) is not None:
        return rows.filter(managed)
    if scope.user_id is not None:
        return rows.filter(result__application__candidate__user_id=scope.user_id)
    return rows.none()


def schemes_for(*, plan: EvaluationPlan) -> QuerySet[EnterpriseScheme]:
    return EnterpriseScheme.objects.filter(plan=plan).select_related("occupation")


def recheck_open(result: Result, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        result.status == ResultStatus.PUBLISHED
        and result.recheck_closes_on is not None
        and today <= result.recheck_closes_on
    )


# --- batch pages and API ---------------------------------------------------------------------


@dataclass(frozen=True)
class BatchCounts:
    results: int
    by_status: dict[str, int]  # ResultStatus value -> count
    passed: int
    pending: int  # results with a part still to score
    rechecks_open: int


def batch_counts(*, batch: ResultBatch) -> BatchCounts:
    rows = Result.objects.filter(batch=batch)
    totals = rows.aggregate(
        n=Count("id"),
        passed=Count("id", filter=Q(passed=True)),
        pending=Count(
            "id",
            filter=Q(theory_state=PartState.PENDING)
            | Q(practical_state=PartState.PENDING)
            | Q(panel_state=PartState.PENDING),
        ),
    )
    by_status = dict.fromkeys(ResultStatus.values, 0)
    for row in rows.values("status").annotate(n=Count("id")).order_by():
        by_status[row["status"]] = row["n"]
    open_rechecks = Recheck.objects.filter(
        result__batch=batch, status=RecheckStatus.REQUESTED
    ).count()
    return BatchCounts(totals["n"], by_status, totals["passed"], totals["pending"], open_rechecks)


def districts_unpublished(*, batch: ResultBatch) -> list[str]:
    """Districts whose results are submitted but not yet published ('' = no district)."""
    return sorted(
        set(
            Result.objects.filter(batch=batch, status=ResultStatus.SUBMITTED)
            .values_list("district", flat=True)
            .distinct()
        )
    )


def batch_rechecks(*, batch: ResultBatch) -> QuerySet[Recheck]:
    """The batch's re-checks, open ones first."""
    return (
        Recheck.objects.filter(result__batch=batch)
        .select_related("result__application__candidate", "handled_by")
        .order_by("-status", "requested_at", "id")
    )


@dataclass(frozen=True)
class WorkBatch:
    batch: ResultBatch
    is_entry_account: bool
    duties: list[str]  # BatchDuty values the user holds in the batch


def work_of_user(*, user: Any) -> list[WorkBatch]:
    """The batches a user enters results for or marks, examines or reviews in (newest first)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    duties: dict[int, list[str]] = {}
    for batch_id, duty in (
        BatchStaff.objects.filter(person__user_id=user.pk)
        .order_by("batch_id", "duty")
        .values_list("batch_id", "duty")
    ):
        duties.setdefault(batch_id, []).append(duty)
    batches = (
        ResultBatch.objects.filter(Q(entry_account_id=user.pk) | Q(pk__in=list(duties)))
        .select_related("plan", "organization")
        .order_by("-pk")[:200]
    )
    return [WorkBatch(b, b.entry_account_id == user.pk, duties.get(b.pk, [])) for b in batches]


def practical_queue(*, batch: ResultBatch, person: Person) -> list[tuple[Result, Any]]:
    """Results an examiner scores in the batch, with the total of their own sheet (None
    before they submit). Candidates are shown by candidate id only."""
    mine = dict(
        PracticalSheet.objects.filter(result__batch=batch, examiner=person).values_list(
            "result_id", "total"
        )
    )
    rows = (
        Result.objects.filter(
            batch=batch, practical_state__in=[PartState.PENDING, PartState.SCORED]
        )
        .select_related("occupation")
        .order_by("candidate_ref")
    )
    return [(r, mine.get(r.pk)) for r in rows[:1000]]


def panel_queue(*, batch: ResultBatch, person: Person) -> list[tuple[Result, Any]]:
    """Level 2 and 1 results a panel member reviews, with their own mark (None before)."""
    mine = dict(
        PanelMark.objects.filter(result__batch=batch, member=person).values_list(
            "result_id", "score"
        )
    )
    rows = (
        Result.objects.filter(
            batch=batch,
            level__in=[1, 2],
            panel_state__in=[PartState.PENDING, PartState.SCORED],
        )
        .select_related("occupation")
        .order_by("candidate_ref")
    )
    return [(r, mine.get(r.pk)) for r in rows[:1000]]


def result_is_registered(result: Result) -> bool:
    """Registered results are final; certificates are issued from them only."""
    return result.status == ResultStatus.REGISTERED


def results_by_ids(ids: Iterable[int]) -> QuerySet[Result]:
    return Result.objects.filter(pk__in=list(ids)).order_by("pk")


def results_all() -> QuerySet[Result]:
    """Every result, unscoped: for the statistics summary and retention, which aggregate."""
    return Result.objects.all()


def results_in_area(*, scope: Scope) -> QuerySet[Result]:
    """The results of the organisations in the user's area, unordered (for statistics)."""
    return Result.objects.filter(scope.code_prefix_q("organization__region__code"))


# --- issuance (the certificates app) ------------------------------------------------------------


def batches_registered(*, scope: Scope) -> QuerySet[ResultBatch]:
    """The registered batches the user sees: certificates are issued from these only."""
    return batches_visible(scope=scope).filter(status=BatchStatus.REGISTERED)


def batch_is_registered(batch: ResultBatch) -> bool:
    return batch.status == BatchStatus.REGISTERED


def batch_of_plan(*, plan_code: str) -> ResultBatch | None:
    """The result batch of the plan with this code (unscoped: for commands)."""
    return (
        ResultBatch.objects.select_related("plan", "organization")
        .filter(plan__code=plan_code)
        .first()
    )


def passing_counts(*, batch_ids: Iterable[int]) -> dict[int, int]:
    """Registered passing results per batch id."""
    rows = (
        Result.objects.filter(
            batch_id__in=list(batch_ids), status=ResultStatus.REGISTERED, passed=True
        )
        .values("batch_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["batch_id"]: r["n"] for r in rows}


# --- scoring set-up ----------------------------------------------------------------------------


def plans_awaiting_batch(*, scope: Scope, now: dt.datetime) -> QuerySet[EvaluationPlan]:
    """The plans the user may see whose every session has ended by `now` and that have no
    result batch yet (newest exam first)."""
    return (
        plans_visible(scope=scope)
        .filter(result_batch__isnull=True)
        .annotate(exam_ended_at=Max("sessions__ends_at"))
        .filter(exam_ended_at__lte=now)
        .order_by("-exam_ended_at", "code")
    )


def plan_exam_ended_at(*, plan: EvaluationPlan) -> dt.datetime | None:
    """When the plan's last session ends (None without sessions)."""
    ended: dt.datetime | None = plan.sessions.aggregate(last=Max("ends_at"))["last"]
    return ended


def batch_papers(*, batch: ResultBatch) -> QuerySet[Paper]:
    """The sealed papers of the batch's plan: one per form of each occupation and level the
    plan offers."""
    offerings = list(batch.plan.offerings.values_list("occupation_id", "level").order_by("pk"))
    return papers_sealed_for(offerings=offerings)


def staff_choices(*, batch: ResultBatch) -> QuerySet[Person]:
    """The people the organisation may name to mark, examine or review in the batch: holders
    of an examiner role of the province for one of the plan's occupations (the service checks
    recusal, rotation and the card's validity, and says why a person is refused)."""
    return plan_examiner_choices(plan=batch.plan)


def entry_account_choices(*, batch: ResultBatch) -> QuerySet[User]:
    """Who may be the dedicated entry account: the batch's chief markers' accounts for social
    assessment; the enterprise's own staff accounts for the other routes."""
    if batch.route == Route.EXAM:
        return (
            users_all()
            .filter(
                pk__in=staff_of(batch=batch, duty=BatchDuty.CHIEF_MARKER).values("person__user_id")
            )
            .order_by("username")
        )
    return (
        users_all()
        .filter(roles__organization_id=batch.organization_id, roles__active=True, is_active=True)
        .distinct()
        .order_by("username")
    )


def response_uploads_visible(*, scope: Scope) -> QuerySet[ResponseUpload]:
    """Answer-file uploads of the batches the user manages (officers over the region, the
    organisation's staff)."""
    rows = ResponseUpload.objects.select_related("batch__plan", "paper", "created_by")
    managed = _managed_q(scope, "batch__organization")
    return rows.none() if managed is None else rows.filter(managed)
