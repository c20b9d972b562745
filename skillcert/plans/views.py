"""Plan pages: the list, creating a plan, the plan page where the organisation sets the
method, sessions and staff and files it (报备), and the authority's review of a filing. Plans
outside the user's scope are 404; edits are for the plan's organisation, reviews for the
officers over its region. Thin: every write is a service call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for, scope_or_404
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.service_runner import run_service
from skillcert.occupations.selectors import (
    occupation_by_id,
    occupation_choices,
    occupations_by_ids,
)
from skillcert.organizations.selectors import organizations_own
from skillcert.personnel.selectors import people_by_ids
from skillcert.plans import services
from skillcert.plans.forms import (
    PlanCreateForm,
    PlanDetailsForm,
    ReviewForm,
    SamplingForm,
    SessionForm,
    StaffForm,
    offering_key,
    parse_offering_key,
)
from skillcert.plans.models import EvaluationPlan, FilingStatus, PlanKind, PlanMethod, Subject
from skillcert.plans.selectors import (
    LEVELS,
    offering_label,
    org_offering_choices,
    plan_examiner_choices,
    plan_examiner_people,
    plan_filings,
    plan_history,
    plan_offerings,
    plan_reviewable_by,
    plan_sessions,
    plan_supervisor_choices,
    plans_visible,
)
from skillcert.workdays.selectors import workdays_add


def _plan(request: HttpRequest, pk: int) -> tuple[Scope, EvaluationPlan]:
    scope = scope_or_404(request.user, org_staff=True)
    return scope, get_object_in_scope(plans_visible(scope=scope), pk=pk)


def _editable_plan(request: HttpRequest, pk: int) -> EvaluationPlan:
    """The plan, for its own organisation's staff only (everyone else: 404)."""
    scope, plan = _plan(request, pk)
    if not (scope.is_platform or plan.organization_id in scope.organization_ids):
        raise Http404
    return plan


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    plans = plans_visible(scope=scope).order_by("-window_opens", "code")[:200]
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "may_create": bool(scope.organization_ids)},
    )


