"""Scoring forms: the batch lifecycle buttons (submit, reopen, publish, registration), result
entry by the dedicated account, practical sheets and panel marks, and re-check handling.

One view per step: each fetches its object through a scoped selector (404 outside scope),
parses the form and runs one service through `run_service`. A refusal (the user sees the batch
but holds the wrong role for the step) is a 403 page; any other DomainError is a message on
the page the user came from, with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.actions import Act, Actions
from skillcert.common.forms import form_valid_or_flash
from skillcert.common.service_runner import run_action
from skillcert.scoring import selectors, services
from skillcert.scoring.forms import (
    PART_CHOICES,
    EnterpriseForm,
    PanelMarkForm,
    PartStateForm,
    PracticalSheetForm,
    PublishForm,
    ReasonForm,
    RecheckCompleteForm,
    ScoreForm,
)
from skillcert.scoring.forms_bulk import ScoreSheetForm
from skillcert.scoring.models import BatchDuty, BatchStatus, Recheck, Result, ResultBatch, Route

if TYPE_CHECKING:
    from skillcert.accounts.models import User


def forbidden_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "scoring/forbidden.html", {"message": message}, status=403)


def _visible_batch(request: HttpRequest, pk: int) -> ResultBatch:
    return get_object_in_scope(selectors.batches_visible(scope=scope_for(request.user)), pk=pk)


def _batch_page(batch: ResultBatch) -> str:
    return reverse("scoring:batch", args=[batch.pk])


def _entry_page_of(batch: ResultBatch) -> str:
    return reverse("scoring:entry", args=[batch.pk])


# Every step answers on the page it was taken from, success or refused input alike.
BATCH: Actions[ResultBatch] = Actions(
    prefix="batches/<int:pk>/", load=_visible_batch, back=_batch_page
)


# --- the batch lifecycle ------------------------------------------------------------------


@BATCH.post("submit/", back=_entry_page_of, success="成绩已提交，录入已锁定")
def batch_submit(a: Act[ResultBatch]) -> object:
    return services.batch_submit(batch=a.obj, actor=a.actor)


@BATCH.post(
    "publish/",
    form=PublishForm,
    success=lambda a, _: f"已发布{a.data['district'].strip() or '全部待发布考区'}的成绩",
)
def batch_publish(a: Act[ResultBatch]) -> object:
    district = a.data["district"].strip()
    return services.batch_publish(batch=a.obj, district=district, actor=a.actor)


@BATCH.post("reopen/", form=ReasonForm, success="已重新开放成绩录入")
def batch_reopen(a: Act[ResultBatch]) -> object:
    return services.batch_reopen(batch=a.obj, reason=a.data["reason"], actor=a.actor)


@BATCH.post("return/", form=ReasonForm, success="已退回登记备案申请")
def batch_registration_return(a: Act[ResultBatch]) -> object:
    return services.batch_registration_return(batch=a.obj, actor=a.actor, **a.data)


@BATCH.post("registration_submit/", success="已提交登记备案")
def batch_registration_submit(a: Act[ResultBatch]) -> object:
    return services.batch_registration_submit(batch=a.obj, actor=a.actor)


@BATCH.post("register/", success="已确认登记备案，成绩不可再修改")
def batch_register(a: Act[ResultBatch]) -> object:
    return services.batch_register(batch=a.obj, actor=a.actor)


# --- re-checks ----------------------------------------------------------------------------


def _visible_recheck(request: HttpRequest, pk: int) -> Recheck:
    return get_object_in_scope(selectors.rechecks_visible(scope=scope_for(request.user)), pk=pk)


RECHECK: Actions[Recheck] = Actions(
    prefix="rechecks/<int:pk>/",
    load=_visible_recheck,
    back=lambda recheck: reverse("scoring:batch", args=[recheck.result.batch_id]),
)


@RECHECK.post(
    "complete/",
    form=RecheckCompleteForm,
    success=lambda a, _: (
        f"考生 {a.obj.result.candidate_ref} 的{a.obj.get_subject_display()}复查已办结"
    ),
)
def recheck_complete(a: Act[Recheck]) -> object:
    """Re-add and re-record the subject's marks (no re-marking); outcome optional."""
    return services.recheck_complete(recheck=a.obj, outcome=a.data["outcome"], actor=a.actor)


# --- result entry by the dedicated account -------------------------------------------------


