"""The training plan's batch steps for officers: the month-end exam's score sheet (its
template and its upload, `exam_results_record_bulk`, all or none) and 批量发证
(`cards_issue_bulk`: every registration ready for its card). A refused file or row is shown
on the plan's page beside the form, naming the line and the column; nothing is recorded. The
plan is loaded in the user's scope (404 otherwise); the services refuse a user who may not
act (403)."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.audit.services import audit_record
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.service_runner import run_sheet_upload
from skillcert.personnel import selectors, services
from skillcert.personnel.forms_bulk import (
    TEMPLATE_HEADERS,
    CardsIssueForm,
    ExamSheetForm,
    SheetRegistration,
    exam_sheet_read,
)
from skillcert.personnel.models import TrainingPlan
from skillcert.personnel.views import plan_page


def _plan(request: HttpRequest, pk: int) -> TrainingPlan:
    return get_object_in_scope(selectors.plans_visible(scope=scope_for(request.user)), pk=pk)


def _officers_plan(request: HttpRequest, pk: int) -> TrainingPlan:
    """The score sheet is the officers' (over the registrations' regions); to anyone else the
    plan's sheet does not exist."""
    plan = _plan(request, pk)
    if not scope_for(request.user).is_officer:
        raise Http404
    return plan


def _plan_url(plan: TrainingPlan) -> str:
    return reverse("personnel:plan", args=[plan.pk])


def _registrations(request: HttpRequest, plan: TrainingPlan) -> dict[int, SheetRegistration]:
    scope = scope_for(request.user)
    rows = selectors.registrations_visible(scope=scope, plan=plan).select_related("person")
    return {
        r.pk: SheetRegistration(
            frozenset({r.person.name, selectors.identity_for(scope=scope, person=r.person).name})
        )
        for r in rows
    }


def _on_its_line(error: DomainError, lines: dict[int, int]) -> DomainError:
    """The service names the registration it refuses (“张三（报名 12）：…”); say the line."""
    found = re.search(r"（报名 (\d+)）", error.message)
    line = lines.get(int(found.group(1))) if found else None
    if line is None:
        return error
    return DomainError(error.code, f"第{line}行：{error.message}", field="file")


@login_required
@require_POST
def exam_sheet_upload(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _officers_plan(request, pk)
    form = ExamSheetForm(request.POST, request.FILES, prefix="exam")
    if form.is_valid():
        done = run_sheet_upload(
            request,
            form,
            read=lambda content, filename: exam_sheet_read(
                content, filename=filename, registrations=_registrations(request, plan)
            ),
            apply=lambda sheet: services.exam_results_record_bulk(
                plan=plan, scores=sheet.scores, actor=request_actor(request)
            ),
            on_line=lambda exc, sheet: _on_its_line(exc, sheet.lines),
            success=lambda count: f"已从考核成绩表录入 {count} 人的考核成绩",
            next=_plan_url(plan),
        )
        if done is not None:
            return done
    return plan_page(request, plan, exam_form=form)


@login_required
@require_GET
def exam_sheet_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer's registrations of the plan still without an exam score."""
    plan = _officers_plan(request, pk)
    scope = scope_for(request.user)
    registrations = (
        selectors.registrations_visible(scope=scope, plan=plan)
        .filter(exam_score__isnull=True)
        .select_related("person", "occupation")
        .order_by("pk")
    )
    rows = [
        [
            r.pk,
            selectors.identity_for(scope=scope, person=r.person).name,
            r.employer_name,
            r.occupation.name,
            None,
        ]
        for r in registrations
    ]
    # People's names leave the platform: on the record like every export.
    audit_record(
        actor=request_actor(request),
        action="personnel.export",
        obj=plan,
        changes={"template": [None, "exam_scores"], "count": [None, len(rows)]},
    )
    return xlsx_response(
        f"考核成绩表_{plan.year}年{plan.month}月_{plan.pk}.xlsx", TEMPLATE_HEADERS, rows
    )


# The plan's buttons come back to the plan's page; a refused form is shown on it again.
PLAN: Actions[TrainingPlan] = Actions(
    prefix="plans/<int:pk>/",
    load=_plan,
    back=_plan_url,
    page=lambda request, plan, **forms: plan_page(request, plan, **forms),
)


def _issued(count: int) -> str:
    return f"已批量发放证卡 {count} 张" if count else "本期没有可发证的报名"


@PLAN.post(
    "cards/issue/",
    form=CardsIssueForm,
    prefix="cards",
    success=lambda _a, cards: _issued(len(cards)),
)
def cards_issue_bulk(a: Act[TrainingPlan]) -> object:
    return services.cards_issue_bulk(
        plan=a.obj, collection_opens_on=a.data["collection_opens_on"], actor=a.actor
    )
