"""Exam-logistics pages: sittings with their districts, sites, rooms and slots; the public
seat draw, staff assignment with shortages, room outputs (roster PDF, door list, seat chart),
ticket jobs with progress and downloads, the candidate's own ticket, the phone check-in page
and postponement. Thin: every write is a service call."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for, scope_or_404
from skillcert.common.errors import DomainError
from skillcert.common.exports import attachment_response, xlsx_response
from skillcert.common.job_pages import job_page
from skillcert.common.service_runner import run_action
from skillcert.exams import examday, rosters, services
from skillcert.exams.models import (
    Attendance,
    AttendanceStatus,
    JobStatus,
    Seat,
    StaffingRun,
    TicketFile,
)
from skillcert.exams.selectors import (
    candidate_photo,
    districts_visible,
    misconduct_of_candidate,
    policy_of_slot,
    rooms_visible,
    sittings_visible,
    slots_visible,
    staff_of,
    ticket_batches,
    ticket_by_token,
    ticket_jobs_visible,
    tickets_of_candidate,
    tickets_queryset,
)
from skillcert.exams.staffing_services import staff_assign
from skillcert.exams.tickets import render_tickets_pdf

T = TypeVar("T")


def _pdf(data: bytes, filename: str) -> HttpResponse:
    return attachment_response(data, filename, "application/pdf")


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise DomainError("exams.number_invalid", f"{field}应为整数", field=field) from None


@login_required
def sitting_list(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    rows = sittings_visible(scope=scope)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(title__icontains=q) | rows.filter(code__icontains=q.upper())
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "统一考试.xlsx",
            ["编号", "名称", "省份", "年度", "考区数"],
            ([s.code, s.title, s.province.name, s.year, s.districts.count()] for s in rows),
        )
    return render(
        request,
        "exams/sitting_list.html",
        {"sittings": rows[:200], "q": q, "may_create": scope.is_province_officer},
    )


@login_required
def sitting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    sitting = get_object_in_scope(sittings_visible(scope=scope), pk=pk)
    districts = list(
        sitting.districts.select_related("city").prefetch_related("sites__rooms", "slots")
    )
    visible = set(districts_visible(scope=scope).values_list("pk", flat=True))
    return render(
        request,
        "exams/sitting_detail.html",
        {
            "sitting": sitting,
            "districts": districts,
            "manageable": visible,
            "plans": sitting.plans.select_related("plan", "plan__organization"),
            "jobs": ticket_jobs_visible(scope=scope).filter(sitting=sitting)[:10],
            "is_province": scope.is_province_officer,
        },
    )


@login_required
@require_POST
def seats_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_in_scope(slots_visible(scope=scope_for(request.user)), pk=pk)
    return run_action(
        request,
        lambda: services.seats_assign(
            slot=slot,
            seed=_int(request.POST.get("seed", "").strip(), "seed"),
            actor=request_actor(request),
        ),
        success=lambda draw: (
            f"已按种子 {draw.seed} 编排 {draw.seated} 人，使用 {draw.rooms_used} 个考场，"
            f"同单位相邻 {draw.adjacent_same_org} 对"
        ),
        next=reverse("exams:sitting", args=[slot.sitting_id]),
    )


def _staffing_told(request: HttpRequest, run: StaffingRun) -> str:
    """A run with shortages is a warning, not a success."""
    if run.shortages:
        messages.warning(request, f"已安排 {run.assigned} 人次，{len(run.shortages)} 处缺员")
        return ""
    return f"已安排 {run.assigned} 人次"


@login_required
def staff_view(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_in_scope(slots_visible(scope=scope_for(request.user)), pk=pk)
    if request.method == "POST":
        return run_action(
            request,
            lambda: staff_assign(
                slot=slot,
                seed=_int(request.POST.get("seed", "").strip(), "seed"),
                actor=request_actor(request),
            ),
            success=lambda run: _staffing_told(request, run),
            next=reverse("exams:staff", args=[slot.pk]),
        )
    staff = staff_of(slot=slot)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "考务人员安排.xlsx",
            ["考点", "考场", "职责", "姓名"],
            (
                [a.site.name, a.room.code if a.room else "", a.get_duty_display(), a.person.name]
                for a in staff
            ),
        )
    return render(
        request,
        "exams/staff.html",
        {"slot": slot, "staff": staff, "run": slot.staffing_runs.order_by("-id").first()},
    )


def _slot_room(request: HttpRequest, pk: int, room_pk: int) -> tuple[Any, Any]:
    scope = scope_for(request.user)
    slot = get_object_in_scope(slots_visible(scope=scope), pk=pk)
    room = get_object_in_scope(rooms_visible(scope=scope), pk=room_pk, site__district=slot.district)
    return slot, room


@login_required
def roster_pdf_view(request: HttpRequest, pk: int, room_pk: int) -> HttpResponse:
    slot, room = _slot_room(request, pk, room_pk)
    if not Seat.objects.filter(slot=slot, room=room).exists():
        raise Http404("该考场本场次没有考生")
    return _pdf(rosters.roster_pdf(slot, room), f"签到表-{room.site.code}-{room.code}.pdf")


@login_required
def door_list_view(request: HttpRequest, pk: int, room_pk: int) -> HttpResponse:
    slot, room = _slot_room(request, pk, room_pk)
    lines = rosters.room_lines(slot, room)
    return render(
        request,
        "exams/door_list.html",
        {"slot": slot, "room": room, "lines": lines, "when": rosters.slot_text(slot)},
    )


@login_required
def seat_chart_view(request: HttpRequest, pk: int, room_pk: int) -> HttpResponse:
    slot, room = _slot_room(request, pk, room_pk)
    lines = rosters.room_lines(slot, room)
    return render(
        request,
        "exams/seat_chart.html",
        {
            "slot": slot,
            "room": room,
            "grid": rosters.seat_grid(room, lines),
            "when": rosters.slot_text(slot),
        },
    )


@login_required
@require_POST
def ticket_job_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    sitting = get_object_in_scope(sittings_visible(scope=scope), pk=pk)
    district = None
    if request.POST.get("district"):
        district = get_object_in_scope(
            districts_visible(scope=scope), pk=request.POST["district"], sitting=sitting
        )
    return run_action(
        request,
        lambda: services.ticket_job_start(
            sitting=sitting,
            district=district,
            actor=request_actor(request),
            base_url=_base_url(request),
        ),
        success="",
        next=lambda job: reverse("exams:job", args=[job.pk]),
        back=reverse("exams:sitting", args=[sitting.pk]),
    )


@login_required
def ticket_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_in_scope(ticket_jobs_visible(scope=scope_for(request.user)), pk=pk)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    sites: dict[int, Any] = {}
    for row in job.files.select_related("site"):
        sites.setdefault(row.site_id, row.site)
    return job_page(
        request,
        "exams/job.html",
        "exams/_job_progress.html",
        {"job": job, "running": running, "sites": sites.values()},
    )


@login_required
def ticket_job_site_zip(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    """One site's tickets: a ZIP holding one multi-page PDF per room."""
    job = get_object_in_scope(ticket_jobs_visible(scope=scope_for(request.user)), pk=pk)
    files = list(TicketFile.objects.filter(job=job, site_id=site_pk).select_related("site", "room"))
    if not files:
        raise Http404
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for row in files:
            with row.file.open("rb") as handle:
                archive.writestr(f"准考证-{row.site.code}-第{row.room.code}考场.pdf", handle.read())
    name = f"准考证-{files[0].site.name}.zip"
    return attachment_response(buffer.getvalue(), name, "application/zip")


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    tickets = tickets_of_candidate(user=request.user)
    return render(
        request,
        "exams/my_tickets.html",
        {"tickets": tickets, "misconduct": misconduct_of_candidate(user=request.user)},
    )


