"""/api/v1/applications: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for
from skillcert.applications.selectors import (
    QueueFilters,
    applications_visible,
    may_see_identity,
    review_queue,
)
from skillcert.applications.services import application_review, applications_approve_bulk
from skillcert.common.api import ErrorOut

router = Router(tags=["applications"])


class ApplicationOut(Schema):
    id: int
    plan: str
    organization: str
    candidate: str
    id_number: str  # masked
    occupation_code: str
    level: int
    status: str
    eligible: bool | None
    matched_clause: str
    rule_set: str
    rule_set_version: int | None
    submitted_at: dt.datetime | None
    needs_accommodation: bool
    # Only for the candidate and the reviewer responsible now (as the full ID number in the
    # pages); empty for everyone else.
    accommodation_note: str


def _out(a: Any, *, scope: Scope) -> dict[str, Any]:
    return {
        "id": a.pk,
        "plan": a.plan.code,
        "organization": a.plan.organization.name,
        "candidate": a.candidate.full_name,
        "id_number": a.candidate.id_number_masked,
        "occupation_code": a.occupation.code,
        "level": a.level,
        "status": a.status,
        "eligible": a.eligible,
        "matched_clause": a.matched_clause,
        "rule_set": a.rule_set_code,
        "rule_set_version": a.rule_set_version,
        "submitted_at": a.submitted_at,
        "needs_accommodation": a.needs_accommodation,
        "accommodation_note": (
            a.accommodation_note if may_see_identity(scope=scope, application=a) else ""
        ),
    }


@router.get(
    "",
    response={200: list[ApplicationOut], 400: ErrorOut},
    summary="申报列表（按权限范围；tier 为审核队列）",
)
def list_applications(
    request: HttpRequest, tier: str = "", plan: int | None = None, level: int | None = None
) -> list[dict[str, Any]]:
    scope = scope_for(request.user)
    if tier:
        rows = review_queue(scope=scope, filters=QueueFilters(tier=tier, plan_id=plan, level=level))
    else:
        rows = applications_visible(scope=scope)
        if plan:
            rows = rows.filter(plan_id=plan)
        if level:
            rows = rows.filter(level=level)
    return [_out(a, scope=scope) for a in rows[:1000]]


class BulkIn(Schema):
    tier: str
    ids: list[int]
    reason: str = ""


class BulkOut(Schema):
    approved: int


# Declared before "/{pk}" so that its URL pattern is tried first.
@router.post("/approve-bulk", response={200: BulkOut, 400: ErrorOut}, summary="批量通过")
def approve_bulk(request: HttpRequest, payload: BulkIn) -> dict[str, int]:
    count = applications_approve_bulk(
        application_ids=payload.ids,
        tier=payload.tier,
        actor=request_actor(request),
        reason=payload.reason,
    )
    return {"approved": count}


@router.get("/{pk}", response={200: ApplicationOut, 404: ErrorOut}, summary="申报详情")
def get_application(request: HttpRequest, pk: int) -> dict[str, Any]:
    scope = scope_for(request.user)
    return _out(get_object_in_scope(applications_visible(scope=scope), pk=pk), scope=scope)


class ReviewIn(Schema):
    tier: str
    decision: str
    reason: str = ""


@router.post(
    "/{pk}/review",
    response={200: ApplicationOut, 400: ErrorOut, 404: ErrorOut},
    summary="审核（通过/不通过/退回）",
)
def review(request: HttpRequest, pk: int, payload: ReviewIn) -> dict[str, Any]:
    scope = scope_for(request.user)
    app = get_object_in_scope(applications_visible(scope=scope), pk=pk)
    return _out(
        application_review(
            application=app,
            tier=payload.tier,
            decision=payload.decision,
            reason=payload.reason,
            actor=request_actor(request),
        ),
        scope=scope,
    )
