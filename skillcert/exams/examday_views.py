"""Exam-day pages beyond the door check-in: a site's page for one time slot (absences per
room, the room record signed by its invigilators, misconduct with evidence, incidents, the
supervisor's report), the misconduct record with its decision and appeal, and the staff's own
duties. Who may open what: the officers over the district and the staff assigned to the site
in that slot (examday.may_work_site); the candidate for their own misconduct record. Anyone
else gets 404. Thin: every write is a service call."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.service_runner import run_service
from skillcert.exams import examday
from skillcert.exams.forms import (
    AppealDecisionForm,
    AppealForm,
    DecisionForm,
    IncidentForm,
    MisconductForm,
    RoomRecordForm,
    SupervisorReportForm,
)
from skillcert.exams.models import (
    AdmissionTicket,
    AppealStatus,
    ExamDayDuty,
    Incident,
    Misconduct,
    MisconductDecision,
    Room,
    Seat,
    Site,
    StaffAssignment,
    SupervisorReport,
    TimeSlot,
)
from skillcert.exams.permissions import may_run_district
from skillcert.exams.selectors import (
    duties_of,
    misconduct_of_site,
    misconduct_visible,
    seat_choices,
    site_day,
)


def _slot(pk: int) -> TimeSlot:
    return get_object_or_404(
        TimeSlot.objects.select_related("district", "sitting", "occupation"), pk=pk
    )


def _slot_site(request: HttpRequest, pk: int, site_pk: int) -> tuple[TimeSlot, Site]:
    slot = _slot(pk)
    site = get_object_or_404(Site, pk=site_pk, district=slot.district)
    if not examday.may_work_site(request_actor(request), slot, site.pk):
        raise Http404
    return slot, site


def _slot_room(request: HttpRequest, pk: int, room_pk: int) -> tuple[TimeSlot, Room]:
    slot = _slot(pk)
    room = get_object_or_404(
        Room.objects.select_related("site"), pk=room_pk, site__district=slot.district
    )
    if not examday.may_work_site(request_actor(request), slot, room.site_id):
        raise Http404
    return slot, room


def _site_day_url(slot: TimeSlot, site_id: int) -> str:
    return reverse("exams:site_day", args=[slot.pk, site_id])


def _site_page(
    request: HttpRequest,
    slot: TimeSlot,
    site: Site,
    *,
    misconduct_form: MisconductForm | None = None,
    incident_form: IncidentForm | None = None,
    report_form: SupervisorReportForm | None = None,
    record_form: RoomRecordForm | None = None,
    record_room: int | None = None,
) -> HttpResponse:
    user: Any = request.user  # signed in (login_required)
    is_supervisor = StaffAssignment.objects.filter(
        slot=slot, site=site, person__user=user, duty=ExamDayDuty.SUPERVISOR
    ).exists()
    context: dict[str, Any] = {
        "slot": slot,
        "site": site,
        "rooms": site_day(slot=slot, site=site, user=user),
        "is_officer": may_run_district(user, slot.district),
        "misconduct": misconduct_of_site(slot=slot, site=site),
        "incidents": Incident.objects.filter(slot=slot, site=site).order_by("-occurred_at"),
        "report": SupervisorReport.objects.filter(slot=slot, site=site)
        .select_related("person")
        .first(),
        "is_supervisor": is_supervisor,
        "misconduct_form": misconduct_form
        or MisconductForm(prefix="misconduct", seats=seat_choices(slot=slot, site=site)),
        "incident_form": incident_form or IncidentForm(prefix="incident"),
        "report_form": report_form or SupervisorReportForm(prefix="report"),
        "record_form": record_form,
        "record_room": record_room,
        "blank_record_form": RoomRecordForm(prefix="record"),
    }
    return render(request, "exams/examday.html", context)


@login_required
def site_day_view(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    slot, site = _slot_site(request, pk, site_pk)
    return _site_page(request, slot, site)


@login_required
@require_POST
def absences_mark_view(request: HttpRequest, pk: int, room_pk: int) -> HttpResponse:
    slot, room = _slot_room(request, pk, room_pk)

    def mark() -> int:
        try:
            return examday.absences_mark(slot=slot, room=room, actor=request_actor(request))
        except Forbidden:
            raise
        except DomainError as exc:  # several rooms share the page: say which one
            raise DomainError(
                exc.code, f"第{room.code}考场：{exc.message}", field=exc.field
            ) from exc

    response = run_service(
        request,
        mark,
        success=lambda count: f"第{room.code}考场登记缺考 {count} 人",
        next=_site_day_url(slot, room.site_id),
    )
    assert response is not None  # without a form, run_service always answers
    return response


@login_required
@require_POST
def room_record_sign_view(request: HttpRequest, pk: int, room_pk: int) -> HttpResponse:
    slot, room = _slot_room(request, pk, room_pk)
    form = RoomRecordForm(request.POST, prefix="record")
    if form.is_valid():
        done = run_service(
            request,
            lambda: examday.room_record_sign(
                slot=slot, room=room, notes=form.cleaned_data["notes"], actor=request_actor(request)
            ),
            success=f"已签署第{room.code}考场记录",
            next=_site_day_url(slot, room.site_id),
            form=form,
        )
        if done is not None:
            return done
    return _site_page(request, slot, room.site, record_form=form, record_room=room.pk)


@login_required
@require_POST
def misconduct_record_view(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    slot, site = _slot_site(request, pk, site_pk)
    form = MisconductForm(
        request.POST,
        request.FILES,
        prefix="misconduct",
        seats=seat_choices(slot=slot, site=site),
    )
    if form.is_valid():
        seat = Seat.objects.select_related("slot", "room").get(
            pk=form.cleaned_data["seat"], slot=slot, room__site=site
        )
        done = run_service(
            request,
            lambda: examday.misconduct_record(
                seat=seat,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                evidence=form.cleaned_data["evidence"],
                actor=request_actor(request),
            ),
            success="违纪情况已记录，待考区人社部门作出处理决定",
            next=lambda row: reverse("exams:misconduct", args=[row.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _site_page(request, slot, site, misconduct_form=form)


@login_required
@require_POST
def incident_record_view(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    slot, site = _slot_site(request, pk, site_pk)
    form = IncidentForm(request.POST, prefix="incident")
    if form.is_valid():
        done = run_service(
            request,
            lambda: examday.incident_record(
                slot=slot, site=site, actor=request_actor(request), **form.cleaned_data
            ),
            success="突发情况已记录",
            next=_site_day_url(slot, site.pk),
            form=form,
        )
        if done is not None:
            return done
    return _site_page(request, slot, site, incident_form=form)


@login_required
@require_POST
def supervisor_report_view(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    slot, site = _slot_site(request, pk, site_pk)
    form = SupervisorReportForm(request.POST, prefix="report")
    if form.is_valid():
        done = run_service(
            request,
            lambda: examday.supervisor_report_submit(
                slot=slot, site=site, actor=request_actor(request), **form.cleaned_data
            ),
            success="督导报告已提交",
            next=_site_day_url(slot, site.pk),
            form=form,
        )
        if done is not None:
            return done
    return _site_page(request, slot, site, report_form=form)


# --- misconduct: decision and appeal -----------------------------------------------------


def _misconduct(request: HttpRequest, pk: int) -> Misconduct:
    return get_object_in_scope(
        misconduct_visible(scope=scope_for(request.user), user=request.user), pk=pk
    )


def _misconduct_page(
    request: HttpRequest,
    row: Misconduct,
    *,
    decision_form: DecisionForm | None = None,
    appeal_form: AppealForm | None = None,
    appeal_decision_form: AppealDecisionForm | None = None,
) -> HttpResponse:
    seat = row.seat
    officer = may_run_district(request_actor(request), seat.slot.district)
    owner = seat.application.candidate.user_id == request.user.pk
    ticket = AdmissionTicket.objects.filter(
        sitting_id=seat.slot.sitting_id, application_id=seat.application_id
    ).first()
    context = {
        "row": row,
        "seat": seat,
        "ticket": ticket,
        "candidate": seat.application.candidate,
        "is_owner": owner,
        "may_decide": officer and row.decision == MisconductDecision.PENDING,
        "may_appeal": owner
        and row.decision != MisconductDecision.PENDING
        and row.appeal_status == AppealStatus.NONE,
        "may_decide_appeal": officer and row.appeal_status == AppealStatus.FILED,
        "decision_form": decision_form or DecisionForm(prefix="decision"),
        "appeal_form": appeal_form or AppealForm(prefix="appeal"),
        "appeal_decision_form": appeal_decision_form or AppealDecisionForm(prefix="review"),
    }
    return render(request, "exams/misconduct.html", context)


@login_required
def misconduct_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _misconduct_page(request, _misconduct(request, pk))


@login_required
def misconduct_evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    row = _misconduct(request, pk)
    if not row.evidence:
        raise Http404
    try:
        handle = row.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = row.evidence.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def misconduct_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = _misconduct(request, pk)
    form = DecisionForm(request.POST, prefix="decision")
    if form.is_valid():
        done = run_service(
            request,
            lambda: examday.misconduct_decide(
                misconduct=row, actor=request_actor(request), **form.cleaned_data
            ),
            success="处理决定已作出",
            next=lambda row: reverse("exams:misconduct", args=[row.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _misconduct_page(request, row, decision_form=form)


@login_required
@require_POST
def misconduct_appeal_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = _misconduct(request, pk)
    form = AppealForm(request.POST, prefix="appeal")
    if form.is_valid():
        done = run_service(
            request,
            lambda: examday.misconduct_appeal(
                misconduct=row, text=form.cleaned_data["text"], actor=request_actor(request)
            ),
            success="申诉已提交，等待复核",
            next=lambda row: reverse("exams:misconduct", args=[row.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _misconduct_page(request, row, appeal_form=form)


@login_required
@require_POST
def misconduct_appeal_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = _misconduct(request, pk)
    form = AppealDecisionForm(request.POST, prefix="review")
    if form.is_valid():
        done = run_service(
            request,
            lambda: examday.misconduct_appeal_decide(
                misconduct=row, actor=request_actor(request), **form.cleaned_data
            ),
            success="复核意见已保存",
            next=lambda row: reverse("exams:misconduct", args=[row.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _misconduct_page(request, row, appeal_decision_form=form)


# --- staff -------------------------------------------------------------------------------


@login_required
def my_duties(request: HttpRequest) -> HttpResponse:
    return render(request, "exams/my_duties.html", {"duties": duties_of(user=request.user)})
