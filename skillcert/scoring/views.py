"""Scoring pages: batches with progress and marker workload, the marker's blind queue, item
analysis, the candidate's own results with re-check requests, and the public result query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_or_404
from skillcert.audit.services import audit_record
from skillcert.common.actions import Act, Actions
from skillcert.common.exports import xlsx_response
from skillcert.common.service_runner import run_action
from skillcert.common.throttle import throttle
from skillcert.itembank.selectors import bank_scope, item_codes_managed
from skillcert.scoring import charts, selectors, services
from skillcert.scoring.models import BatchStatus, Mark, Result, ResultBatch
from skillcert.scoring.views_setup import setup_panel

if TYPE_CHECKING:
    from skillcert.personnel.models import Person


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    q = request.GET.get("q", "").strip()
    batches = selectors.batches_visible(scope=scope)
    if q:
        batches = batches.filter(plan__code__icontains=q) | batches.filter(plan__title__icontains=q)
    batches = batches.order_by("-pk")[:500]
    awaiting = selectors.plans_awaiting_batch(scope=scope, now=timezone.now())
    if q:
        awaiting = awaiting.filter(Q(code__icontains=q) | Q(title__icontains=q))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "成绩批次.xlsx",
            ["计划编号", "计划名称", "机构", "途径", "状态"],
            [
                [
                    b.plan.code,
                    b.plan.title,
                    b.organization.name,
                    b.get_route_display(),
                    b.get_status_display(),
                ]
                for b in batches
            ],
        )
    return render(
        request,
        "scoring/batch_list.html",
        {"batches": batches, "q": q, "awaiting": awaiting[:200]},
    )


def _batch_export(
    request: HttpRequest, batch: ResultBatch, results: QuerySet[Result], q: str
) -> HttpResponse:
    # Candidates' names with their scores: every export is on the record.
    audit_record(
        actor=request_actor(request),
        action="result.export",
        obj=batch,
        changes={"q": [None, q], "count": [None, results.count()]},
    )
    return xlsx_response(
        f"成绩_{batch.plan.code}.xlsx",
        [
            "考生编号",
            "姓名",
            "职业",
            "等级",
            "途径",
            "理论",
            "操作",
            "综合评审",
            "合格",
            "状态",
        ],
        [
            [
                r.candidate_ref,
                r.application.candidate.full_name,
                r.occupation.name,
                r.level,
                r.get_route_display(),
                r.theory_score if r.theory_score is not None else r.get_theory_state_display(),
                r.practical_score
                if r.practical_score is not None
                else r.get_practical_state_display(),
                r.panel_score if r.panel_score is not None else r.get_panel_state_display(),
                "合格" if r.passed else "不合格",
                r.get_status_display(),
            ]
            for r in results
        ],
    )


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    batch = get_object_in_scope(selectors.batches_visible(scope=scope), pk=pk)
    q = request.GET.get("q", "").strip()
    if request.GET.get("export") == "xlsx":
        results = selectors.results_visible(scope=scope, q=q).filter(batch=batch)
        return _batch_export(request, batch, results, q)
    return render_batch_page(request, batch)


def render_batch_page(
    request: HttpRequest,
    batch: ResultBatch,
    *,
    setup_forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The batch page; the set-up views show it again with their refused form."""
    scope = scope_or_404(request.user, org_staff=True)
    q = request.GET.get("q", "").strip()
    results = selectors.results_visible(scope=scope, q=q).filter(batch=batch)
    districts = selectors.districts_unpublished(batch=batch)
    is_org = scope.is_platform or batch.organization_id in scope.organization_ids
    return render(
        request,
        "scoring/batch_detail.html",
        {
            "batch": batch,
            "results": results[:1000],
            "q": q,
            "progress": selectors.script_progress(batch=batch),
            "workload": selectors.marker_workload(batch=batch),
            "publications": batch.publications.all(),
            "counts": selectors.batch_counts(batch=batch),
            "districts": districts,
            "can_publish": bool(districts)
            and (scope.is_officer or is_org)
            and batch.status in (BatchStatus.SUBMITTED, BatchStatus.PUBLISHED),
            "rechecks": selectors.batch_rechecks(batch=batch)[:500],
            "is_officer": scope.is_officer,
            "is_org": is_org,
            "is_entry_account": batch.entry_account_id == request.user.pk,
            "setup": setup_panel(batch, setup_forms),
        },
        status=status,
    )


