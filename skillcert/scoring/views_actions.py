"""Scoring forms: the batch lifecycle buttons (submit, reopen, publish, registration), result
entry by the dedicated account, practical sheets and panel marks, and re-check handling.

Each view fetches its object through a scoped selector (404 outside scope), parses the form
and calls one service. A service's `scoring.forbidden` (the user sees the batch but holds the
wrong role for the step) is a 403 page; any other DomainError is a message on the page the
user came from, with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.errors import DomainError
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
from skillcert.scoring.models import BatchStatus, Duty, Result, ResultBatch, Route

FORBIDDEN = "scoring.forbidden"


def forbidden_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "scoring/forbidden.html", {"message": message}, status=403)


def _call(
    request: HttpRequest, back: HttpResponse, action: Callable[[], Any], success: str
) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        if exc.code == FORBIDDEN:
            return forbidden_page(request, exc.message)
        messages.error(request, exc.message)
        return back
    messages.success(request, success)
    return back


def _form_errors(request: HttpRequest, form: Form) -> None:
    for name, errors in form.errors.items():
        label = (form.fields[name].label or "") if name in form.fields else ""
        text = "；".join(str(e) for e in errors)
        messages.error(request, f"{label}：{text}" if label else text)


def _visible_batch(request: HttpRequest, pk: int) -> ResultBatch:
    return get_object_in_scope(selectors.batches_visible(scope=scope_for(request.user)), pk=pk)


# --- the batch lifecycle ------------------------------------------------------------------


BATCH_ACTIONS = ("submit", "reopen", "publish", "registration_submit", "register", "return")


@login_required
@require_POST
def batch_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in BATCH_ACTIONS:
        raise Http404
    batch = _visible_batch(request, pk)
    user = request.user
    if action == "submit":
        return _call(
            request,
            redirect("scoring:entry", batch.pk),
            lambda: services.batch_submit(batch=batch, actor=user),
            "成绩已提交，录入已锁定",
        )
    back = redirect("scoring:batch", batch.pk)
    if action == "publish":
        publish = PublishForm(request.POST)
        if not publish.is_valid():
            _form_errors(request, publish)
            return back
        district = publish.cleaned_data["district"].strip()
        return _call(
            request,
            back,
            lambda: services.batch_publish(batch=batch, district=district, actor=user),
            f"已发布{district or '全部待发布考区'}的成绩",
        )
    if action in ("reopen", "return"):
        reason_form = ReasonForm(request.POST)
        if not reason_form.is_valid():
            _form_errors(request, reason_form)
            return back
        reason = reason_form.cleaned_data["reason"]
        if action == "reopen":
            return _call(
                request,
                back,
                lambda: services.batch_reopen(batch=batch, reason=reason, actor=user),
                "已重新开放成绩录入",
            )
        return _call(
            request,
            back,
            lambda: services.batch_registration_return(batch=batch, reason=reason, actor=user),
            "已退回登记备案申请",
        )
    if action == "registration_submit":
        return _call(
            request,
            back,
            lambda: services.batch_registration_submit(batch=batch, actor=user),
            "已提交登记备案",
        )
    return _call(
        request,
        back,
        lambda: services.batch_register(batch=batch, actor=user),
        "已确认登记备案，成绩不可再修改",
    )


# --- re-checks ----------------------------------------------------------------------------


@login_required
@require_POST
def recheck_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-add and re-record the subject's marks (no re-marking); outcome optional."""
    recheck = get_object_in_scope(selectors.rechecks_visible(scope=scope_for(request.user)), pk=pk)
    back = redirect("scoring:batch", recheck.result.batch_id)
    form = RecheckCompleteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back
    outcome = form.cleaned_data["outcome"]
    return _call(
        request,
        back,
        lambda: services.recheck_complete(recheck=recheck, outcome=outcome, actor=request.user),
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


RESULT_ACTIONS = ("enter", "state", "evaluate")


@login_required
@require_POST
def result_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in RESULT_ACTIONS:
        raise Http404
    result = get_object_in_scope(selectors.results_visible(scope=scope_for(request.user)), pk=pk)
    back = redirect("scoring:entry", result.batch_id)
    user = request.user
    ref = result.candidate_ref
    if action == "enter":
        score_form = ScoreForm(request.POST)
        if not score_form.is_valid():
            _form_errors(request, score_form)
            return back
        part, score = score_form.cleaned_data["part"], score_form.cleaned_data["score"]
        return _call(
            request,
            back,
            lambda: services.result_score_enter(result=result, part=part, score=score, actor=user),
            f"已录入考生 {ref} 的成绩",
        )
    if action == "state":
        state_form = PartStateForm(request.POST)
        if not state_form.is_valid():
            _form_errors(request, state_form)
            return back
        data = state_form.cleaned_data
        return _call(
            request,
            back,
            lambda: services.result_part_state_set(
                result=result,
                part=data["part"],
                state=data["state"],
                reason=data["reason"],
                actor=user,
            ),
            f"已记录考生 {ref} 的科目状态",
        )
    dimensions = EnterpriseForm(request.POST)
    if not dimensions.is_valid():
        _form_errors(request, dimensions)
        return back
    scores = dimensions.scores()
    return _call(
        request,
        back,
        lambda: services.result_evaluate_enterprise(result=result, scores=scores, actor=user),
        f"已录入考生 {ref} 的四个维度评价",
    )


# --- practical examiners and the review panel ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def practical(request: HttpRequest, pk: int) -> HttpResponse:
    """A practical examiner's scoring sheets for the batch (candidate ids only)."""
    batch = _visible_batch(request, pk)
    person = selectors.is_staff(batch=batch, user=request.user, duty=Duty.PRACTICAL)
    if person is None:
        return forbidden_page(request, "只有本批次的操作技能考评员可以录入评分表")
    if request.method == "POST":
        back = redirect("scoring:practical", batch.pk)
        form = PracticalSheetForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return back
        result = get_object_in_scope(
            Result.objects.filter(batch=batch), pk=form.cleaned_data["result"]
        )
        items = form.cleaned_data["items"]
        return _call(
            request,
            back,
            lambda: services.practical_sheet_submit(result=result, items=items, actor=request.user),
            f"已提交考生 {result.candidate_ref} 的评分表",
        )
    return render(
        request,
        "scoring/practical.html",
        {
            "batch": batch,
            "rows": selectors.practical_queue(batch=batch, person=person),
            "open": batch.status == BatchStatus.ENTERING,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    """A panel member's marks for the batch's level 2 and 1 candidates (candidate ids only)."""
    batch = _visible_batch(request, pk)
    person = selectors.is_staff(batch=batch, user=request.user, duty=Duty.PANEL)
    if person is None:
        return forbidden_page(request, "只有本批次的综合评审专家可以评分")
    if request.method == "POST":
        back = redirect("scoring:panel", batch.pk)
        form = PanelMarkForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return back
        result = get_object_in_scope(
            Result.objects.filter(batch=batch), pk=form.cleaned_data["result"]
        )
        score, note = form.cleaned_data["score"], form.cleaned_data["note"]
        return _call(
            request,
            back,
            lambda: services.panel_mark_submit(
                result=result, score=score, note=note, actor=request.user
            ),
            f"已提交考生 {result.candidate_ref} 的综合评审评分",
        )
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
