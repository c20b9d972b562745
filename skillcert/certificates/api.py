"""Public verification API (by QR token, or by number + name + ID number), and issuance for
the organisation's staff: start a batch's bulk issuance, follow its job, issue one result.

Issuance objects are fetched through scoped selectors (404 outside scope, and for anyone but
organisation staff); a service's refusal of who may act is a 403, other domain errors 400."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for
from skillcert.certificates.models import Certificate, IssueBatch
from skillcert.certificates.selectors import (
    QUERY_GROUP,
    QUERY_RATE,
    certificate_query,
    certificate_verify_token,
    issue_jobs_visible,
)
from skillcert.certificates.services import (
    certificate_issue,
    certificates_issue_start,
)
from skillcert.common.api import ErrorOut
from skillcert.common.errors import Forbidden
from skillcert.common.throttle import too_many_requests
from skillcert.scoring.selectors import batches_registered, results_visible

router = Router(tags=["certificates"])


class VerificationOut(Schema):
    valid: bool
    reason: str
    status: str
    number: str | None = None
    name: str | None = None
    id_number: str | None = None
    occupation: str | None = None
    level: int | None = None
    organization: str | None = None
    issue_date: str | None = None


class VerifyIn(Schema):
    token: str


@router.post("/verify", response=VerificationOut, auth=None, summary="核验证书二维码令牌")
def verify(request: HttpRequest, payload: VerifyIn) -> Any:
    limited = too_many_requests(request, group="api-certificate-verify", rate="120/m")
    if limited is not None:
        return limited
    outcome = certificate_verify_token(payload.token[:2000])
    body: dict[str, Any] = {
        "valid": outcome.valid,
        "reason": outcome.reason,
        "status": outcome.status,
    }
    if outcome.payload:
        p = outcome.payload
        body |= {
            "number": p["n"],
            "name": p["name"],
            "id_number": p["id"],
            "occupation": p["occ"],
            "level": p["lvl"],
            "organization": p["org"],
            "issue_date": p["date"],
        }
    return body


class QueryIn(Schema):
    number: str
    name: str
    id_number: str


@router.post(
    "/query", response=VerificationOut, auth=None, summary="按证书编号、姓名、证件号码查询"
)
def query(request: HttpRequest, payload: QueryIn) -> Any:
    """The three fields come in the JSON body only, never the query string (where a full ID
    number would be written to access logs); counted with the query page (QUERY_GROUP)."""
    limited = too_many_requests(request, group=QUERY_GROUP, rate=QUERY_RATE)
    if limited is not None:
        return limited
    found = certificate_query(
        number=payload.number[:30], name=payload.name[:50], id_number=payload.id_number[:30]
    )
    if found is None:
        return {"valid": False, "reason": "not_found", "status": "unknown"}
    return {
        "valid": found.status == "valid",
        "reason": "" if found.status == "valid" else found.status,
        "status": found.status,
        "number": found.number,
        "name": found.holder_name,
        "id_number": found.id_number_masked,
        "occupation": found.occupation_name,
        "level": found.level,
        "organization": found.organization_name,
        "issue_date": found.issue_date.isoformat(),
    }


# --- issuance (organisation staff) ------------------------------------------------------------

T = TypeVar("T")


class SkipOut(Schema):
    result: int
    code: str
    message: str


class IssueJobOut(Schema):
    id: int
    batch: int | None
    status: str
    total: int
    done: int
    issued: int
    percent: int
    skipped: list[SkipOut]
    created_at: dt.datetime
    finished_at: dt.datetime | None


class IssuedOut(Schema):
    number: str
    result: int
    holder_name: str
    occupation: str
    level: int
    issue_date: dt.date


def _job_out(job: IssueBatch) -> dict[str, Any]:
    return {
        "id": job.pk,
        "batch": job.result_batch_id,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "issued": job.issued,
        "percent": job.percent,
        "skipped": job.failed,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _issuer_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not (scope.is_org_staff or scope.is_platform):
        raise Http404
    return scope


def _attempt(action: Callable[[], T]) -> T | Status:
    try:
        return action()
    except Forbidden as exc:
        return Status(403, exc.as_dict())


ISSUE_RESPONSES = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post(
    "/issue/batches/{pk}",
    response={201: IssueJobOut, **ISSUE_RESPONSES},
    summary="开始批量发证（已登记备案的成绩批次，后台任务）",
)
def issue_batch_start(request: HttpRequest, pk: int) -> Any:
    batch = get_object_in_scope(batches_registered(scope=_issuer_scope(request)), pk=pk)
    user = request_actor(request)
    done = _attempt(lambda: certificates_issue_start(result_batch=batch, actor=user))
    return done if isinstance(done, Status) else Status(201, _job_out(done))


@router.get(
    "/issue/jobs/{pk}",
    response={200: IssueJobOut, 404: ErrorOut},
    summary="批量发证任务的进度与未发证原因",
)
def issue_job_status(request: HttpRequest, pk: int) -> Any:
    return _job_out(get_object_in_scope(issue_jobs_visible(scope=_issuer_scope(request)), pk=pk))


def _issued_out(certificate: Certificate) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "result": certificate.result_id,
        "holder_name": certificate.holder_name,
        "occupation": certificate.occupation_name,
        "level": certificate.level,
        "issue_date": certificate.issue_date,
    }


@router.post(
    "/issue/results/{pk}",
    response={201: IssuedOut, **ISSUE_RESPONSES},
    summary="为一个已登记备案的合格成绩发证",
)
def issue_one(request: HttpRequest, pk: int) -> Any:
    result = get_object_in_scope(results_visible(scope=scope_for(request.user)), pk=pk)
    user = request_actor(request)
    done = _attempt(lambda: certificate_issue(result=result, actor=user))
    return done if isinstance(done, Status) else Status(201, _issued_out(done))
