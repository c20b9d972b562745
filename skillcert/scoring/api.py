"""/api/v1/scoring: result batches, publication, registration, re-checks and the public
result query, over the same selectors and services as the pages.

Objects are fetched through scoped selectors (404 outside scope). A service's
refusal (`Forbidden`: the caller sees the batch but holds the wrong role for the step) is a
403; other domain errors are 400 with {code, message, field}."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.errors import Forbidden
from skillcert.common.throttle import too_many_requests
from skillcert.scoring import selectors, services
from skillcert.scoring.models import Publication, Recheck, Result, ResultBatch

router = Router(tags=["scoring"])

T = TypeVar("T")
# The same group and rate as the HTML query page (scoring.views.public_query), so that an
# IPv4 client's page and API requests count against one allowance.
QUERY_GROUP, QUERY_RATE = "result-query", "20/m"


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


def _attempt(action: Callable[[], T]) -> T | Status:
    try:
        return action()
    except Forbidden as exc:
        return Status(403, exc.as_dict())


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


# --- batches ---------------------------------------------------------------------------------


class BatchOut(Schema):
    id: int
    plan_code: str
    plan_title: str
    organization: str
    route: str
    status: str
    entry_account_set: bool
    supervised: bool
    reopened_count: int
    submitted_at: dt.datetime | None
    registration_submitted_at: dt.datetime | None
    registered_at: dt.datetime | None


class CountsOut(Schema):
    results: int
    draft: int
    submitted: int
    published: int
    registered: int
    passed: int
    pending: int
    rechecks_open: int


class PublicationOut(Schema):
    district: str
    published_at: dt.datetime
    recheck_closes_on: dt.date
    count: int


class BatchDetailOut(BatchOut):
    counts: CountsOut
    publications: list[PublicationOut]


def _batch_out(b: ResultBatch) -> dict[str, Any]:
    return {
        "id": b.pk,
        "plan_code": b.plan.code,
        "plan_title": b.plan.title,
        "organization": b.organization.name,
        "route": b.route,
        "status": b.status,
        "entry_account_set": b.entry_account_id is not None,
        "supervised": b.supervised,
        "reopened_count": b.reopened_count,
        "submitted_at": b.submitted_at,
        "registration_submitted_at": b.registration_submitted_at,
        "registered_at": b.registered_at,
    }


def _publication_out(p: Publication) -> dict[str, Any]:
    return {
        "district": p.district,
        "published_at": p.published_at,
        "recheck_closes_on": p.recheck_closes_on,
        "count": p.count,
    }


def _batch(request: HttpRequest, pk: int) -> ResultBatch:
    return get_object_in_scope(selectors.batches_visible(scope=scope_for(request.user)), pk=pk)


@router.get("/batches", response=list[BatchOut], summary="成绩批次（按权限范围）")
def list_batches(
    request: HttpRequest, status: str = "", q: str = "", limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    rows = selectors.batches_visible(scope=scope_for(request.user))
    if status:
        rows = rows.filter(status=status)
    if q.strip():
        rows = rows.filter(plan__code__icontains=q.strip()) | rows.filter(
            plan__title__icontains=q.strip()
        )
    start = max(offset, 0)
    return [_batch_out(b) for b in rows.order_by("-pk")[start : start + max(1, min(limit, 500))]]


@router.get(
    "/batches/{pk}",
    response={200: BatchDetailOut, 404: ErrorOut},
    summary="成绩批次详情与各状态人数",
)
def get_batch(request: HttpRequest, pk: int) -> dict[str, Any]:
    batch = _batch(request, pk)
    counts = selectors.batch_counts(batch=batch)
    return _batch_out(batch) | {
        "counts": {
            "results": counts.results,
            **counts.by_status,
            "passed": counts.passed,
            "pending": counts.pending,
            "rechecks_open": counts.rechecks_open,
        },
        "publications": [_publication_out(p) for p in batch.publications.all()],
    }


class PublishIn(Schema):
    district: str = Field("", max_length=60, description="考区；空为全部尚未发布的考区")


@router.post(
    "/batches/{pk}/publish",
    response={200: PublicationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="发布成绩（整批或单个考区）",
)
def publish(request: HttpRequest, pk: int, payload: PublishIn) -> Any:
    batch = _batch(request, pk)
    done = _attempt(
        lambda: services.batch_publish(
            batch=batch, district=payload.district, actor=request_actor(request)
        )
    )
    return done if isinstance(done, Status) else _publication_out(done)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


def _batch_step(request: HttpRequest, pk: int, step: Callable[[ResultBatch], ResultBatch]) -> Any:
    batch = _batch(request, pk)
    done = _attempt(lambda: step(batch))
    return done if isinstance(done, Status) else _batch_out(done)


BATCH_STEP = {200: BatchOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/batches/{pk}/reopen", response=BATCH_STEP, summary="重新开放成绩录入（须说明原因）")
def reopen(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    return _batch_step(
        request,
        pk,
        lambda b: services.batch_reopen(
            batch=b, reason=payload.reason, actor=request_actor(request)
        ),
    )


@router.post("/batches/{pk}/registration", response=BATCH_STEP, summary="提交登记备案（评价机构）")
def registration_submit(request: HttpRequest, pk: int) -> Any:
    return _batch_step(
        request,
        pk,
        lambda b: services.batch_registration_submit(batch=b, actor=request_actor(request)),
    )


@router.post("/batches/{pk}/register", response=BATCH_STEP, summary="确认登记备案（主管部门）")
def register(request: HttpRequest, pk: int) -> Any:
    return _batch_step(
        request, pk, lambda b: services.batch_register(batch=b, actor=request_actor(request))
    )


@router.post(
    "/batches/{pk}/return", response=BATCH_STEP, summary="退回登记备案（主管部门，须说明原因）"
)
def registration_return(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    return _batch_step(
        request,
        pk,
        lambda b: services.batch_registration_return(
            batch=b, reason=payload.reason, actor=request_actor(request)
        ),
    )


# --- re-checks ---------------------------------------------------------------------------------


class RecheckOut(Schema):
    id: int
    result: int
    candidate_ref: str
    subject: str
    reason: str
    status: str
    requested_at: dt.datetime
    before: float | None
    after: float | None
    changed: bool
    outcome: str
    handled_at: dt.datetime | None


def _recheck_out(r: Recheck) -> dict[str, Any]:
    return {
        "id": r.pk,
        "result": r.result_id,
        "candidate_ref": r.result.candidate_ref,
        "subject": r.subject,
        "reason": r.reason,
        "status": r.status,
        "requested_at": r.requested_at,
        "before": _num(r.before),
        "after": _num(r.after),
        "changed": r.changed,
        "outcome": r.outcome,
        "handled_at": r.handled_at,
    }


@router.get(
    "/batches/{pk}/rechecks",
    response={200: list[RecheckOut], 404: ErrorOut},
    summary="本批次的复查申请（未办结在前）",
)
def batch_rechecks(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    scope = scope_for(request.user)
    batch = _batch(request, pk)
    if not (scope.is_officer or scope.is_org_staff):
        return []
    return [_recheck_out(r) for r in selectors.batch_rechecks(batch=batch)[:1000]]


class RecheckCompleteIn(Schema):
    outcome: str = Field("", max_length=300)


@router.post(
    "/rechecks/{pk}/complete",
    response={200: RecheckOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="办结复查：按已记录的评分重新合计（不重新评分）",
)
def recheck_complete(request: HttpRequest, pk: int, payload: RecheckCompleteIn) -> Any:
    recheck = get_object_in_scope(selectors.rechecks_visible(scope=scope_for(request.user)), pk=pk)
    done = _attempt(
        lambda: services.recheck_complete(
            recheck=recheck, outcome=payload.outcome, actor=request_actor(request)
        )
    )
    return done if isinstance(done, Status) else _recheck_out(done)


# --- the candidate's own results ----------------------------------------------------------------


class PartsOut(Schema):
    theory_score: float | None
    theory_state: str
    practical_score: float | None
    practical_state: str
    panel_score: float | None
    panel_state: str


class MyResultOut(PartsOut):
    id: int
    plan_code: str
    organization: str
    occupation: str
    level: int
    route: str
    passed: bool
    status: str
    published_at: dt.datetime | None
    recheck_closes_on: dt.date | None
    recheck_open: bool


def _parts(r: Result) -> dict[str, Any]:
    return {
        "theory_score": _num(r.theory_score),
        "theory_state": r.theory_state,
        "practical_score": _num(r.practical_score),
        "practical_state": r.practical_state,
        "panel_score": _num(r.panel_score),
        "panel_state": r.panel_state,
    }


@router.get("/results/mine", response=list[MyResultOut], summary="本人已发布的成绩")
def my_results(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _parts(r)
        | {
            "id": r.pk,
            "plan_code": r.batch.plan.code,
            "organization": r.organization.name,
            "occupation": r.occupation.name,
            "level": r.level,
            "route": r.route,
            "passed": r.passed,
            "status": r.status,
            "published_at": r.published_at,
            "recheck_closes_on": r.recheck_closes_on,
            "recheck_open": selectors.recheck_open(r),
        }
        for r in selectors.my_results(user=request.user)[:200]
    ]


class RecheckRequestIn(Schema):
    subject: str = Field(..., description="theory / practical / panel")
    reason: str = Field("", max_length=300)


@router.post(
    "/results/{pk}/rechecks",
    response={201: RecheckOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="申请复查一个科目（考生本人，复查期内）",
)
def recheck_request(request: HttpRequest, pk: int, payload: RecheckRequestIn) -> Any:
    result = get_object_in_scope(selectors.my_results(user=request.user), pk=pk)
    done = _attempt(
        lambda: services.recheck_request(
            result=result,
            subject=payload.subject,
            reason=payload.reason,
            actor=request_actor(request),
        )
    )
    return done if isinstance(done, Status) else Status(201, _recheck_out(done))


# --- the public query -----------------------------------------------------------------------------


class QueryIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=30)
    ticket_no: str = Field(..., max_length=30)


class QueryOut(Schema):
    found: bool
    id_number: str | None = None  # masked
    occupation: str | None = None
    level: int | None = None
    organization: str | None = None
    theory_score: float | None = None
    theory_state: str | None = None
    practical_score: float | None = None
    practical_state: str | None = None
    panel_score: float | None = None
    panel_state: str | None = None
    passed: bool | None = None


@router.post(
    "/query",
    auth=None,
    response={200: QueryOut, 429: ErrorOut},
    summary="按姓名、身份证号码、准考证号查询已发布成绩（按来源 IP 限流）",
)
def public_query(request: HttpRequest, payload: QueryIn) -> Any:
    """A mismatch, a missing record and someone else's record all answer {found: false}."""
    limited = too_many_requests(request, group=QUERY_GROUP, rate=QUERY_RATE)
    if limited is not None:
        return limited
    found = selectors.result_public_query(
        name=payload.name, id_number=payload.id_number, ticket_no=payload.ticket_no
    )
    if found is None:
        return {"found": False}
    return _parts(found) | {
        "found": True,
        "id_number": found.application.candidate.id_number_masked,
        "occupation": found.occupation.name,
        "level": found.level,
        "organization": found.organization.name,
        "passed": found.passed,
    }