@login_required
@require_http_methods(["GET"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The dedicated entry account's page: every result of the batch with its parts, entry of
    scores and of absent / voided / exempt parts, and the submission that locks entry."""
    batch = _visible_batch(request, pk)
    if batch.entry_account_id != request.user.pk:
        return forbidden_page(request, ENTRY_ONLY)
    return entry_page(request, batch)


ENTRY_ONLY = "只有本批次的成绩录入专用账号可以录入或确认成绩"


def entry_page(
    request: HttpRequest, batch: ResultBatch, *, sheet_form: ScoreSheetForm | None = None
) -> HttpResponse:
    """The entry page; the score-sheet upload shows it again with its refused form."""
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
            "sheet_form": sheet_form or ScoreSheetForm(prefix="sheet"),
            "part_choices": PART_CHOICES,
        },
    )


def _visible_result(request: HttpRequest, pk: int) -> Result:
    return get_object_in_scope(selectors.results_visible(scope=scope_for(request.user)), pk=pk)


# The dedicated account's entries on a result come back to the batch's entry page.
RESULT: Actions[Result] = Actions(
    prefix="results/<int:pk>/",
    load=_visible_result,
    back=lambda result: reverse("scoring:entry", args=[result.batch_id]),
)


@RESULT.post(
    "enter/", form=ScoreForm, success=lambda a, _: f"已录入考生 {a.obj.candidate_ref} 的成绩"
)
def result_enter(a: Act[Result]) -> object:
    return services.result_score_enter(result=a.obj, actor=a.actor, **a.data)


@RESULT.post(
    "state/",
    form=PartStateForm,
    success=lambda a, _: f"已记录考生 {a.obj.candidate_ref} 的科目状态",
)
def result_state(a: Act[Result]) -> object:
    return services.result_part_state_set(result=a.obj, actor=a.actor, **a.data)


@RESULT.post(
    "evaluate/",
    form=EnterpriseForm,
    success=lambda a, _: f"已录入考生 {a.obj.candidate_ref} 的四个维度评价",
)
def result_evaluate(a: Act[Result]) -> object:
    assert isinstance(a.form, EnterpriseForm)
    return services.result_evaluate_enterprise(result=a.obj, scores=a.form.scores(), actor=a.actor)


# --- practical examiners and the review panel ---------------------------------------------


@dataclass(frozen=True)
class StaffDesk:
    """A batch staff member's page: their queue of candidates (ids only) and the form that
    posts one candidate's marks back to it."""

    duty: str
    url: str
    template: str
    refusal: str
    queue: Callable[..., Any]
    form: type[forms.Form]
    call: Callable[[Result, dict[str, Any], User], object]
    noun: str


def _desk(request: HttpRequest, pk: int, desk: StaffDesk) -> HttpResponse:
    batch = _visible_batch(request, pk)
    person = selectors.is_staff(batch=batch, user=request.user, duty=desk.duty)
    if person is None:
        return forbidden_page(request, desk.refusal)
    if request.method != "POST":
        rows = desk.queue(batch=batch, person=person)
        context = {"batch": batch, "rows": rows, "open": batch.status == BatchStatus.ENTERING}
        return render(request, desk.template, context)
    back = reverse(desk.url, args=[batch.pk])
    form = desk.form(request.POST)
    if not form_valid_or_flash(request, form):
        return redirect(back)
    d = form.cleaned_data
    result = get_object_in_scope(Result.objects.filter(batch=batch), pk=d["result"])
    return run_action(
        request,
        lambda: desk.call(result, d, request_actor(request)),
        success=f"已提交考生 {result.candidate_ref} 的{desk.noun}",
        next=back,
    )


PRACTICAL = StaffDesk(
    duty=BatchDuty.PRACTICAL,
    url="scoring:practical",
    template="scoring/practical.html",
    refusal="只有本批次的操作技能考评员可以录入评分表",
    queue=selectors.practical_queue,
    form=PracticalSheetForm,
    call=lambda result, d, user: services.practical_sheet_submit(
        result=result, items=d["items"], actor=user
    ),
    noun="评分表",
)
PANEL = StaffDesk(
    duty=BatchDuty.PANEL,
    url="scoring:panel",
    template="scoring/panel.html",
    refusal="只有本批次的综合评审专家可以评分",
    queue=selectors.panel_queue,
    form=PanelMarkForm,
    call=lambda result, d, user: services.panel_mark_submit(
        result=result, score=d["score"], note=d["note"], actor=user
    ),
    noun="综合评审评分",
)


@login_required
@require_http_methods(["GET", "POST"])
def practical(request: HttpRequest, pk: int) -> HttpResponse:
    """A practical examiner's scoring sheets for the batch (candidate ids only)."""
    return _desk(request, pk, PRACTICAL)


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    """A panel member's marks for the batch's level 2 and 1 candidates (candidate ids only)."""
    return _desk(request, pk, PANEL)


@login_required
@require_http_methods(["GET"])
def work(request: HttpRequest) -> HttpResponse:
    """The batches the user enters results for, marks, examines or reviews in."""
    return render(request, "scoring/work.html", {"rows": selectors.work_of_user(user=request.user)})
