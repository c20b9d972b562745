"""Supervision pages: draws, visits with checklist, findings, evidence and report, corrective
actions, registration holds; complaints for officers; the public complaint form and tracking
page (rate-limited per client IP, no captcha)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillcert.accounts.models import OFFICER_ROLES, Role, RoleAssignment, User
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.throttle import throttle
from skillcert.organizations.models import EvaluationOrg
from skillcert.personnel.models import Person
from skillcert.regions.models import Region, RegionLevel
from skillcert.supervision import selectors, services
from skillcert.supervision.models import (
    ComplainantKind,
    ComplaintStatus,
    DrawKind,
    Rating,
    Severity,
    SubjectKind,
)


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Call a service; report its DomainError as a message instead of a 500."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


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
                    v.reported_at.strftime("%Y-%m-%d %H:%M") if v.reported_at else "",
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
            "regions": Region.objects.filter(
                scope.code_prefix_q("code"),
                level__in=[RegionLevel.PROVINCE, RegionLevel.PREFECTURE],
            ).order_by("code")
            if scope.is_officer
            else [],
            "scope": scope,
        },
    )


@login_required
@require_POST
def draw_new(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_officer:
        raise Http404
    region = get_object_in_scope(
        Region.objects.filter(scope.code_prefix_q("code")), code=request.POST.get("region", "")
    )
    rate: Decimal | None = None
    raw = request.POST.get("rate", "").strip()
    if raw:
        try:
            rate = Decimal(raw) / 100
        except InvalidOperation:
            messages.error(request, "抽取比例应为百分数，如 20")
            return redirect("supervision:home")
    holder: dict[str, Any] = {}

    def act() -> None:
        holder["draw"] = services.supervision_draw(
            kind=request.POST.get("kind", ""),
            region=region,
            rate=rate,
            seed=request.POST.get("seed", ""),
            actor=request.user,
        )

    if _run(request, act, "已完成随机抽取并派出督导员"):
        return redirect("supervision:draw_detail", holder["draw"].pk)
    return redirect("supervision:home")


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


@login_required
@require_POST
def visit_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = scope_for(request.user)
    visit = get_object_in_scope(selectors.visits_visible(scope=scope), pk=pk)
    post, user = request.POST, request.user
    back = redirect("supervision:visit_detail", visit.pk)
    if action == "checklist":
        answers = {
            item["code"]: (
                post.get(f"result_{item['code']}", ""),
                post.get(f"note_{item['code']}", ""),
            )
            for item in visit.checklist
            if post.get(f"result_{item['code']}")
        }
        _run(
            request,
            lambda: services.visit_checklist_save(visit=visit, answers=answers, actor=user),
            "检查表已保存",
        )
    elif action == "finding":
        _run(
            request,
            lambda: services.finding_record(
                visit=visit,
                severity=post.get("severity", ""),
                description=post.get("description", ""),
                checklist_code=post.get("checklist_code", ""),
                actor=user,
            ),
            "问题已记录",
        )
    elif action == "evidence":
        finding = get_object_in_scope(visit.findings.all(), pk=post.get("finding") or 0)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的文件")
        else:
            _run(
                request,
                lambda: services.evidence_add(finding=finding, upload=upload, actor=user),
                "证据已上传",
            )
    elif action == "report":
        _run(
            request,
            lambda: services.visit_report_submit(
                visit=visit,
                rating=post.get("rating", ""),
                report=post.get("report", ""),
                actor=user,
            ),
            "督导报告已提交",
        )
    elif action == "escalate":
        finding = get_object_in_scope(visit.findings.all(), pk=post.get("finding") or 0)
        _run(
            request,
            lambda: services.finding_escalate(
                finding=finding,
                document_no=post.get("document_no", ""),
                hold=post.get("hold", ""),
                actor=user,
            ),
            "已记入机构诚信档案",
        )
    elif action == "respond":
        action_row = get_object_in_scope(
            selectors.actions_visible(scope=scope).filter(finding__visit=visit),
            pk=post.get("action") or 0,
        )
        _run(
            request,
            lambda: services.corrective_action_respond(
                action=action_row, response=post.get("response", ""), actor=user
            ),
            "整改情况已报送",
        )
    elif action == "review":
        action_row = get_object_in_scope(
            selectors.actions_visible(scope=scope).filter(finding__visit=visit),
            pk=post.get("action") or 0,
        )
        _run(
            request,
            lambda: services.corrective_action_review(
                action=action_row,
                accept=post.get("accept") == "1",
                note=post.get("note", ""),
                actor=user,
            ),
            "整改审核已记录",
        )
    elif action == "lift":
        hold = get_object_in_scope(
            selectors.holds_visible(scope=scope).filter(finding__visit=visit),
            pk=post.get("hold") or 0,
        )
        _run(
            request,
            lambda: services.registration_hold_lift(
                hold=hold, reason=post.get("reason", ""), actor=user
            ),
            "已恢复成绩登记",
        )
    else:
        raise Http404
    return back


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A finding's photo or document, for whoever may see the visit. Always an attachment with
    the type detected on upload and a sandboxing CSP, so it can never run in the platform's
    origin."""
    evidence = get_object_in_scope(selectors.evidence_visible(scope=scope_for(request.user)), pk=pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


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
    assignments = RoleAssignment.objects.filter(
        active=True, role__in=sorted(OFFICER_ROLES), region__isnull=False
    ).select_related("user", "region")
    officers = sorted(
        {
            a.user
            for a in assignments
            if a.region and complaint.region_id.startswith(a.region.prefix)
        },
        key=lambda u: u.pk,
    )
    return render(
        request,
        "supervision/complaint_detail.html",
        {
            "complaint": complaint,
            "events": complaint.events.select_related("actor"),
            "officers": officers,
            "is_officer": scope.is_officer,
            "phone": complaint.contact_phone if scope.is_officer else "",
        },
    )


@login_required
@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = scope_for(request.user)
    complaint = get_object_in_scope(selectors.complaints_visible(scope=scope), pk=pk)
    post, user = request.POST, request.user
    if action == "triage":
        assignee = User.objects.filter(pk=post.get("assignee") or 0).first()
        org = EvaluationOrg.objects.filter(filing_number=post.get("org", "").strip()).first()
        person = Person.objects.filter(pk=post.get("person") or 0).first()
        if assignee is None:
            messages.error(request, "请选择承办人")
        else:
            _run(
                request,
                lambda: services.complaint_triage(
                    complaint=complaint,
                    assignee=assignee,
                    org=org,
                    person=person,
                    note=post.get("note", ""),
                    actor=user,
                ),
                "已分办",
            )
    elif action == "reject":
        _run(
            request,
            lambda: services.complaint_reject(
                complaint=complaint, reason=post.get("reason", ""), actor=user
            ),
            "已不予受理并答复",
        )
    elif action == "conclude":
        _run(
            request,
            lambda: services.complaint_conclude(
                complaint=complaint,
                outcome=post.get("outcome", ""),
                upheld=post.get("upheld") == "1",
                feedback=post.get("feedback", ""),
                document_no=post.get("document_no", ""),
                actor=user,
            ),
            "已办结并答复投诉人",
        )
    else:
        raise Http404
    return redirect("supervision:complaint_detail", complaint.pk)


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
        "cities": Region.objects.filter(
            level=RegionLevel.PREFECTURE, active=True, code__startswith=settings.SKILLCERT_PROVINCE
        ).order_by("code"),
        "form": request.POST,
    }


@throttle(group="complaint_form", rate="10/h")
def _complaint_post(request: HttpRequest) -> HttpResponse:
    context = _public_context(request)
    post = request.POST
    org = None
    filing_number = post.get("filing_number", "").strip().upper()
    if filing_number:
        org = EvaluationOrg.objects.filter(filing_number=filing_number).first()
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
            actor=request.user if request.user.is_authenticated else services.PUBLIC_ACTOR,
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
