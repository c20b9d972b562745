"""证书签发: the organisation issues certificates from its registered result batches, all at
once in a background job (with a progress page polled by htmx) or one result at a time."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for
from skillcert.certificates.models import IssueBatch
from skillcert.certificates.selectors import (
    certificates_of_results,
    issue_jobs_visible,
    issued_counts,
)
from skillcert.certificates.services import (
    certificate_issue,
    certificates_issue_resume,
    certificates_issue_start,
)
from skillcert.common.exports import xlsx_response
from skillcert.common.job_pages import job_page
from skillcert.common.service_runner import run_action
from skillcert.scoring.selectors import (
    batch_is_registered,
    batches_registered,
    passing_counts,
    results_by_ids,
    results_registered,
    results_visible,
)


def _issuer_scope(request: HttpRequest) -> Scope:
    """Issuing is the organisation's work: anyone else finds no such page."""
    scope = scope_for(request.user)
    if not (scope.is_org_staff or scope.is_platform):
        raise Http404
    return scope


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    scope = _issuer_scope(request)
    q = request.GET.get("q", "").strip()
    batches = batches_registered(scope=scope)
    if q:
        batches = batches.filter(plan__code__icontains=q) | batches.filter(plan__title__icontains=q)
    rows = list(batches.order_by("-registered_at", "-pk")[:500])
    ids = [b.pk for b in rows]
    passing, issued = passing_counts(batch_ids=ids), issued_counts(batch_ids=ids)
    table = [
        (b, passing.get(b.pk, 0), issued.get(b.pk, 0), passing.get(b.pk, 0) - issued.get(b.pk, 0))
        for b in rows
    ]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "证书签发.xlsx",
            ["计划编号", "计划名称", "评价机构", "登记备案时间", "合格人数", "已发证", "待发证"],
            [
                [b.plan.code, b.plan.title, b.organization.name, b.registered_at, n, done, todo]
                for b, n, done, todo in table
            ],
        )
    jobs = issue_jobs_visible(scope=scope)[:10]
    return render(request, "certificates/issue_list.html", {"table": table, "q": q, "jobs": jobs})


@login_required
def issue_batch(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _issuer_scope(request)
    batch = get_object_in_scope(batches_registered(scope=scope), pk=pk)
    q = request.GET.get("q", "").strip()
    results = results_registered(plan=batch.plan)
    if q:
        results = results.filter(candidate_ref__icontains=q) | results.filter(
            application__candidate__full_name__icontains=q
        )
    rows = list(results[:1000])
    certificates = certificates_of_results(result_ids=[r.pk for r in rows])
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"证书签发_{batch.plan.code}.xlsx",
            ["考生编号", "姓名", "职业", "等级", "证书编号"],
            [
                [
                    r.candidate_ref,
                    r.application.candidate.full_name,
                    r.occupation.name,
                    r.level,
                    certificates[r.pk].number if r.pk in certificates else "",
                ]
                for r in rows
            ],
        )
    jobs = list(issue_jobs_visible(scope=scope).filter(result_batch=batch)[:20])
    return render(
        request,
        "certificates/issue_batch.html",
        {
            "batch": batch,
            "rows": [(r, certificates.get(r.pk)) for r in rows],
            "q": q,
            "jobs": jobs,
            "unfinished": next((j for j in jobs if j.running), None),
            "pending": sum(1 for r in rows if r.pk not in certificates),
        },
    )


def _job_url(job: IssueBatch) -> str:
    return reverse("certificates:issue_job", args=[job.pk])


@login_required
@require_POST
def issue_start(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_in_scope(batches_registered(scope=_issuer_scope(request)), pk=pk)
    user = request_actor(request)
    return run_action(
        request,
        lambda: certificates_issue_start(result_batch=batch, actor=user),
        success=lambda job: f"已开始批量发证：共 {job.total} 个合格成绩，正在后台签发",
        next=_job_url,
        back=reverse("certificates:issue_batch", args=[batch.pk]),
    )


@login_required
def issue_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_in_scope(issue_jobs_visible(scope=_issuer_scope(request)), pk=pk)
    failed = job.failed[:500]
    refs = {
        r.pk: r
        for r in results_by_ids([f["result"] for f in failed]).select_related(
            "application__candidate"
        )
    }
    skipped = [(refs.get(f["result"]), f) for f in failed]
    return job_page(
        request,
        "certificates/issue_job.html",
        "certificates/_issue_progress.html",
        {"job": job, "skipped": skipped},
    )


@login_required
@require_POST
def issue_resume(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_in_scope(issue_jobs_visible(scope=_issuer_scope(request)), pk=pk)
    user = request_actor(request)
    return run_action(
        request,
        lambda: certificates_issue_resume(job=job, actor=user),
        success=f"批量发证任务 #{job.pk} 已重新排队，已发证的成绩不会重复发证",
        next=_job_url(job),
    )


@login_required
@require_POST
def issue_one(request: HttpRequest, pk: int) -> HttpResponse:
    """One result's certificate. The result is looked up in the user's scope (404 outside);
    the service refuses anyone but the organisation's staff and anything but a registered,
    passing result."""
    result = get_object_in_scope(results_visible(scope=scope_for(request.user)), pk=pk)
    user = request_actor(request)
    page = reverse("certificates:issue_batch", args=[result.batch_id])
    if not batch_is_registered(result.batch):
        page = reverse("certificates:issue")
    return run_action(
        request,
        lambda: certificate_issue(result=result, actor=user),
        success=lambda c: f"已为{result.application.candidate.full_name}签发证书 {c.number}",
        next=page,
    )
