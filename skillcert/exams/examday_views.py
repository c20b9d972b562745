"""Exam-day pages beyond the door check-in: a site's page for one time slot (absences per
room, the room record signed by its invigilators, misconduct with evidence, incidents, the
supervisor's report), the misconduct record with its decision and appeal, and the staff's own
duties. Who may open what: the officers over the district and the staff assigned to the site
in that slot (examday.may_work_site); the candidate for their own misconduct record. Anyone
else gets 404. Thin: every write is a service call."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError, Forbidden
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


class SlotSite(NamedTuple):
    slot: TimeSlot
    site: Site


class SlotRoom(NamedTuple):
    slot: TimeSlot
    room: Room


def _slot_site(request: HttpRequest, pk: int, site_pk: int) -> SlotSite:
    slot = _slot(pk)
    site = get_object_or_404(Site, pk=site_pk, district=slot.district)
    if not examday.may_work_site(request_actor(request), slot, site.pk):
        raise Http404
    return SlotSite(slot, site)


def _slot_room(request: HttpRequest, pk: int, room_pk: int) -> SlotRoom:
    slot = _slot(pk)
    room = get_object_or_404(
        Room.objects.select_related("site"), pk=room_pk, site__district=slot.district
    )
    if not examday.may_work_site(request_actor(request), slot, room.site_id):
        raise Http404
    return SlotRoom(slot, room)


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


# A site's exam-day page in one time slot: its forms come back to it, a refused form is shown
# on it again.
SITE: Actions[SlotSite] = Actions(
    prefix="slots/<int:pk>/sites/<int:site_pk>/",
    load=_slot_site,
    back=lambda at: _site_day_url(at.slot, at.site.pk),
    page=lambda request, at, **forms: _site_page(request, at.slot, at.site, **forms),
)
# A room's buttons on the site's page.
ROOM: Actions[SlotRoom] = Actions(
    prefix="slots/<int:pk>/rooms/<int:room_pk>/",
    load=_slot_room,
    back=lambda at: _site_day_url(at.slot, at.room.site_id),
    page=lambda request, at, **forms: _site_page(
        request, at.slot, at.room.site, record_room=at.room.pk, **forms
    ),
)


@ROOM.post("absences/", success=lambda a, count: f"第{a.obj.room.code}考场登记缺考 {count} 人")
def absences_mark(a: Act[SlotRoom]) -> int:
    try:
        return examday.absences_mark(slot=a.obj.slot, room=a.obj.room, actor=a.actor)
    except Forbidden:
        raise
    except DomainError as exc:  # several rooms share the page: say which one
        raise DomainError(
            exc.code, f"第{a.obj.room.code}考场：{exc.message}", field=exc.field
        ) from exc


@ROOM.post(
    "record/",
    form=RoomRecordForm,
    prefix="record",
    success=lambda a, _: f"已签署第{a.obj.room.code}考场记录",
)
def room_record_sign(a: Act[SlotRoom]) -> object:
    slot, room = a.obj
    return examday.room_record_sign(slot=slot, room=room, notes=a.data["notes"], actor=a.actor)


def _misconduct_form(request: HttpRequest, at: SlotSite) -> MisconductForm:
    seats = seat_choices(slot=at.slot, site=at.site)
    return MisconductForm(request.POST, request.FILES, prefix="misconduct", seats=seats)


@SITE.post(
    "misconduct/",
    form=_misconduct_form,
    success="违纪情况已记录，待考区人社部门作出处理决定",
    next=lambda row: reverse("exams:misconduct", args=[row.pk]),
)
def misconduct_record(a: Act[SlotSite]) -> object:
    seat = Seat.objects.select_related("slot", "room").get(
        pk=a.data["seat"], slot=a.obj.slot, room__site=a.obj.site
    )
    return examday.misconduct_record(
        seat=seat,
        kind=a.data["kind"],
        description=a.data["description"],
        evidence=a.data["evidence"],
        actor=a.actor,
    )


@SITE.post("incidents/", form=IncidentForm, prefix="incident", success="突发情况已记录")
def incident_record(a: Act[SlotSite]) -> object:
    return examday.incident_record(slot=a.obj.slot, site=a.obj.site, actor=a.actor, **a.data)


@SITE.post("report/", form=SupervisorReportForm, prefix="report", success="督导报告已提交")
def supervisor_report(a: Act[SlotSite]) -> object:
    slot, site = a.obj
    return examday.supervisor_report_submit(slot=slot, site=site, actor=a.actor, **a.data)


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


def _misconduct_url(row: Misconduct) -> str:
    return reverse("exams:misconduct", args=[row.pk])


# The misconduct record's decision, appeal and review: a refused form is shown on it again.
MISCONDUCT: Actions[Misconduct] = Actions(
    prefix="misconduct/<int:pk>/", load=_misconduct, back=_misconduct_url, page=_misconduct_page
)


@MISCONDUCT.post("decide/", form=DecisionForm, prefix="decision", success="处理决定已作出")
def misconduct_decide(a: Act[Misconduct]) -> object:
    return examday.misconduct_decide(misconduct=a.obj, actor=a.actor, **a.data)


@MISCONDUCT.post("appeal/", form=AppealForm, prefix="appeal", success="申诉已提交，等待复核")
def misconduct_appeal(a: Act[Misconduct]) -> object:
    return examday.misconduct_appeal(misconduct=a.obj, text=a.data["text"], actor=a.actor)


@MISCONDUCT.post(
    "appeal/decide/",
    form=AppealDecisionForm,
    prefix="review",
    form_key="appeal_decision_form",
    success="复核意见已保存",
)
def misconduct_appeal_decide(a: Act[Misconduct]) -> object:
    return examday.misconduct_appeal_decide(misconduct=a.obj, actor=a.actor, **a.data)


# --- staff -------------------------------------------------------------------------------


@login_required
def my_duties(request: HttpRequest) -> HttpResponse:
    return render(request, "exams/my_duties.html", {"duties": duties_of(user=request.user)})
