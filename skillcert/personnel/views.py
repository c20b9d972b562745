"""Pages for assessment personnel: thin shells over the selectors and services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for, scope_or_404
from skillcert.audit.services import audit_record
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.forms import NamedErrorsForm
from skillcert.common.lists import list_page
from skillcert.common.service_runner import run_action, run_form
from skillcert.occupations.selectors import occupation_by_id, occupations_search
from skillcert.personnel import selectors, services
from skillcert.personnel.choices import PersonStatus
from skillcert.personnel.forms_bulk import CardsIssueForm, ExamSheetForm
from skillcert.personnel.models import (
    Card,
    CardStatus,
    Registration,
    RegistrationEvent,
    RoleKind,
    TrainingPlan,
)
from skillcert.regions.selectors import region_by_code

if TYPE_CHECKING:
    from skillcert.regions.models import Region


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    q = request.GET.get("q", "").strip()[:64]
    role = request.GET.get("role", "")
    role = role if role in RoleKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in PersonStatus.values else ""
    people = selectors.people_visible(scope=scope, q=q, role=role, status=status)
    rows = ((p, selectors.identity_for(scope=scope, person=p)) for p in people)
    if request.GET.get("export") == "xlsx":
        # ID and phone numbers leave the platform here: every export is on the record.
        audit_record(
            actor=request_actor(request),
            action="personnel.export",
            object_type="personnel.person",
            changes={
                "q": [None, q],
                "role": [None, role],
                "status": [None, status],
                "count": [None, people.count()],
            },
        )
        return xlsx_response(
            "考评人员.xlsx",
            ["姓名", "性别", "身份证号码", "工作单位", "联系电话", "状态"],
            (
                (
                    s.name,
                    p.get_gender_display(),
                    s.id_number,
                    p.employer_name,
                    s.phone,
                    p.get_status_display(),
                )
                for p, s in rows
            ),
        )
    return list_page(
        request,
        "personnel/person_list.html",
        list(rows),
        {
            "q": q,
            "role": role,
            "status": status,
            "roles": RoleKind.choices,
            "statuses": PersonStatus.choices,
            "query": urlencode({"q": q, "role": role, "status": status}),
        },
    )


class PlanForm(NamedErrorsForm):
    year = forms.IntegerField(label="年份", min_value=2004, max_value=2100)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)
    role = forms.ChoiceField(
        label="培训对象",
        choices=[(RoleKind.EXAMINER, "考评员"), (RoleKind.SENIOR_EXAMINER, "高级考评员")],
    )
    required_minutes = forms.IntegerField(label="要求学习时长（分钟）", min_value=1, max_value=6000)
    venue = forms.CharField(label="考核地点", max_length=200, required=False)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form = PlanForm(request.POST or None, prefix="plan")
    if request.method == "POST":
        if not scope.is_province_officer:
            raise Http404
        done = run_form(
            request,
            form,
            lambda d: services.training_plan_publish(
                province=_officer_province(scope), **d, actor=request_actor(request)
            ),
            success=lambda plan: f"已发布：{plan.title}，报名截止 {plan.registration_closes_on}",
            next=lambda plan: reverse("personnel:plan", args=[plan.pk]),
        )
        if done is not None:
            return done
    return list_page(
        request,
        "personnel/plan_list.html",
        selectors.plans_visible(scope=scope),
        {
            "form": form,
            "can_publish": scope.is_province_officer,
            "user_is_staff": scope.is_officer or scope.is_org_staff,
            "me": selectors.person_of(request.user),
        },
    )


def _officer_province(scope: Any) -> Region:
    prefixes = sorted(p for p in scope.region_prefixes if len(p) == 2)
    if not prefixes:
        raise Http404
    province = region_by_code(code=f"{prefixes[0]}0000")
    if province is None:  # the officer's province is missing from the divisions: a setup fault
        raise ObjectDoesNotExist(f"行政区划 {prefixes[0]}0000 不存在")
    return province


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    plan = get_object_in_scope(selectors.plans_visible(scope=scope), pk=pk)
    return plan_page(request, plan)


def plan_page(
    request: HttpRequest,
    plan: TrainingPlan,
    *,
    exam_form: ExamSheetForm | None = None,
    cards_form: CardsIssueForm | None = None,
) -> HttpResponse:
    """The plan's page; its batch forms (views_bulk) show it again with a refused form."""
    scope = scope_for(request.user)
    registrations = selectors.registrations_visible(scope=scope, plan=plan)
    rows = [(r, selectors.identity_for(scope=scope, person=r.person)) for r in registrations]
    me = selectors.person_of(request.user)
    may_issue = scope.is_province_officer and (
        scope.is_platform or scope.covers_region_code(plan.province_id)
    )
    return render(
        request,
        "personnel/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "me": me,
            "occupations": occupations_search(),
            "is_staff": scope.is_officer or scope.is_org_staff,
            "is_officer": scope.is_officer,
            "exam_form": exam_form or ExamSheetForm(prefix="exam"),
            "may_issue": may_issue,
            "cards_ready": len(selectors.registrations_card_ready(plan=plan)) if may_issue else 0,
            "cards_form": cards_form or CardsIssueForm(prefix="cards"),
        },
    )


