"""/api/v1/exams: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.api import ErrorOut
from skillcert.exams.selectors import sittings_visible, slots_visible, tickets_of_candidate
from skillcert.exams.services import seats_assign
from skillcert.exams.staffing_services import staff_assign

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
