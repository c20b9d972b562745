"""Scoring forms: the batch lifecycle buttons (submit, reopen, publish, registration), result
entry by the dedicated account, practical sheets and panel marks, and re-check handling.

One view per step: each fetches its object through a scoped selector (404 outside scope),
parses the form and runs one service through `run_service`. A refusal (the user sees the batch
but holds the wrong role for the step) is a 403 page; any other DomainError is a message on
the page the user came from, with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.forms import form_valid_or_flash
from skillcert.common.service_runner import run_action
from skillcert.scoring import selectors, services
from skillcert.scoring.forms import (
    EnterpriseForm,
    PanelMarkForm,
    PartStateForm,
    PracticalSheetForm,
    PublishForm,
    ReasonForm,
    RecheckCompleteForm,
    ScoreForm,
)
from skillcert.scoring.models import BatchDuty, BatchStatus, Result, ResultBatch, Route


def forbidden_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "scoring/forbidden.html", {"message": message}, status=403)


def run_step(
    request: HttpRequest, back: str, call: Callable[[], Any], success: str
) -> HttpResponse:
    """Every step answers on the page it was taken from, success or refused input alike."""
    return run_action(request, call, success=success, next=back)


def _visible_batch(request: HttpRequest, pk: int) -> ResultBatch:
    return get_object_in_scope(selectors.batches_visible(scope=scope_for(request.user)), pk=pk)


def _batch_page(batch: ResultBatch) -> str:
    return reverse("scoring:batch", args=[batch.pk])


# --- the batch lifecycle ------------------------------------------------------------------


@login_required
@require_POST
def batch_submit(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _visible_batch(request, pk), request_actor(request)
    return run_step(
        request,
        reverse("scoring:entry", args=[batch.pk]),
        lambda: services.batch_submit(batch=batch, actor=user),
        "成绩已提交，录入已锁定",
    )


@login_required
@require_POST
def batch_publish(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _visible_batch(request, pk), request_actor(request)
    form = PublishForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(_batch_page(batch))
    district = form.cleaned_data["district"].strip()
    return run_step(
        request,
        _batch_page(batch),
        lambda: services.batch_publish(batch=batch, district=district, actor=user),
        f"已发布{district or '全部待发布考区'}的成绩",
    )


@login_required
@require_POST
def batch_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _visible_batch(request, pk), request_actor(request)
    form = ReasonForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(_batch_page(batch))
    reason = form.cleaned_data["reason"]
    return run_step(
        request,
        _batch_page(batch),
        lambda: services.batch_reopen(batch=batch, reason=reason, actor=user),
        "已重新开放成绩录入",
    )


@login_required
@require_POST
def batch_registration_return(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _visible_batch(request, pk), request_actor(request)
    form = ReasonForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(_batch_page(batch))
    reason = form.cleaned_data["reason"]
    return run_step(
        request,
        _batch_page(batch),
        lambda: services.batch_registration_return(batch=batch, reason=reason, actor=user),
        "已退回登记备案申请",
    )


@login_required
@require_POST
def batch_registration_submit(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _visible_batch(request, pk), request_actor(request)
    return run_step(
        request,
        _batch_page(batch),
        lambda: services.batch_registration_submit(batch=batch, actor=user),
        "已提交登记备案",
    )


@login_required
@require_POST
def batch_register(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _visible_batch(request, pk), request_actor(request)
    return run_step(
        request,
        _batch_page(batch),
        lambda: services.batch_register(batch=batch, actor=user),
        "已确认登记备案，成绩不可再修改",
    )


# --- re-checks ----------------------------------------------------------------------------


@login_required
@require_POST
def recheck_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-add and re-record the subject's marks (no re-marking); outcome optional."""
    recheck = get_object_in_scope(selectors.rechecks_visible(scope=scope_for(request.user)), pk=pk)
    user = request_actor(request)
    back = reverse("scoring:batch", args=[recheck.result.batch_id])
    form = RecheckCompleteForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(back)
    outcome = form.cleaned_data["outcome"]
    return run_step(
        request,
        back,
        lambda: services.recheck_complete(recheck=recheck, outcome=outcome, actor=user),
        f"考生 {recheck.result.candidate_ref} 的{recheck.get_subject_display()}复查已办结",
    )


# --- result entry by the dedicated account -------------------------------------------------


