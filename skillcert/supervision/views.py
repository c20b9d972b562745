"""Supervision pages: draws, visits with checklist, findings, evidence and report, corrective
actions, registration holds; complaints for officers; the public complaint form and tracking
page (rate-limited per client IP, no captcha)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import PUBLIC, request_actor
from skillcert.accounts.choices import Role
from skillcert.accounts.scope import get_object_in_scope, scope_for, scope_or_404
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.file_downloads import stored_file_response
from skillcert.common.service_runner import run_service
from skillcert.common.throttle import throttle
from skillcert.organizations.selectors import organization_by_filing_number, organizations_visible
from skillcert.personnel.selectors import people_visible
from skillcert.regions.choices import RegionLevel
from skillcert.regions.selectors import province_prefectures, region_by_code, regions_of_levels
from skillcert.supervision import selectors, services
from skillcert.supervision.models import (
    ComplainantKind,
    Complaint,
    ComplaintStatus,
    CorrectiveAction,
    DrawKind,
    Finding,
    Rating,
    Severity,
    SubjectKind,
    Visit,
)

if TYPE_CHECKING:
    pass


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    q = request.GET.get("q", "").strip()
    visits = selectors.visits_visible(scope=scope).order_by("-id")
    if q:
        visits = visits.filter(org__name__icontains=q) | visits.filter(plan__code__icontains=q)
    if not (scope.is_officer or scope.is_org_staff or scope.has_role(Role.SUPERVISOR)):
        raise Http404
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "督导记录.xlsx",
            ["编号", "类型", "计划", "机构", "督导员", "状态", "评定", "报告时间"],
            (
                [
                    v.pk,
                    v.get_kind_display(),
                    v.plan.code,
                    v.org.name,
                    v.supervisor.name,
                    v.get_status_display(),
                    v.get_rating_display(),
                    timezone.localtime(v.reported_at).strftime("%Y-%m-%d %H:%M")
                    if v.reported_at
                    else "",
                ]
                for v in visits.iterator()
            ),
        )
    return render(
        request,
        "supervision/home.html",
        {
            "page": Paginator(visits, 50).get_page(request.GET.get("page")),
            "q": q,
            "draws": selectors.draws_visible(scope=scope)[:20],
            "actions": selectors.actions_visible(scope=scope).exclude(status="accepted")[:50],
            "holds": selectors.holds_visible(scope=scope).filter(lifted_at__isnull=True),
            "overdue": selectors.actions_overdue(scope=scope).count(),
            "kinds": DrawKind.choices,
            "regions": [
                r
                for r in regions_of_levels(levels=[RegionLevel.PROVINCE, RegionLevel.PREFECTURE])
                if scope.covers_region_code(r.code)
            ]
            if scope.is_officer
            else [],
            "scope": scope,
        },
    )


@login_required
@require_POST
def draw_new(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user)
    region = region_by_code(code=request.POST.get("region", ""))
    if region is None or not scope.covers_region_code(region.code):
        raise Http404
    rate: Decimal | None = None
    raw = request.POST.get("rate", "").strip()
    if raw:
        try:
            rate = Decimal(raw) / 100
        except InvalidOperation:
            messages.error(request, "抽取比例应为百分数，如 20")
            return redirect("supervision:home")
    response = run_service(
        request,
        lambda: services.supervision_draw(
            kind=request.POST.get("kind", ""),
            region=region,
            rate=rate,
            seed=request.POST.get("seed", ""),
            actor=request_actor(request),
        ),
        success="已完成随机抽取并派出督导员",
        next=lambda draw: reverse("supervision:draw_detail", args=[draw.pk]),
        back=reverse("supervision:home"),
    )
    assert response is not None  # no form: a refused input is flashed and redirected
    return response


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    draw = get_object_in_scope(selectors.draws_visible(scope=scope), pk=pk)
    picked, assigned = services.draw_replay(draw=draw)
    replay_ok = (
        picked == [int(x) for x in draw.picked]
        and {str(k): v for k, v in assigned.items()} == draw.assignments
    )
    return render(
        request,
        "supervision/draw_detail.html",
        {
            "draw": draw,
            "visits": draw.visits.select_related("plan", "org", "supervisor"),
            "replay_ok": replay_ok,
            "exclusions": [
                (plan, person, why)
                for plan, people in sorted(draw.exclusions.items())
                for person, why in sorted(people.items())
            ],
        },
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    visit = get_object_in_scope(selectors.visits_visible(scope=scope), pk=pk)
    findings = visit.findings.prefetch_related("evidence", "holds").select_related("action")
    is_supervisor = visit.supervisor.user_id == request.user.pk
    return render(
        request,
        "supervision/visit_detail.html",
        {
            "visit": visit,
            "findings": findings,
            "is_supervisor": is_supervisor,
            "is_officer": scope.is_officer,
            "is_staff": visit.org_id in scope.organization_ids,
            "severities": Severity.choices,
            "ratings": Rating.choices,
            "results": [("yes", "符合"), ("no", "不符合"), ("na", "不适用")],
        },
    )


def _visit(request: HttpRequest, pk: int) -> Visit:
    return get_object_in_scope(selectors.visits_visible(scope=scope_for(request.user)), pk=pk)


# A visit's buttons: each comes back to the visit page, success or refused input alike.
VISIT: Actions[Visit] = Actions(
    prefix="visits/<int:pk>/",
    load=_visit,
    back=lambda visit: reverse("supervision:visit_detail", args=[visit.pk]),
)


@VISIT.post("checklist/", success="检查表已保存")
def visit_checklist(a: Act[Visit]) -> object:
    answers = {
        item["code"]: (a.posted(f"result_{item['code']}"), a.posted(f"note_{item['code']}"))
        for item in a.obj.checklist
        if a.posted(f"result_{item['code']}")
    }
    return services.visit_checklist_save(visit=a.obj, answers=answers, actor=a.actor)


@VISIT.post("finding/", success="问题已记录")
def visit_finding(a: Act[Visit]) -> object:
    return services.finding_record(
        visit=a.obj,
        severity=a.posted("severity"),
        description=a.posted("description"),
        checklist_code=a.posted("checklist_code"),
        actor=a.actor,
    )


def _finding(a: Act[Visit]) -> Finding:
    return get_object_in_scope(a.obj.findings.all(), pk=a.posted("finding") or 0)


@VISIT.post("evidence/", success="证据已上传")
def visit_evidence(a: Act[Visit]) -> object:
    finding = _finding(a)
    upload = a.request.FILES.get("file")
    if upload is None:
        raise DomainError("supervision.evidence_file_required", "请选择要上传的文件", field="file")
    return services.evidence_add(finding=finding, upload=upload, actor=a.actor)


@VISIT.post("report/", success="督导报告已提交")
def visit_report(a: Act[Visit]) -> object:
    rating, report = a.posted("rating"), a.posted("report")
    return services.visit_report_submit(visit=a.obj, rating=rating, report=report, actor=a.actor)


@VISIT.post("escalate/", success="已记入机构诚信档案")
def finding_escalate(a: Act[Visit]) -> object:
    finding = _finding(a)
    return services.finding_escalate(
        finding=finding, document_no=a.posted("document_no"), hold=a.posted("hold"), actor=a.actor
    )


def _visit_action_row(a: Act[Visit]) -> CorrectiveAction:
    return get_object_in_scope(
        selectors.actions_visible(scope=scope_for(a.request.user)).filter(finding__visit=a.obj),
        pk=a.posted("action") or 0,
    )


@VISIT.post("respond/", success="整改情况已报送", name="action_respond")
def corrective_action_respond(a: Act[Visit]) -> object:
    row, response = _visit_action_row(a), a.posted("response")
    return services.corrective_action_respond(action=row, response=response, actor=a.actor)


@VISIT.post("review/", success="整改审核已记录", name="action_review")
def corrective_action_review(a: Act[Visit]) -> object:
    row, accept = _visit_action_row(a), a.posted("accept") == "1"
    note = a.posted("note")
    return services.corrective_action_review(action=row, accept=accept, note=note, actor=a.actor)


@VISIT.post("lift/", success="已恢复成绩登记", name="hold_lift")
def registration_hold_lift(a: Act[Visit]) -> object:
    hold = get_object_in_scope(
        selectors.holds_visible(scope=scope_for(a.request.user)).filter(finding__visit=a.obj),
        pk=a.posted("hold") or 0,
    )
    return services.registration_hold_lift(hold=hold, reason=a.posted("reason"), actor=a.actor)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A finding's photo or document, for whoever may see the visit. Always an attachment with
    the type detected on upload and a sandboxing CSP, so it can never run in the platform's
    origin."""
    evidence = get_object_in_scope(selectors.evidence_visible(scope=scope_for(request.user)), pk=pk)
    return stored_file_response(evidence)


