"""/api/v1/exams: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.api import ErrorOut
from skillcert.common.errors import DomainError
from skillcert.exams.examday import (
    CHECKIN_BULK_ROWS,
    absences_mark_site,
    checkins_record_bulk,
    may_work_site,
)
from skillcert.exams.models import AttendanceStatus, Site, Sitting, TimeSlot
from skillcert.exams.selectors import sittings_visible, slots_visible, tickets_of_candidate
from skillcert.exams.services import seats_assign
from skillcert.exams.staffing_services import staff_assign, staff_assign_bulk

router = Router(tags=["exams"])


class SittingOut(Schema):
    id: int
    code: str
    title: str
    province: str
    year: int
    districts: list[str]


@router.get("/sittings", response={200: list[SittingOut]}, summary="统一考试列表（按权限范围）")
def list_sittings(request: HttpRequest) -> list[dict[str, Any]]:
    rows = sittings_visible(scope=scope_for(request.user)).prefetch_related("districts")
    return [
        {
            "id": s.pk,
            "code": s.code,
            "title": s.title,
            "province": s.province_id,
            "year": s.year,
            "districts": [d.name for d in s.districts.all()],
        }
        for s in rows[:500]
    ]


class TicketOut(Schema):
    ticket_no: str
    sitting: str
    district: str
    revision: int


@router.get("/tickets/mine", response={200: list[TicketOut]}, summary="本人的准考证")
def my_tickets(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "ticket_no": t.ticket_no,
            "sitting": t.sitting.title,
            "district": t.district.name,
            "revision": t.revision,
        }
        for t in tickets_of_candidate(user=request.user)
    ]


class SeedIn(Schema):
    seed: int = Field(..., ge=0, le=2**62)


class DrawOut(Schema):
    slot: int
    seed: int
    seated: int
    rooms_used: int
    adjacent_same_org: int


@router.post(
    "/slots/{pk}/seats",
    response={200: DrawOut, 400: ErrorOut, 404: ErrorOut},
    summary="按公开抽取的种子编排座位（并发放准考证号）",
)
def assign_seats(request: HttpRequest, pk: int, payload: SeedIn) -> dict[str, Any]:
    slot = get_object_in_scope(slots_visible(scope=scope_for(request.user)), pk=pk)
    draw = seats_assign(slot=slot, seed=payload.seed, actor=request_actor(request))
    return {
        "slot": slot.pk,
        "seed": draw.seed,
        "seated": draw.seated,
        "rooms_used": draw.rooms_used,
        "adjacent_same_org": draw.adjacent_same_org,
    }


class StaffingOut(Schema):
    slot: int
    assigned: int
    shortages: list[str]


@router.post(
    "/slots/{pk}/staff",
    response={200: StaffingOut, 400: ErrorOut, 404: ErrorOut},
    summary="按比例安排监考员、考评员和督导员（缺员时说明原因）",
)
def assign_staff(request: HttpRequest, pk: int, payload: SeedIn) -> dict[str, Any]:
    slot = get_object_in_scope(slots_visible(scope=scope_for(request.user)), pk=pk)
    run = staff_assign(slot=slot, seed=payload.seed, actor=request_actor(request))
    return {
        "slot": slot.pk,
        "assigned": run.assigned,
        "shortages": [s["explanation"] for s in run.shortages],
    }


class SittingStaffingOut(Schema):
    sitting: int
    slots: list[StaffingOut]


@router.post(
    "/sittings/{pk}/staff",
    response={200: SittingStaffingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="按比例一次安排本人负责的全部考区各场次的考务人员（缺员时说明原因）",
)
def assign_sitting_staff(request: HttpRequest, pk: int, payload: SeedIn) -> dict[str, Any]:
    scope = scope_for(request.user)
    sitting: Sitting = get_object_in_scope(sittings_visible(scope=scope), pk=pk)
    slots = list(slots_visible(scope=scope).filter(sitting=sitting))
    if not slots:
        raise DomainError("exams.no_slots", f"{sitting.title}没有您负责的考试时段")
    runs = staff_assign_bulk(slots=slots, seed=payload.seed, actor=request_actor(request))
    return {
        "sitting": sitting.pk,
        "slots": [
            {
                "slot": run.slot_id,
                "assigned": run.assigned,
                "shortages": [s["explanation"] for s in run.shortages],
            }
            for run in runs
        ],
    }


class ArrivalIn(Schema):
    ticket_no: str = Field(..., max_length=13, description="准考证号")
    arrived_at: dt.datetime = Field(..., description="扫码时间（带时区）")


class CheckinsIn(Schema):
    checks: dict[str, bool] = Field(..., description="入场检查项（本考点门口对名单中每人均已通过）")
    arrivals: list[ArrivalIn] = Field(..., min_length=1, max_length=CHECKIN_BULK_ROWS)


class CheckinsOut(Schema):
    slot: int
    site: int
    count: int
    refused_late: int


@router.post(
    "/slots/{pk}/sites/{site_pk}/checkins",
    response={200: CheckinsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="上传考点入口扫码签到名单（整份成功或整份退回）",
)
def record_checkins(
    request: HttpRequest, pk: int, site_pk: int, payload: CheckinsIn
) -> dict[str, Any]:
    slot, site = _slot_site(request, pk, site_pk)
    rows = checkins_record_bulk(
        slot=slot,
        site=site,
        arrivals=[(a.ticket_no, _aware(a.arrived_at)) for a in payload.arrivals],
        checks=payload.checks,
        actor=request_actor(request),
    )
    return {
        "slot": slot.pk,
        "site": site.pk,
        "count": len(rows),
        "refused_late": sum(1 for r in rows if r.status == AttendanceStatus.REFUSED_LATE),
    }


def _slot_site(request: HttpRequest, pk: int, site_pk: int) -> tuple[TimeSlot, Site]:
    """The slot and its site, for officers over the district and the site's staff in the
    slot; others learn nothing (404)."""
    slot = get_object_or_404(TimeSlot.objects.select_related("district", "sitting"), pk=pk)
    site = get_object_or_404(Site, pk=site_pk, district=slot.district)
    if not may_work_site(request_actor(request), slot, site.pk):
        raise Http404
    return slot, site


class AbsencesOut(Schema):
    slot: int
    site: int
    absent: int


@router.post(
    "/slots/{pk}/sites/{site_pk}/absences",
    response={200: AbsencesOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="开考迟到时限过后，将本考点各考场未签到的考生登记为缺考",
)
def mark_site_absences(request: HttpRequest, pk: int, site_pk: int) -> dict[str, Any]:
    slot, site = _slot_site(request, pk, site_pk)
    absent = absences_mark_site(slot=slot, site=site, actor=request_actor(request))
    return {"slot": slot.pk, "site": site.pk, "absent": absent}


def _aware(moment: dt.datetime) -> dt.datetime:
    """A scanner's time without an offset is the province's local time."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