@login_required
def plan_create_view(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.organization_ids:
        raise Http404
    organizations = organizations_own(scope=scope)
    form = PlanCreateForm(
        request.POST or None,
        organizations=[(o.pk, o.name) for o in organizations],
        offerings=org_offering_choices(organization_ids=scope.organization_ids),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        keys = [parse_offering_key(k) for k in data["offerings"]]
        occupations = occupations_by_ids(ids=[occupation_id for occupation_id, _ in keys])
        done = run_service(
            request,
            lambda: services.plan_create(
                code=data["code"],
                title=data["title"],
                organization=organizations.get(pk=data["organization"]),
                window_opens=data["window_opens"],
                window_closes=data["window_closes"],
                capacity=data["capacity"],
                offerings=[(occupations[o], level) for o, level in keys],
                actor=request_actor(request),
            ),
            form=form,
            success=lambda plan: f"评价计划 {plan.code} 已创建，请填写考核场次和考评人员后报备",
            next=_detail_url,
        )
        if done:
            return done
    return render(request, "plans/plan_create.html", {"form": form})


def _detail_url(plan: EvaluationPlan) -> str:
    return reverse("plans:detail", args=[plan.pk])


def _offering_choices(plan: EvaluationPlan) -> list[tuple[str, str]]:
    return [
        (
            offering_key(o.occupation_id, o.level),
            offering_label(occupation_name=o.occupation.name, level=o.level),
        )
        for o in plan_offerings(plan=plan)
    ]


def _detail(
    request: HttpRequest,
    plan: EvaluationPlan,
    *,
    details_form: PlanDetailsForm | None = None,
    session_form: SessionForm | None = None,
    staff_form: StaffForm | None = None,
    sampling_form: SamplingForm | None = None,
    filing_error: DomainError | None = None,
) -> HttpResponse:
    scope = scope_for(request.user)
    plan.refresh_from_db()
    editable = scope.is_platform or plan.organization_id in scope.organization_ids
    examiners = plan_examiner_people(plan=plan)
    try:
        earliest_exam = workdays_add(timezone.localdate(), services.FILING_LEAD_WORKDAYS)
    except DomainError:
        earliest_exam = None  # the calendar lacks next year's holidays; the filing says so
    context: dict[str, Any] = {
        "plan": plan,
        "offerings": plan_offerings(plan=plan),
        "sessions": plan_sessions(plan=plan),
        "examiners": examiners,
        "filings": plan_filings(plan=plan),
        "history": plan_history(plan=plan),
        "editable": editable,
        "under_review": plan.filing_status == FilingStatus.FILED,
        "may_file": editable
        and plan.filing_status
        in (FilingStatus.UNFILED, FilingStatus.RETURNED, FilingStatus.AMENDED),
        "may_review": plan_reviewable_by(scope=scope, plan=plan)
        and plan.filing_status == FilingStatus.FILED,
        "lead_workdays": services.FILING_LEAD_WORKDAYS,
        "earliest_exam": earliest_exam,
        "filing_error": filing_error,
        "sitting_link": getattr(plan, "sitting_link", None),
    }
    if scope.is_province_officer:
        context["sampling_form"] = sampling_form or SamplingForm(
            prefix="sampling",
            initial={
                "city_rate": plan.city_sample_rate * 100,
                "province_rate": plan.province_sample_rate * 100,
            },
        )
    if editable:
        context["details_form"] = details_form or PlanDetailsForm(
            prefix="details", initial={"kind": plan.kind, "method": plan.method}
        )
        context["session_form"] = session_form or SessionForm(
            prefix="session", offerings=_offering_choices(plan)
        )
        context["staff_form"] = staff_form or StaffForm(
            prefix="staff",
            examiners=plan_examiner_choices(plan=plan),
            supervisors=plan_supervisor_choices(plan=plan),
            initial={"examiners": list(examiners), "supervisor": plan.supervisor_id},
        )
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, plan = _plan(request, pk)
    return _detail(request, plan)


# The plan page's forms: each comes back to the page, a refused form is shown on it again.
# Edits are for the plan's own organisation; the sampling rates for the province.
PLAN_EDIT: Actions[EvaluationPlan] = Actions(
    prefix="<int:pk>/", load=_editable_plan, back=_detail_url, page=_detail
)
PLAN: Actions[EvaluationPlan] = Actions(
    prefix="<int:pk>/",
    load=lambda request, pk: _plan(request, pk)[1],
    back=_detail_url,
    page=_detail,
)


@PLAN_EDIT.post(
    "details/",
    form=PlanDetailsForm,
    prefix="details",
    success="评价类型和评价方式已保存",
    name="details",
)
def plan_details(a: Act[EvaluationPlan]) -> object:
    return services.plan_details_set(plan=a.obj, actor=a.actor, **a.data)


@PLAN.post(
    "sampling/",
    form=SamplingForm,
    prefix="sampling",
    success=lambda a, _: (
        f"抽样比例已设置：复审 {a.data['city_rate']}%，终审 {a.data['province_rate']}%"
    ),
    name="sampling",
)
def plan_sampling(a: Act[EvaluationPlan]) -> object:
    """The province sets how much of the plan's applications the city and it review."""
    city, province = a.data["city_rate"], a.data["province_rate"]
    return services.plan_sampling_set(
        plan=a.obj, city_rate=city / 100, province_rate=province / 100, actor=a.actor
    )


@PLAN_EDIT.post(
    "sessions/",
    form=lambda request, plan: SessionForm(
        request.POST, prefix="session", offerings=_offering_choices(plan)
    ),
    success="考核场次已添加",
    name="session_add",
)
def plan_session_add(a: Act[EvaluationPlan]) -> object:
    form, d = a.form, a.data
    assert isinstance(form, SessionForm)
    occupation, level = None, None
    if d["offering"]:
        occupation_id, level = parse_offering_key(d["offering"])
        occupation = occupation_by_id(pk=occupation_id)
    return services.plan_session_add(
        plan=a.obj,
        subject=d["subject"],
        starts_at=form.starts_at(),
        ends_at=form.ends_at(),
        site=d["site"],
        expected=d["expected"],
        occupation=occupation,
        level=level,
        actor=a.actor,
    )


@PLAN_EDIT.post(
    "sessions/<int:session_pk>/remove/", success="考核场次已删除", name="session_remove"
)
def plan_session_remove(a: Act[EvaluationPlan]) -> None:
    session = get_object_in_scope(a.obj.sessions.select_related("plan"), pk=a.kwargs["session_pk"])
    services.plan_session_remove(session=session, actor=a.actor)


@PLAN_EDIT.post(
    "staff/",
    form=lambda request, plan: StaffForm(
        request.POST,
        prefix="staff",
        examiners=plan_examiner_choices(plan=plan),
        supervisors=plan_supervisor_choices(plan=plan),
    ),
    success="考评人员和质量督导员已保存",
    name="staff",
)
def plan_staff(a: Act[EvaluationPlan]) -> object:
    examiners, supervisor = list(a.data["examiners"]), a.data["supervisor"]
    return services.plan_staff_set(
        plan=a.obj, examiners=examiners, supervisor=supervisor, actor=a.actor
    )


@login_required
@require_POST
def plan_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    try:
        filing = services.plan_file(plan=plan, actor=request_actor(request))
    except DomainError as exc:
        return _detail(request, plan, filing_error=exc)
    word = "重新报备" if filing.revision > 1 else "报备"
    messages.success(request, f"评价计划已{word}（第{filing.revision}次），等待人社部门审核")
    return redirect("plans:detail", pk=plan.pk)


def _status_moved(_a: Act[EvaluationPlan], moved: EvaluationPlan) -> str:
    return f"评价计划状态：{moved.get_status_display()}"


@PLAN_EDIT.post("open/", success=_status_moved, name="open")
def plan_open(a: Act[EvaluationPlan]) -> object:
    return services.plan_open(plan=a.obj, actor=a.actor)


@PLAN_EDIT.post("close/", success=_status_moved, name="close")
def plan_close(a: Act[EvaluationPlan]) -> object:
    return services.plan_close(plan=a.obj, actor=a.actor)


@login_required
def plan_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The authority reads what was filed (the snapshot, roster IDs masked) and approves it
    or returns it with the changes it needs."""
    scope, plan = _plan(request, pk)
    if not plan_reviewable_by(scope=scope, plan=plan):
        raise Http404
    filing = plan_filings(plan=plan).first()
    if filing is None:
        raise Http404("该评价计划尚未报备")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        done = run_service(
            request,
            lambda: services.plan_review(
                plan=plan,
                approve=approve,
                reason=form.cleaned_data["reason"],
                actor=request_actor(request),
            ),
            form=form,
            success="已审核通过" if approve else "已退回修改",
            next=_detail_url(plan),
        )
        if done:
            return done
    return render(
        request,
        "plans/plan_review.html",
        {
            "plan": plan,
            "filing": filing,
            "form": form,
            "pending": plan.filing_status == FilingStatus.FILED,
            **_filed_content(filing.snapshot),
        },
    )


def _filed_content(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What a filing's snapshot says, in words for the reviewer (the roster's ID numbers
    were masked when it was filed)."""
    occupations = dict(occupation_choices())

    def offering(code: str, level: int | None) -> str:
        if not code and level is None:
            return "全部职业等级"
        return f"{occupations.get(code, code)} {LEVELS.get(level, '') if level else ''}".strip()

    sessions = [
        {
            "subject": Subject(s["subject"]).label,
            "offering": offering(s.get("occupation", ""), s.get("level")),
            "starts_at": dt.datetime.fromisoformat(s["starts_at"]),
            "ends_at": dt.datetime.fromisoformat(s["ends_at"]),
            "site": s["site"],
            "expected": s["expected"],
        }
        for s in snapshot.get("sessions", [])
    ]
    roster = None
    if "roster" in snapshot:
        roster = [
            r
            | {
                "level_label": LEVELS.get(r["level"], ""),
                "occupation_name": occupations.get(r["occupation"], r["occupation"]),
            }
            for r in snapshot["roster"]
        ]
    examiner_ids = list(snapshot.get("examiners", []))
    supervisor_id = snapshot.get("supervisor")
    people = people_by_ids(ids=[*examiner_ids, *([supervisor_id] if supervisor_id else [])])
    return {
        "kind": PlanKind(snapshot["kind"]).label,
        "method": PlanMethod(snapshot["method"]).label,
        "sessions": sessions,
        "roster": roster,
        "examiners": [people[p] for p in examiner_ids if p in people],
        "supervisor": people.get(supervisor_id) if supervisor_id else None,
    }