# --- complaints: officers ----------------------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    q, status = request.GET.get("q", ""), request.GET.get("status", "")
    rows = selectors.complaints_visible(scope=scope, q=q, status=status).order_by("-id")
    if not (scope.is_officer or rows.exists()):
        raise Http404
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "投诉举报.xlsx",
            ["受理编号", "收到日期", "投诉对象", "地区", "状态", "承办人", "办理期限", "情况属实"],
            (
                [
                    c.number,
                    c.received_on.isoformat(),
                    c.subject_name,
                    c.region.name,
                    c.get_status_display(),
                    str(c.assignee or ""),
                    c.due_on.isoformat() if c.due_on else "",
                    {True: "是", False: "否", None: ""}[c.upheld],
                ]
                for c in rows.iterator()
            ),
        )
    return render(
        request,
        "supervision/complaint_list.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "q": q,
            "status": status,
            "statuses": ComplaintStatus.choices,
            "overdue": selectors.complaints_overdue(scope=scope).count(),
        },
    )


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    complaint = get_object_in_scope(selectors.complaints_visible(scope=scope), pk=pk)
    return render(
        request,
        "supervision/complaint_detail.html",
        {
            "complaint": complaint,
            "events": complaint.events.select_related("actor"),
            "officers": selectors.complaint_assignees(complaint=complaint),
            "is_officer": scope.is_officer,
            "phone": complaint.contact_phone if scope.is_officer else "",
        },
    )


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    scope = scope_for(request.user)
    return get_object_in_scope(selectors.complaints_visible(scope=scope), pk=pk)


