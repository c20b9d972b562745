"""/api/v1/supervision: visits, complaints and the registration-hold check, over the same
selectors and services as the pages. Complaints may be filed without an account, rate-limited
per client IP."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from skillcert.accounts.actors import PUBLIC
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.api import ErrorOut
from skillcert.common.errors import DomainError
from skillcert.common.throttle import THROTTLE, client_ip
from skillcert.organizations.selectors import organization_by_filing_number
from skillcert.plans.selectors import plans_visible
from skillcert.supervision import selectors, services

router = Router(tags=["supervision"])


class VisitOut(Schema):
    id: int
    kind: str
    plan: str
    organization: str
    supervisor: str
    status: str
    rating: str
    findings: int


def _visit(v: Any) -> dict[str, Any]:
    return {
        "id": v.pk,
        "kind": v.kind,
        "plan": v.plan.code,
        "organization": v.org.name,
        "supervisor": v.supervisor.name,
        "status": v.status,
        "rating": v.rating,
        "findings": v.findings.count(),
    }


@router.get("/visits", response=list[VisitOut], summary="督导记录（按权限范围）")
def visits(request: HttpRequest, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    rows = selectors.visits_visible(scope=scope_for(request.user)).order_by("-id")
    limit = max(1, min(limit, 500))
    return [_visit(v) for v in rows[max(offset, 0) : max(offset, 0) + limit]]


@router.get("/visits/{pk}", response=VisitOut, summary="督导记录详情")
def visit(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _visit(
        get_object_in_scope(selectors.visits_visible(scope=scope_for(request.user)), pk=pk)
    )


class BlockOut(Schema):
    plan: str
    blocked: bool
    reason: str
    document_no: str


@router.get(
    "/registration-blocked/{plan_id}",
    response=BlockOut,
    summary="该评价计划的成绩登记是否因督导问题暂停",
)
def registration_blocked(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = get_object_in_scope(plans_visible(scope=scope_for(request.user)), pk=plan_id)
    hold = selectors.registration_blocked(plan)
    return {
        "plan": plan.code,
        "blocked": hold is not None,
        "reason": hold.reason if hold else "",
        "document_no": hold.document_no if hold else "",
    }


class ComplaintOut(Schema):
    number: str
    status: str
    received_on: dt.date
    due_on: dt.date | None
    subject_name: str
    region: str


@router.get(
    "/complaints", response=list[ComplaintOut], summary="投诉举报（承办人及管辖地区人社部门）"
)
def complaints(request: HttpRequest, status: str = "", q: str = "") -> list[dict[str, Any]]:
    rows = selectors.complaints_visible(scope=scope_for(request.user), q=q, status=status)
    return [
        {
            "number": c.number,
            "status": c.status,
            "received_on": c.received_on,
            "due_on": c.due_on,
            "subject_name": c.subject_name,
            "region": c.region_id,
        }
        for c in rows.order_by("-id")[:500]
    ]


class ComplaintIn(Schema):
    complainant_kind: str
    subject_kind: str
    subject_name: str
    content: str
    region: str = ""
    filing_number: str = ""
    complainant_name: str = ""
    contact_phone: str = ""


class ComplaintCreatedOut(Schema):
    number: str
    tracking_code: str


@router.post(
    "/complaints",
    auth=None,
    response={201: ComplaintCreatedOut, 400: ErrorOut, 429: ErrorOut},
    summary="提交投诉举报（无需登录，按来源 IP 限流）",
)
def complaint_create(request: HttpRequest, payload: ComplaintIn) -> Status:
    # one allowance with the web form (views._complaint_post): same group, same counters
    if THROTTLE.hit(group="complaint_form", visitor=client_ip(request), rate="10/h"):
        return Status(
            429, {"code": "throttled", "message": "请求过于频繁，请稍后再试", "field": None}
        )
    org = None
    if payload.filing_number.strip():
        org = organization_by_filing_number(payload.filing_number)
        if org is None:
            raise DomainError("complaint.org_unknown", "备案编号不存在", field="filing_number")
    user = request.user if request.user.is_authenticated else None
    complaint, code = services.complaint_submit(
        complainant_kind=payload.complainant_kind,
        subject_kind=payload.subject_kind,
        subject_name=payload.subject_name,
        region_code=payload.region,
        content=payload.content,
        complainant_name=payload.complainant_name,
        contact_phone=payload.contact_phone,
        org=org,
        actor=user or PUBLIC,
    )
    return Status(201, {"number": complaint.number, "tracking_code": code})
