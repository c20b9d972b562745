"""The training's course content and offline sessions: the province officer keeps the course
units of the five topics (seed 003 §三); cities and organisations request an offline session
with a written plan and the province decides (seed 003 §四). Thin shells over the services;
a refused input comes back beside its field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for, scope_or_404
from skillcert.common.errors import DomainError
from skillcert.common.file_downloads import stored_file_response
from skillcert.common.forms import NamedErrorsForm
from skillcert.common.service_runner import run_action, run_form, run_service
from skillcert.organizations.selectors import organizations_visible
from skillcert.personnel import selectors, services
from skillcert.personnel.models import (
    LEARNING_MINUTES_PER_DAY,
    OfflineSessionStatus,
    TrainingTopic,
)
from skillcert.personnel.services.offline import MAX_ATTENDEES
from skillcert.regions.choices import RegionLevel
from skillcert.regions.selectors import region_by_code

if TYPE_CHECKING:
    from skillcert.accounts.scope import Scope
    from skillcert.regions.models import Region


class CourseUnitForm(NamedErrorsForm):
    topic = forms.ChoiceField(label="培训内容", choices=TrainingTopic.choices)
    title = forms.CharField(label="课件名称", max_length=200)
    minutes = forms.IntegerField(
        label="时长（分钟）", min_value=1, max_value=LEARNING_MINUTES_PER_DAY
    )


class CourseUnitEditForm(CourseUnitForm):
    active = forms.BooleanField(label="在用", required=False)


def _province_of(scope: Scope) -> Region:
    """The province the province officer keeps the content of."""
    if not scope.is_province_officer:
        raise PermissionDenied("只有省级人社部门（鉴定中心）可以维护培训课件")
    prefixes = sorted(p for p in scope.region_prefixes if len(p) == 2)
    province = region_by_code(code=f"{prefixes[0]}0000") if prefixes else None
    if province is None:
        raise Http404
    return province


@login_required
def course_units(request: HttpRequest) -> HttpResponse:
    """The province's course units by topic, and a form to add one."""
    scope = scope_for(request.user)
    province = _province_of(scope)
    form = CourseUnitForm(request.POST or None, prefix="unit")
    done = run_form(
        request,
        form,
        lambda d: services.course_unit_create(province=province, **d, actor=request_actor(request)),
        success=lambda unit: f"已添加课件：{unit.title}",
        next=reverse("personnel:course_units"),
    )
    if done is not None:
        return done
    units = list(selectors.course_units_visible(scope=scope).filter(province=province))
    topics = [
        (label, [u for u in units if u.topic == value]) for value, label in TrainingTopic.choices
    ]
    return render(
        request,
        "personnel/course_units.html",
        {"province": province, "topics": topics, "form": form},
    )


@login_required
def course_unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    _province_of(scope)
    unit = get_object_in_scope(selectors.course_units_visible(scope=scope), pk=pk)
    initial = {"topic": unit.topic, "title": unit.title, "minutes": unit.minutes}
    form = CourseUnitEditForm(
        request.POST or None, prefix="unit", initial={**initial, "active": unit.active}
    )
    done = run_form(
        request,
        form,
        lambda d: services.course_unit_update(unit=unit, **d, actor=request_actor(request)),
        success=lambda saved: f"已保存课件：{saved.title}",
        next=reverse("personnel:course_units"),
    )
    if done is not None:
        return done
    return render(request, "personnel/course_unit_edit.html", {"unit": unit, "form": form})


# --- offline sessions --------------------------------------------------------------------------