@login_required
def my_ticket_pdf(request: HttpRequest, ticket_no: str) -> HttpResponse:
    """The candidate's own ticket only (anyone else: 404)."""
    ticket = get_object_in_scope(tickets_of_candidate(user=request.user), ticket_no=ticket_no)
    batches, _ = ticket_batches(
        tickets_queryset().filter(pk=ticket.pk), base_url=_base_url(request)
    )
    if not batches:
        raise Http404("尚未安排考场座位")
    try:
        pdf = render_tickets_pdf(batches[0].tickets)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return _pdf(pdf, f"准考证-{ticket.ticket_no}.pdf")


def _checkin_context(request: HttpRequest, token: str) -> dict[str, Any]:
    ticket = ticket_by_token(token=token)
    if ticket is None:
        raise Http404
    now = timezone.now()
    try:
        seat = examday.current_seat(ticket, at=now)
    except DomainError:
        seat = None
    if seat is None or not examday.may_work_site(
        request_actor(request), seat.slot, seat.room.site_id
    ):
        # Only the staff of the site on the day (and officers) learn anything from a QR code.
        raise Http404
    policy = policy_of_slot(seat.slot)
    return {
        "ticket": ticket,
        "seat": seat,
        "candidate": ticket.application.candidate,
        "checklist": policy.entry_checklist,
        "policy": policy,
        "leave_from": examday.leave_allowed_from(seat.slot),
        "attendance": getattr(seat, "attendance", None),
    }


def _checkin_told(request: HttpRequest, row: Attendance, seat: Seat) -> str:
    """A late arrival is recorded, and told as a refusal."""
    if row.status == AttendanceStatus.REFUSED_LATE:
        messages.error(request, "已超过开考后允许入场的时间，拒绝入场（已记录）")
        return ""
    return f"签到成功：第{seat.room.code}考场 {seat.seat_no}号"


@login_required
def checkin_view(request: HttpRequest, token: str) -> HttpResponse:
    context = _checkin_context(request, token)
    if request.method == "POST":
        checks = {
            item: request.POST.get(f"check_{i}") == "on"
            for i, item in enumerate(context["checklist"])
        }
        return run_action(
            request,
            lambda: examday.checkin_record(
                ticket=context["ticket"], checks=checks, actor=request_actor(request)
            ),
            success=lambda row: _checkin_told(request, row, context["seat"]),
            next=reverse("exams:checkin", args=[token]),
        )
    context["checklist_items"] = list(enumerate(context["checklist"]))
    return render(request, "exams/checkin.html", context)


@login_required
def checkin_photo(request: HttpRequest, token: str) -> HttpResponse:
    context = _checkin_context(request, token)
    photo = candidate_photo(context["candidate"])
    if photo is None:
        raise Http404
    response = HttpResponse(photo, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def district_postpone_view(request: HttpRequest, pk: int) -> HttpResponse:
    district = get_object_in_scope(districts_visible(scope=scope_for(request.user)), pk=pk)
    try:
        new_day = dt.date.fromisoformat(request.POST.get("new_first_day", ""))
    except ValueError:
        messages.error(request, "请填写延期后的首场日期（YYYY-MM-DD）")
        return redirect("exams:sitting", pk=district.sitting_id)
    return run_action(
        request,
        lambda: services.district_postpone(
            district=district,
            new_first_day=new_day,
            reason=request.POST.get("reason", ""),
            actor=request_actor(request),
            base_url=_base_url(request),
        ),
        success=f"{district.name}已延期，准考证正在重新生成，考生已收到通知",
        next=reverse("exams:sitting", args=[district.sitting_id]),
    )