@login_required
def plan_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """附件2 汇总表 of the registrations that passed 初审 in the viewer's area."""
    scope = scope_or_404(request.user, org_staff=True)
    plan = get_object_in_scope(selectors.plans_visible(scope=scope), pk=pk)
    rows = list(
        selectors.summary_rows(
            registrations=selectors.summary_registrations(scope=scope, plan=plan), scope=scope
        )
    )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"考评员资格培训（复核）汇总表-{plan.year}年{plan.month}月.xlsx",
            selectors.SUMMARY_HEADERS,
            rows,
        )
    return render(
        request,
        "personnel/plan_summary.html",
        {"plan": plan, "headers": selectors.SUMMARY_HEADERS, "rows": rows},
    )


@login_required
@require_POST
def plan_register(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    plan = get_object_in_scope(selectors.plans_visible(scope=scope), pk=pk)
    person = selectors.person_of(request.user)
    if person is None:
        raise Http404
    try:
        occupation = occupation_by_id(pk=int(request.POST.get("occupation", "0")))
        level_high = int(request.POST.get("level_high", "0"))
        level_low = int(request.POST.get("level_low", "0"))
    except ValueError:
        occupation = None
    if occupation is None:
        messages.error(request, "请选择申报考评职业和等级范围")
        return HttpResponseRedirect(reverse("personnel:plan", args=[plan.pk]))
    renews = None
    renew_id = request.POST.get("renews_card", "")
    if renew_id.isdigit():
        renews = person.cards.filter(pk=int(renew_id), status=CardStatus.COLLECTED).first()
    return run_action(
        request,
        lambda: services.registration_submit(
            plan=plan,
            person=person,
            occupation=occupation,
            level_high=level_high,
            level_low=level_low,
            renews_card=renews,
            actor=request_actor(request),
        ),
        success="报名成功，请完成线上学习并关注审核进度",
        next=lambda registration: reverse("personnel:registration", args=[registration.pk]),
        back=reverse("personnel:plan", args=[plan.pk]),
    )


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    registration = get_object_in_scope(selectors.registrations_visible(scope=scope), pk=pk)
    card = getattr(registration, "card", None)
    return render(
        request,
        "personnel/registration_detail.html",
        {
            "r": registration,
            "shown": selectors.identity_for(scope=scope, person=registration.person),
            "events": registration.events.select_related("actor").all(),
            "card": card,
            "own": registration.person.user_id == request.user.pk,
            "scope": scope,
            "units": selectors.course_units_for_registration(registration=registration),
            "completions": selectors.course_completions(registration=registration),
        },
    )


def _registration(request: HttpRequest, pk: int) -> Registration:
    scope = scope_for(request.user)
    return get_object_in_scope(selectors.registrations_visible(scope=scope), pk=pk)


# Every step on a registration answers on the registration's page.
REGISTRATION: Actions[Registration] = Actions(
    prefix="registrations/<int:pk>/",
    load=_registration,
    back=lambda registration: reverse("personnel:registration", args=[registration.pk]),
)


def _note(a: Act[Registration]) -> str:
    return a.posted("note").strip()[:300]


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise DomainError("input.not_integer", "请输入整数", field="value") from None


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError("input.date_invalid", "日期格式不正确", field=field) from None


@REGISTRATION.post("recommend/", success="已推荐", name="registration_recommend")
def registration_recommend(a: Act[Registration]) -> object:
    return services.registration_recommend(registration=a.obj, actor=a.actor)


# The city's first review and the province's second: approve or reject, with a note.
def _review(
    service: Callable[..., object], *, approve: bool
) -> Callable[[Act[Registration]], object]:
    return lambda a: service(registration=a.obj, approve=approve, note=_note(a), actor=a.actor)


REGISTRATION.post("city-approve/", success="初审已办理", name="registration_city_approve")(
    _review(services.registration_city_review, approve=True)
)
REGISTRATION.post("city-reject/", success="初审已办理", name="registration_city_reject")(
    _review(services.registration_city_review, approve=False)
)
REGISTRATION.post("province-approve/", success="复核已办理", name="registration_province_approve")(
    _review(services.registration_province_review, approve=True)
)
REGISTRATION.post("province-reject/", success="复核已办理", name="registration_province_reject")(
    _review(services.registration_province_review, approve=False)
)


@REGISTRATION.post("withdraw/", success="已撤回")
def registration_withdraw(a: Act[Registration]) -> object:
    return services.registration_withdraw(registration=a.obj, actor=a.actor)


@REGISTRATION.post("learning/", success="课件完成记录已计入", name="registration_learn")
def registration_learn(a: Act[Registration]) -> object:
    """A course unit's completion event; the time credited is the unit's duration."""
    unit_id = a.posted("unit")
    unit = (
        selectors.course_units_for_registration(registration=a.obj).filter(pk=int(unit_id)).first()
        if unit_id.isdigit()
        else None
    )
    if unit is None:
        raise DomainError("personnel.unit_required", "请选择已完成的课件", field="unit")
    completed_on = a.posted("completed_on")
    if not completed_on:
        raise DomainError("input.date_required", "请填写完成日期", field="completed_on")
    return services.course_completion_record(
        registration=a.obj,
        unit=unit,
        completed_on=_date(completed_on, "completed_on"),
        actor=a.actor,
    )


@REGISTRATION.post("exam/", success="成绩已录入")
def registration_exam(a: Act[Registration]) -> object:
    score = _int(a.posted("score"))
    return services.exam_result_record(registration=a.obj, score=score, actor=a.actor)


@REGISTRATION.post("pledge/", success="诚信承诺书已签订")
def registration_pledge(a: Act[Registration]) -> object:
    return services.pledge_sign(registration=a.obj, actor=a.actor)


@REGISTRATION.post(
    "card/issue/",
    success=lambda _a, card: f"已发放证卡 {card.number}，领取截止 {card.collection_deadline}",
)
def registration_card_issue(a: Act[Registration]) -> object:
    opens = a.posted("collection_opens_on")
    return services.card_issue(
        registration=a.obj,
        actor=a.actor,
        collection_opens_on=_date(opens, "collection_opens_on") if opens else None,
    )


@REGISTRATION.post("card/collect/", success="证卡已领取")
def registration_card_collect(a: Act[Registration]) -> object:
    pending: Card | None = getattr(a.obj, "card", None)
    if pending is None:
        raise DomainError("personnel.card_missing", "尚未发证", field="card")
    return services.card_collect(card=pending, actor=a.actor)


@login_required
def my_personnel(request: HttpRequest) -> HttpResponse:
    """The person's own page: registrations with review progress, cards and reminders."""
    person = selectors.person_of(request.user)
    if person is None:
        return render(request, "personnel/me.html", {"person": None})
    return render(
        request,
        "personnel/me.html",
        {
            "person": person,
            # A list per registration, so the template can take the last event of each.
            "registrations": person.registrations.select_related("plan", "occupation")
            .prefetch_related(
                Prefetch(
                    "events", queryset=RegistrationEvent.objects.order_by("id"), to_attr="progress"
                )
            )
            .order_by("-id"),
            "cards": person.cards.select_related("occupation", "reminder").all(),
            "open_plans": selectors.plans_visible(scope=scope_for(request.user)).filter(
                province_id=f"{person.region_id[:2]}0000",
                published_on__lte=timezone.localdate(),
                registration_closes_on__gte=timezone.localdate(),
            ),
        },
    )