def _marker_post(request: HttpRequest, person: Person) -> HttpResponse:
    """A marker's mark, or a chief marker's arbitration (the form posts `script`)."""
    user, score, back = (
        request_actor(request),
        request.POST.get("score"),
        reverse("scoring:marking"),
    )
    if "script" in request.POST:
        script = get_object_in_scope(
            selectors.scripts_to_arbitrate(person=person), pk=request.POST.get("script")
        )
        return run_action(
            request,
            lambda: services.script_arbitrate(script=script, score=score, actor=user),
            success="",
            next=back,
        )
    mark = get_object_in_scope(
        Mark.objects.filter(marker=person, score__isnull=True), pk=request.POST.get("mark")
    )
    return run_action(
        request,
        lambda: services.mark_submit(mark=mark, score=score, actor=user),
        success="",
        next=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def marking(request: HttpRequest) -> HttpResponse:
    """The marker's queue: blind code, item number and maximum only. A chief marker also
    arbitrates the scripts whose marks stayed too far apart (blind code and marks only)."""
    person = selectors.person_of_user(request.user)
    if person is None:
        raise Http404
    if request.method == "POST":
        return _marker_post(request, person)
    marks = selectors.marks_for_marker(person=person)[:200]
    arbitration = selectors.scripts_to_arbitrate(person=person).prefetch_related("marks")[:200]
    return render(request, "scoring/marking.html", {"marks": marks, "arbitration": arbitration})


@login_required
def analysis_list(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    rows = selectors.analyses_visible(scope=scope)[:200]
    return render(request, "scoring/analysis_list.html", {"analyses": rows})


@login_required
def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Reliability, the score distribution and the item table, each chart with its table;
    `?export=xlsx` exports the item table, `?export=distribution` the distribution."""
    scope = scope_or_404(request.user, org_staff=True)
    analysis = get_object_in_scope(selectors.analyses_visible(scope=scope), pk=pk)
    export = request.GET.get("export")
    if export == "xlsx":
        return xlsx_response(
            f"试题分析_{analysis.paper.code}.xlsx", charts.ITEM_HEADERS, charts.item_rows(analysis)
        )
    if export == "distribution":
        return xlsx_response(
            f"分数分布_{analysis.paper.code}.xlsx",
            charts.DISTRIBUTION_HEADERS,
            charts.distribution_rows(analysis),
        )
    items = charts.item_rows(analysis)
    writable = item_codes_managed(scope=bank_scope(request.user), paper=analysis.paper)
    return render(
        request,
        "scoring/analysis_detail.html",
        {
            "a": analysis,
            "distribution": charts.distribution_rows(analysis),
            "distribution_chart": charts.distribution_chart(analysis),
            "items": items,
            # each row with the item's id when the user manages its bank: a button writes the
            # observed difficulty and discrimination back to the item
            "item_table": [(row, writable.get(row[0])) for row in items],
            "writable": bool(writable),
            "item_headers": charts.ITEM_HEADERS,
            "scatter_chart": charts.items_scatter_chart(analysis),
        },
    )


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    results = selectors.my_results(user=request.user)
    return render(
        request,
        "scoring/my_results.html",
        {"results": [(r, selectors.recheck_open(r)) for r in results]},
    )


# The candidate's own results: a re-check request comes back to the list.
MY_RESULT: Actions[Result] = Actions(
    prefix="my/<int:pk>/",
    load=lambda request, pk: get_object_in_scope(selectors.my_results(user=request.user), pk=pk),
    back=lambda _result: reverse("scoring:my_results"),
)


@MY_RESULT.post("recheck/", success="", name="recheck")
def recheck_request(a: Act[Result]) -> object:
    subject, reason = a.posted("subject"), a.posted("reason")
    return services.recheck_request(result=a.obj, subject=subject, reason=reason, actor=a.actor)


@throttle(group="result-query", rate="20/m")
@require_http_methods(["GET", "POST"])
def public_query(request: HttpRequest) -> HttpResponse:
    """Anyone may query a result with name + ID number + ticket number; a mismatch, a missing
    record and someone else's record all get the same answer."""
    found: Result | None = None
    asked = request.method == "POST"
    if asked:
        found = selectors.result_public_query(
            name=request.POST.get("name", ""),
            id_number=request.POST.get("id_number", ""),
            ticket_no=request.POST.get("ticket_no", ""),
        )
    return render(request, "scoring/query.html", {"asked": asked, "found": found})
