"""API shells over the personnel selectors and services (mounted at /api/v1/personnel)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.api import BULK_COUNT_RESPONSES, ErrorOut
from skillcert.common.batch_input import require_once
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import normalize
from skillcert.occupations.selectors import occupation_by_id
from skillcert.organizations.selectors import organizations_visible
from skillcert.personnel import selectors, services
from skillcert.regions.selectors import region_by_code

if TYPE_CHECKING:
    from skillcert.accounts.actors import Actor
    from skillcert.occupations.models import Occupation
    from skillcert.personnel.models import TrainingPlan

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


# --- a month's registrations at once (the officers' batch forms; all or nothing) ---------------

BULK_ROWS = services.BULK_ROWS


class RegistrationIdsIn(Schema):
    registrations: list[int] = Field(..., min_length=1, max_length=BULK_ROWS)


class ReviewBulkIn(RegistrationIdsIn):
    approve: bool = True
    note: str = Field("", max_length=300)


class CompletionIn(Schema):
    registration: int
    unit: int
    completed_on: dt.date


class CompletionsIn(Schema):
    completions: list[CompletionIn] = Field(..., min_length=1, max_length=BULK_ROWS)


class ExamScoreIn(Schema):
    registration: int
    score: int = Field(..., description="0–100 分")


class ExamScoresIn(Schema):
    scores: list[ExamScoreIn] = Field(..., min_length=1, max_length=BULK_ROWS)


class CardsIssueIn(Schema):
    registrations: list[int] | None = Field(
        None, max_length=BULK_ROWS, description="省略时为本期全部可发证的报名"
    )
    issued_on: dt.date | None = None
    collection_opens_on: dt.date | None = None


class CardsOut(Schema):
    count: int
    numbers: list[str]


BULK_STEP = BULK_COUNT_RESPONSES


def _plan_or_404(request: HttpRequest, plan_id: int) -> TrainingPlan:
    return get_object_in_scope(selectors.plans_visible(scope=scope_for(request.user)), pk=plan_id)


def _once(ids: list[int], field: str) -> list[int]:
    """A registration listed twice is a mistake in the sheet: refuse it rather than guess."""
    require_once(
        ids,
        lambda pk: DomainError(
            "personnel.registration_repeated",
            f"报名 {pk} 在名单中出现了两次，请核对后重新提交",
            field=field,
        ),
    )
    return ids


def _plan_count(
    request: HttpRequest, plan_id: int, step: Callable[[TrainingPlan, Actor], int]
) -> dict[str, int]:
    """A plan's batch form: the plan through the caller's scope (404 outside), the service
    run by the caller, the count of rows it wrote."""
    return {"count": step(_plan_or_404(request, plan_id), request_actor(request))}


@router.post(
    "/plans/{plan_id}/recommendations",
    response=BULK_STEP,
    summary="批量登记单位推荐（整批成功或整批退回）",
)
def recommend_bulk(request: HttpRequest, plan_id: int, body: RegistrationIdsIn) -> Any:
    ids = _once(body.registrations, "registrations")
    return _plan_count(
        request,
        plan_id,
        lambda plan, actor: services.registrations_recommend_bulk(
            plan=plan, registration_ids=ids, actor=actor
        ),
    )


def _review_bulk(request: HttpRequest, plan_id: int, body: ReviewBulkIn, review: str) -> Any:
    ids = _once(body.registrations, "registrations")
    return _plan_count(
        request,
        plan_id,
        lambda plan, actor: services.registrations_review_bulk(
            plan=plan,
            registration_ids=ids,
            review=review,
            approve=body.approve,
            note=body.note,
            actor=actor,
        ),
    )


@router.post(
    "/plans/{plan_id}/city-reviews",
    response=BULK_STEP,
    summary="市级批量初审（同一结论；整批成功或整批退回）",
)
def city_review_bulk(request: HttpRequest, plan_id: int, body: ReviewBulkIn) -> Any:
    return _review_bulk(request, plan_id, body, "city_review")


@router.post(
    "/plans/{plan_id}/province-reviews",
    response=BULK_STEP,
    summary="省级批量复核（同一结论；整批成功或整批退回）",
)
def province_review_bulk(request: HttpRequest, plan_id: int, body: ReviewBulkIn) -> Any:
    return _review_bulk(request, plan_id, body, "province_review")


@router.post(
    "/plans/{plan_id}/course-completions",
    response=BULK_STEP,
    summary="课程平台批量报送课件完成记录（按文件顺序计入；整批成功或整批退回）",
)
def course_completions_bulk(request: HttpRequest, plan_id: int, body: CompletionsIn) -> Any:
    completions = [
        services.Completion(c.registration, c.unit, c.completed_on) for c in body.completions
    ]
    return _plan_count(
        request,
        plan_id,
        lambda plan, actor: services.course_completions_record_bulk(
            plan=plan, completions=completions, actor=actor
        ),
    )


@router.post(
    "/plans/{plan_id}/exam-results",
    response=BULK_STEP,
    summary="批量录入月底集中考核成绩（整批成功或整批退回）",
)
def exam_results_bulk(request: HttpRequest, plan_id: int, body: ExamScoresIn) -> Any:
    ids = _once([row.registration for row in body.scores], "scores")
    scores = dict(zip(ids, (row.score for row in body.scores), strict=True))
    return _plan_count(
        request,
        plan_id,
        lambda plan, actor: services.exam_results_record_bulk(
            plan=plan, scores=scores, actor=actor
        ),
    )


@router.post(
    "/plans/{plan_id}/cards",
    response={200: CardsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="省级批量发放证卡（默认本期全部可发证的报名；整批成功或整批退回）",
)
def cards_issue_bulk(request: HttpRequest, plan_id: int, body: CardsIssueIn) -> Any:
    plan = _plan_or_404(request, plan_id)
    ids = None if body.registrations is None else _once(body.registrations, "registrations")
    cards = services.cards_issue_bulk(
        plan=plan,
        registration_ids=ids,
        issued_on=body.issued_on,
        collection_opens_on=body.collection_opens_on,
        actor=request_actor(request),
    )
    return {"count": len(cards), "numbers": [c.number for c in cards]}


# --- the register's intake sheet, the province's override decision, the counter's collections --


class CertificateRowIn(Schema):
    occupation: int
    level: int
    number: str = Field(..., max_length=32)
    issued_on: dt.date


class TitleRowIn(Schema):
    grade: str = Field(..., max_length=8)
    name: str = Field(..., max_length=64)
    major: str = Field(..., max_length=64)
    obtained_on: dt.date


class WorkRowIn(Schema):
    description: str = Field(..., max_length=200)
    start: dt.date
    end: dt.date | None = None
    occupation: int | None = None


class PersonRowIn(Schema):
    id_number: str = Field(..., max_length=30)
    name: str = Field(..., max_length=64)
    education: str = Field(..., max_length=16)
    employer_name: str = Field("", max_length=200)
    region: str = Field("", max_length=6, description="单位所在地区代码（有评价机构时可省略）")
    employer: int | None = Field(None, description="工作单位为已备案评价机构时填其编号")
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    certificates: list[CertificateRowIn] = Field(default_factory=list, max_length=10)
    titles: list[TitleRowIn] = Field(default_factory=list, max_length=10)
    work: list[WorkRowIn] = Field(default_factory=list, max_length=20)


class PeopleIn(Schema):
    people: list[PersonRowIn] = Field(..., min_length=1, max_length=BULK_ROWS)


class PeopleOut(Schema):
    count: int
    ids: list[int]


def _person_entry(request: HttpRequest, row: PersonRowIn) -> services.PersonEntry:
    """The sheet row with its references resolved: the region by code, the employer among
    the organisations the user sees, the occupations by id (404 when one is not found)."""
    region = region_by_code(code=row.region) if row.region else None
    if row.region and region is None:
        raise Http404
    employer = (
        get_object_in_scope(organizations_visible(scope=scope_for(request.user)), pk=row.employer)
        if row.employer is not None
        else None
    )
    return services.PersonEntry(
        id_number=row.id_number,
        name=row.name,
        education=row.education,
        employer_name=row.employer_name,
        region=region,
        employer=employer,
        phone=row.phone,
        address=row.address,
        certificates=[
            services.CertificateEntry(
                _occupation_or_404(c.occupation), c.level, c.number, c.issued_on
            )
            for c in row.certificates
        ],
        titles=[services.TitleEntry(t.grade, t.name, t.major, t.obtained_on) for t in row.titles],
        work=[
            services.WorkEntry(
                w.description,
                w.start,
                w.end,
                _occupation_or_404(w.occupation) if w.occupation is not None else None,
            )
            for w in row.work
        ],
    )


@router.post(
    "/people",
    response={201: PeopleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="批量登记考评人员及其证书、职称、工作经历（整批成功或整批退回）",
)
def people_register_bulk(request: HttpRequest, body: PeopleIn) -> Any:
    try:
        entries = [_person_entry(request, row) for row in body.people]
    except Http404:
        return NOT_FOUND
    people = services.people_register_bulk(entries=entries, actor=request_actor(request))
    return Status(201, {"count": len(people), "ids": [p.pk for p in people]})


class OverridesIn(Schema):
    people: list[int] = Field(..., min_length=1, max_length=BULK_ROWS)
    role: str = Field(..., max_length=24)
    occupation: int
    level_high: int
    level_low: int
    province: str = Field(..., max_length=6)
    reason: str = Field(..., max_length=300)
    document_number: str = Field("", max_length=64)


@router.post(
    "/qualification-overrides",
    response={201: PeopleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="省级以同一决定批量人工认定资格条件（整批成功或整批退回）",
)
def qualification_overrides_bulk(request: HttpRequest, body: OverridesIn) -> Any:
    scope = scope_for(request.user)
    wanted = set(body.people)
    people = list(selectors.people_visible(scope=scope).filter(pk__in=wanted))
    province = region_by_code(code=body.province)
    if len(people) != len(wanted) or province is None:
        return NOT_FOUND
    require_once(
        body.people,
        lambda _: DomainError(
            "personnel.person_repeated", "名单中有人员出现了两次，请核对后重新提交", field="people"
        ),
    )
    try:
        occupation = _occupation_or_404(body.occupation)
    except Http404:
        return NOT_FOUND
    made = services.qualification_overrides_record_bulk(
        people=people,
        role=body.role,
        occupation=occupation,
        level_high=body.level_high,
        level_low=body.level_low,
        province=province,
        reason=body.reason,
        document_number=body.document_number,
        actor=request_actor(request),
    )
    return Status(201, {"count": len(made), "ids": [o.pk for o in made]})


class CollectionsIn(Schema):
    cards: list[int] = Field(..., min_length=1, max_length=BULK_ROWS)
    on: dt.date | None = Field(None, description="领取日期，默认今天")


@router.post(
    "/card-collections",
    response={200: CardsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="窗口批量登记领取证卡（整批成功或整批退回）",
)
def cards_collect_bulk(request: HttpRequest, body: CollectionsIn) -> Any:
    wanted = set(body.cards)
    require_once(
        body.cards,
        lambda _: DomainError(
            "personnel.card_repeated", "名单中有证卡出现了两次，请核对后重新提交", field="cards"
        ),
    )
    cards = list(
        selectors.cards_visible(scope=scope_for(request.user)).filter(pk__in=wanted).order_by("pk")
    )
    if len(cards) != len(wanted):
        return NOT_FOUND
    done = services.cards_collect_bulk(cards=cards, on=body.on, actor=request_actor(request))
    return {"count": len(done), "numbers": [c.number for c in done]}


class ApplicationIn(Schema):
    person: int
    occupation: int
    level_high: int
    level_low: int


class ApplicationsIn(Schema):
    applications: list[ApplicationIn] = Field(..., min_length=1, max_length=BULK_ROWS)


@router.post(
    "/plans/{plan_id}/registration-imports",
    response={201: PeopleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="平台导入报名系统受理的本人报名（整批成功或整批退回）",
)
def registrations_import(request: HttpRequest, plan_id: int, body: ApplicationsIn) -> Any:
    scope = scope_for(request.user)
    try:
        plan = _plan_or_404(request, plan_id)
        wanted = {row.person for row in body.applications}
        people = selectors.people_visible(scope=scope).in_bulk(wanted)
        if len(people) != len(wanted):
            raise Http404
        applications = [
            services.Application(
                person=people[row.person],
                occupation=_occupation_or_404(row.occupation),
                level_high=row.level_high,
                level_low=row.level_low,
            )
            for row in body.applications
        ]
    except Http404:
        return NOT_FOUND
    made = services.registrations_submit_bulk(
        plan=plan, applications=applications, actor=request_actor(request)
    )
    return Status(201, {"count": len(made), "ids": [r.pk for r in made]})
