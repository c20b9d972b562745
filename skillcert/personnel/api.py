"""API shells over the personnel selectors and services (mounted at /api/v1/personnel)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.api import ErrorOut
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import normalize
from skillcert.occupations.selectors import occupation_by_id
from skillcert.organizations.selectors import organizations_visible
from skillcert.personnel import selectors, services

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation

router = Router(tags=["personnel"])


def _occupation_or_404(pk: int) -> Occupation:
    occupation = occupation_by_id(pk=pk)
    if occupation is None:
        raise Http404
    return occupation


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    employer_name: str
    status: str
    masked: bool


class ForbiddenOut(Schema):
    """Session clients without a CSRF token are refused by the session authenticator."""

    detail: str


NOT_FOUND = Status(404, {"code": "personnel.not_found", "message": "未找到该记录或无权访问"})


@router.get("/people", response=list[PersonOut], summary="考评人员（按权限范围，按需脱敏）")
def people(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    scope = scope_for(request.user)
    out = []
    for person in selectors.people_visible(scope=scope, q=q[:64])[:500]:
        shown = selectors.identity_for(scope=scope, person=person)
        out.append(
            {
                "id": person.pk,
                "name": shown.name,
                "id_number": shown.id_number,
                "employer_name": person.employer_name,
                "status": person.status,
                "masked": not shown.full,
            }
        )
    return out


class VerdictOut(Schema):
    allowed: bool
    reasons: list[dict[str, str]]


class MayAssessIn(Schema):
    """A POST body rather than query parameters: a candidate's ID number must not land in
    URLs (access logs, proxies, browser history)."""

    organization: int | None = None
    candidate_id_number: str = Field("", max_length=30)
    occupation: int | None = None
    level: int | None = None
    on: dt.date | None = None


@router.post(
    "/people/{person_id}/may-assess",
    response={200: VerdictOut, 400: ErrorOut, 403: ForbiddenOut, 404: ErrorOut},
    summary="能否安排该人员在某机构/对某考生考评（含回避与轮换原因）",
)
def may_assess(request: HttpRequest, person_id: int, body: MayAssessIn) -> Any:
    scope = scope_for(request.user)
    try:
        person = get_object_in_scope(selectors.people_visible(scope=scope), pk=person_id)
        org = (
            get_object_in_scope(organizations_visible(scope=scope), pk=body.organization)
            if body.organization is not None
            else None
        )
        occ = _occupation_or_404(body.occupation) if body.occupation is not None else None
    except Http404:
        return NOT_FOUND
    verdict = selectors.may_assess(
        person=person,
        on=body.on or timezone.localdate(),
        organization=org,
        candidate_id_number=normalize(body.candidate_id_number)[:18],
        occupation=occ,
        level=body.level,
    )
    return {
        "allowed": verdict.allowed,
        "reasons": [{"code": r.code, "message": r.message} for r in verdict.reasons],
    }


class RegistrationIn(Schema):
    occupation: int
    level_high: int
    level_low: int


class RegistrationOut(Schema):
    id: int
    status: str
    qualified: bool | None


@router.post(
    "/plans/{plan_id}/registrations",
    response={201: RegistrationOut, 400: ErrorOut, 403: ForbiddenOut, 404: ErrorOut},
    summary="本人报名培训计划",
)
def register(request: HttpRequest, plan_id: int, body: RegistrationIn) -> Any:
    scope = scope_for(request.user)
    try:
        plan = get_object_in_scope(selectors.plans_visible(scope=scope), pk=plan_id)
        occupation = _occupation_or_404(body.occupation)
    except Http404:
        return NOT_FOUND
    person = selectors.person_of(request.user)
    if person is None:
        raise DomainError("personnel.no_person", "您的账户尚未关联考评人员信息", field="user")
    registration = services.registration_submit(
        plan=plan,
        person=person,
        occupation=occupation,
        level_high=body.level_high,
        level_low=body.level_low,
        actor=request_actor(request),
    )
    return Status(
        201,
        {
            "id": registration.pk,
            "status": registration.status,
            "qualified": registration.qualification.get("qualified"),
        },
    )
