"""The authority's pages for a social assessment's on-site supervision: appoint the external
quality supervisor (外督) from the pool with recusal shown, accept a reason for a missing
report, and the province's exceptions to the staffing ratios (for a plan or a slot)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import Actor, request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for, scope_or_404
from skillcert.common.service_runner import run_action
from skillcert.exams.selectors import slots_visible
from skillcert.personnel.selectors import people_by_ids
from skillcert.plans.selectors import plans_visible
from skillcert.supervision import selectors, services

if TYPE_CHECKING:
    from skillcert.plans.models import EvaluationPlan


def _plan_for_officer(request: HttpRequest, pk: int) -> EvaluationPlan:
    scope = scope_or_404(request.user)
    return get_object_in_scope(plans_visible(scope=scope).select_related("organization"), pk=pk)


def _back(plan: EvaluationPlan) -> str:
    return reverse("supervision:onsite", args=[plan.pk])


@login_required
def onsite(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_officer(request, pk)
    scope = scope_for(request.user)
    return render(
        request,
        "supervision/onsite.html",
        {
            "plan": plan,
            "visit": selectors.onsite_visit_of(plan=plan),
            "waiver": selectors.report_waiver_of(plan=plan),
            "missing": selectors.onsite_report_missing(plan),
            "override": selectors.ratio_override_for(plan_id=plan.pk),
            "pool": services.onsite_supervisor_pool(plan=plan) if plan.kind == "social" else [],
            "is_province": scope.is_province_officer,
        },
    )


def _run(
    request: HttpRequest, plan: EvaluationPlan, call: Callable[[], object], success: str
) -> HttpResponse:
    return run_action(request, call, success=success, next=_back(plan))


class _PlanReasonRecord(Protocol):
    def __call__(self, *, plan: EvaluationPlan, reason: str, actor: Actor) -> object: ...


def _run_with_reason(
    request: HttpRequest, pk: int, record: _PlanReasonRecord, success: str
) -> HttpResponse:
    """`record(plan=…, reason=…, actor=…)` for the plan, the reason from the posted form."""
    plan = _plan_for_officer(request, pk)
    return _run(
        request,
        plan,
        lambda: record(
            plan=plan, reason=request.POST.get("reason", ""), actor=request_actor(request)
        ),
        success,
    )


@login_required
@require_POST
def onsite_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_officer(request, pk)
    raw = request.POST.get("person", "")
    person = people_by_ids(ids=[int(raw)]).get(int(raw)) if raw.isdigit() else None
    if person is None:
        raise Http404
    return _run(
        request,
        plan,
        lambda: services.onsite_supervisor_appoint(
            plan=plan, person=person, actor=request_actor(request)
        ),
        f"已派遣{person.name}担任现场质量督导员",
    )


@login_required
@require_POST
def onsite_waive(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_with_reason(request, pk, services.onsite_report_waive, "已记录督导报告缺失的原因")


@login_required
@require_POST
def plan_ratio_override(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_with_reason(request, pk, services.ratio_override_record, "已记录考务人员配比例外")


@login_required
@require_POST
def slot_ratio_override(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    slot = get_object_in_scope(slots_visible(scope=scope), pk=pk)
    return run_action(
        request,
        lambda: services.ratio_override_record(
            slot=slot, reason=request.POST.get("reason", ""), actor=request_actor(request)
        ),
        success="已记录本场次的考务人员配比例外",
        next=reverse("supervision:home"),
    )