# A complaint's buttons: each comes back to the complaint page either way.
COMPLAINT: Actions[Complaint] = Actions(
    prefix="complaints/<int:pk>/",
    load=_complaint,
    back=lambda complaint: reverse("supervision:complaint_detail", args=[complaint.pk]),
)


@COMPLAINT.post("triage/", success="已分办")
def complaint_triage(a: Act[Complaint]) -> object:
    """Only officers over the complaint's region can be named, and only organisations and
    people the officer may see can be linked."""
    scope = scope_for(a.request.user)
    assignee_pk = a.posted("assignee")
    assignee = next(
        (u for u in selectors.complaint_assignees(complaint=a.obj) if str(u.pk) == assignee_pk),
        None,
    )
    filing_number = a.posted("org").strip()
    org = (
        organizations_visible(scope=scope).filter(filing_number=filing_number).first()
        if filing_number
        else None
    )
    person_pk = a.posted("person")
    person = (
        people_visible(scope=scope).filter(pk=int(person_pk)).first()
        if person_pk.isdigit()
        else None
    )
    if assignee is None:
        raise DomainError("complaint.assignee_required", "请选择承办人", field="assignee")
    return services.complaint_triage(
        complaint=a.obj,
        assignee=assignee,
        org=org,
        person=person,
        note=a.posted("note"),
        actor=a.actor,
    )


@COMPLAINT.post("reject/", success="已不予受理并答复")
def complaint_reject(a: Act[Complaint]) -> object:
    return services.complaint_reject(complaint=a.obj, reason=a.posted("reason"), actor=a.actor)


@COMPLAINT.post("conclude/", success="已办结并答复投诉人")
def complaint_conclude(a: Act[Complaint]) -> object:
    return services.complaint_conclude(
        complaint=a.obj,
        outcome=a.posted("outcome"),
        upheld=a.posted("upheld") == "1",
        feedback=a.posted("feedback"),
        document_no=a.posted("document_no"),
        actor=a.actor,
    )


# --- complaints: public ------------------------------------------------------------------------


def complaint_public(request: HttpRequest) -> HttpResponse:
    """The public form. Only submissions count against the rate limit; reading the form
    does not."""
    if request.method == "POST":
        return _complaint_post(request)
    return render(request, "supervision/complaint_public.html", _public_context(request))


def _public_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "complainant_kinds": ComplainantKind.choices,
        "subject_kinds": SubjectKind.choices,
        "cities": province_prefectures(province_code=settings.SKILLCERT_PROVINCE).order_by("code"),
        "form": request.POST,
    }


@throttle(group="complaint_form", rate="10/h")
def _complaint_post(request: HttpRequest) -> HttpResponse:
    context = _public_context(request)
    post = request.POST
    org = None
    filing_number = post.get("filing_number", "").strip().upper()
    if filing_number:
        org = organization_by_filing_number(filing_number)
        if org is None:
            context["error"] = "备案编号不存在，请核对或留空"
            return render(request, "supervision/complaint_public.html", context, status=400)
    try:
        complaint, code = services.complaint_submit(
            complainant_kind=post.get("complainant_kind", ""),
            complainant_name=post.get("complainant_name", ""),
            contact_phone=post.get("contact_phone", ""),
            subject_kind=post.get("subject_kind", ""),
            subject_name=post.get("subject_name", ""),
            region_code=post.get("region", ""),
            content=post.get("content", ""),
            org=org,
            actor=request_actor(request) if request.user.is_authenticated else PUBLIC,
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "supervision/complaint_public.html", context, status=400)
    return render(
        request, "supervision/complaint_received.html", {"complaint": complaint, "code": code}
    )


@throttle(group="complaint_track", rate="30/h")
def complaint_track(request: HttpRequest) -> HttpResponse:
    complaint = None
    asked = bool(request.GET.get("number"))
    if asked:
        complaint = services.complaint_track(
            number=request.GET.get("number", ""), code=request.GET.get("code", "")
        )
    return render(
        request,
        "supervision/complaint_track.html",
        {"complaint": complaint, "asked": asked, "number": request.GET.get("number", "")},
        status=404 if asked and complaint is None else 200,
    )