class OfflineRequestForm(NamedErrorsForm):
    requester = forms.ChoiceField(label="申请单位")
    held_on = forms.DateField(label="培训日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="培训地点", max_length=200)
    expected_attendees = forms.IntegerField(
        label="预计参训人数", min_value=1, max_value=MAX_ATTENDEES
    )
    file = forms.FileField(label="培训方案（PDF 或图片）")


def _requesters(scope: Scope) -> list[tuple[str, str]]:
    """Who the user may ask for: their organisations, or the cities they are officer of
    (a province officer decides requests rather than making them)."""
    choices: list[tuple[str, str]] = []
    if scope.is_org_staff:
        for org in organizations_visible(scope=scope).filter(pk__in=sorted(scope.organization_ids)):
            choices.append((f"org:{org.pk}", org.name))
    if scope.is_officer and not scope.is_province_officer:
        for prefix in sorted(p for p in scope.region_prefixes if len(p) == 4):
            region = region_by_code(code=f"{prefix}00")
            if region is not None and region.level == RegionLevel.PREFECTURE:
                choices.append((f"region:{region.code}", region.name))
    return choices


def _requester(scope: Scope, value: str) -> dict[str, Any]:
    kind, _, key = value.partition(":")
    if kind == "org" and key.isdigit():
        org = organizations_visible(scope=scope).filter(pk=int(key)).first()
        if org is not None:
            return {"organization": org}
    if kind == "region":
        region = region_by_code(code=key)
        if region is not None:
            return {"region": region}
    raise DomainError("personnel.offline_requester_invalid", "请选择申请单位", field="requester")


@login_required
def offline_sessions(request: HttpRequest) -> HttpResponse:
    """The requests the user may see; the province's pending ones first. Cities and
    organisations file a new request here."""
    scope = scope_or_404(request.user, org_staff=True)
    choices = _requesters(scope)
    form = OfflineRequestForm(request.POST or None, request.FILES or None, prefix="offline")
    form.set_choices("requester", choices)
    if request.method == "POST":
        if not choices:
            raise PermissionDenied("只有市（州）人社部门或评价机构可以申请线下培训")
        if form.is_valid():
            d = form.cleaned_data
            done = run_service(
                request,
                lambda: services.offline_session_request(
                    held_on=d["held_on"],
                    place=d["place"],
                    expected_attendees=d["expected_attendees"],
                    upload=d["file"],
                    actor=request_actor(request),
                    **_requester(scope, d["requester"]),
                ),
                success="线下培训申请已提交，等待省级审核",
                next=lambda row: reverse("personnel:offline_session", args=[row.pk]),
                form=form,
            )
            if done is not None:
                return done
    rows = selectors.offline_requests_visible(scope=scope).order_by("status", "-requested_at")
    return render(
        request,
        "personnel/offline_sessions.html",
        {"rows": rows, "form": form, "can_request": bool(choices)},
    )


def _offline(request: HttpRequest, pk: int) -> Any:
    return get_object_in_scope(
        selectors.offline_requests_visible(scope=scope_for(request.user)), pk=pk
    )


@login_required
def offline_session(request: HttpRequest, pk: int) -> HttpResponse:
    row = _offline(request, pk)
    scope = scope_for(request.user)
    return render(
        request,
        "personnel/offline_session.html",
        {
            "row": row,
            "can_decide": scope.is_province_officer
            and scope.covers_region_code(row.province_id)
            and row.status == OfflineSessionStatus.PENDING,
        },
    )


def _decide(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    row = _offline(request, pk)
    back = reverse("personnel:offline_session", args=[row.pk])
    return run_action(
        request,
        lambda: services.offline_session_decide(
            request=row,
            approve=approve,
            reason=request.POST.get("reason", ""),
            actor=request_actor(request),
        ),
        success="已同意该线下培训申请" if approve else "已退回该线下培训申请",
        next=back,
    )


@login_required
@require_POST
def offline_session_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@login_required
@require_POST
def offline_session_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


@login_required
def offline_session_plan(request: HttpRequest, pk: int) -> FileResponse:
    """The attached training plan, for whoever may see the request: an attachment with the
    type detected on upload and a sandboxing CSP."""
    document = getattr(_offline(request, pk), "plan_document", None)
    if document is None:
        raise Http404
    return stored_file_response(document)
