"""Public verification API: by QR token, or by number + name + ID number."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from skillcert.certificates.selectors import (
    QUERY_GROUP,
    QUERY_RATE,
    certificate_query,
    certificate_verify_token,
)
from skillcert.common.throttle import too_many_requests

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