@login_required
@require_http_methods(["GET"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The dedicated entry account's page: every result of the batch with its parts, entry of
    scores and of absent / voided / exempt parts, and the submission that locks entry."""
    batch = _visible_batch(request, pk)
    if batch.entry_account_id != request.user.pk:
        return forbidden_page(request, "只有本批次的成绩录入专用账号可以录入或确认成绩")
    results = (
        selectors.results_visible(scope=scope_for(request.user))
        .filter(batch=batch)
        .select_related("specialty")
    )
    return render(
        request,
        "scoring/entry.html",
        {
            "batch": batch,
            "results": results[:1000],
            "counts": selectors.batch_counts(batch=batch),
            "open": batch.status == BatchStatus.ENTERING,
            "enterprise": batch.route == Route.SELF_EVALUATION,
            # one form per row: no generated ids, which would repeat
            "score_form": ScoreForm(auto_id=False),
            "state_form": PartStateForm(auto_id=False),
            "enterprise_form": EnterpriseForm(auto_id=False),
        },
    )


def _visible_result(request: HttpRequest, pk: int) -> Result:
    return get_object_in_scope(selectors.results_visible(scope=scope_for(request.user)), pk=pk)


def _entry_page(result: Result) -> str:
    return reverse("scoring:entry", args=[result.batch_id])


@login_required
@require_POST
def result_enter(request: HttpRequest, pk: int) -> HttpResponse:
    result, user = _visible_result(request, pk), request_actor(request)
    form = ScoreForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(_entry_page(result))
    part, score = form.cleaned_data["part"], form.cleaned_data["score"]
    return run_step(
        request,
        _entry_page(result),
        lambda: services.result_score_enter(result=result, part=part, score=score, actor=user),
        f"已录入考生 {result.candidate_ref} 的成绩",
    )


@login_required
@require_POST
def result_state(request: HttpRequest, pk: int) -> HttpResponse:
    result, user = _visible_result(request, pk), request_actor(request)
    form = PartStateForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(_entry_page(result))
    data = form.cleaned_data
    return run_step(
        request,
        _entry_page(result),
        lambda: services.result_part_state_set(
            result=result, part=data["part"], state=data["state"], reason=data["reason"], actor=user
        ),
        f"已记录考生 {result.candidate_ref} 的科目状态",
    )


@login_required
@require_POST
def result_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    result, user = _visible_result(request, pk), request_actor(request)
    form = EnterpriseForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(_entry_page(result))
    scores = form.scores()
    return run_step(
        request,
        _entry_page(result),
        lambda: services.result_evaluate_enterprise(result=result, scores=scores, actor=user),
        f"已录入考生 {result.candidate_ref} 的四个维度评价",
    )


# --- practical examiners and the review panel ---------------------------------------------


def _practical_sheet(request: HttpRequest, batch: ResultBatch) -> HttpResponse:
    back = reverse("scoring:practical", args=[batch.pk])
    form = PracticalSheetForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(back)
    result = get_object_in_scope(Result.objects.filter(batch=batch), pk=form.cleaned_data["result"])
    items, user = form.cleaned_data["items"], request_actor(request)
    return run_step(
        request,
        back,
        lambda: services.practical_sheet_submit(result=result, items=items, actor=user),
        f"已提交考生 {result.candidate_ref} 的评分表",
    )


@login_required
@require_http_methods(["GET", "POST"])
def practical(request: HttpRequest, pk: int) -> HttpResponse:
    """A practical examiner's scoring sheets for the batch (candidate ids only)."""
    batch = _visible_batch(request, pk)
    person = selectors.is_staff(batch=batch, user=request.user, duty=BatchDuty.PRACTICAL)
    if person is None:
        return forbidden_page(request, "只有本批次的操作技能考评员可以录入评分表")
    if request.method == "POST":
        return _practical_sheet(request, batch)
    return render(
        request,
        "scoring/practical.html",
        {
            "batch": batch,
            "rows": selectors.practical_queue(batch=batch, person=person),
            "open": batch.status == BatchStatus.ENTERING,
        },
    )


def _panel_mark(request: HttpRequest, batch: ResultBatch) -> HttpResponse:
    back = reverse("scoring:panel", args=[batch.pk])
    form = PanelMarkForm(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(back)
    result = get_object_in_scope(Result.objects.filter(batch=batch), pk=form.cleaned_data["result"])
    score, note, user = (
        form.cleaned_data["score"],
        form.cleaned_data["note"],
        request_actor(request),
    )
    return run_step(
        request,
        back,
        lambda: services.panel_mark_submit(result=result, score=score, note=note, actor=user),
        f"已提交考生 {result.candidate_ref} 的综合评审评分",
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    """A panel member's marks for the batch's level 2 and 1 candidates (candidate ids only)."""
    batch = _visible_batch(request, pk)
    person = selectors.is_staff(batch=batch, user=request.user, duty=BatchDuty.PANEL)
    if person is None:
        return forbidden_page(request, "只有本批次的综合评审专家可以评分")
    if request.method == "POST":
        return _panel_mark(request, batch)
    return render(
        request,
        "scoring/panel.html",
        {
            "batch": batch,
            "rows": selectors.panel_queue(batch=batch, person=person),
            "open": batch.status == BatchStatus.ENTERING,
        },
    )


@login_required
@require_http_methods(["GET"])
def work(request: HttpRequest) -> HttpResponse:
    """The batches the user enters results for, marks, examines or reviews in."""
    return render(request, "scoring/work.html", {"rows": selectors.work_of_user(user=request.user)})
