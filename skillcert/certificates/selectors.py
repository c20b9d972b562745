"""Reads: verification (by QR token or by number + name + ID number), the holder's own
certificates, an organisation's, correction requests, the status list and the credential
documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone

from skillcert.certificates.credentials import (
    OB_CONTEXT,
    VC_CONTEXT,
    identity_hash,
    sign_credential,
    status_entry,
    status_list_document,
)
from skillcert.certificates.keys import (
    current_signing_key,
    issuer_controller_document,
    issuer_did,
    public_keys,
    verification_method,
)
from skillcert.certificates.models import (
    Certificate,
    CertificateStatus,
    CorrectionRequest,
    IssueBatch,
    IssueKind,
    StatusList,
)
from skillcert.certificates.numbering import CERTIFICATE_NUMBER
from skillcert.certificates.tokens import TokenCheck, verify_token
from skillcert.common.identifiers import normalize
from skillcert.common.pii import pii_digest
from skillcert.regions.selectors import region_names

if TYPE_CHECKING:
    from skillcert.accounts.scope import Scope


def certificates_visible(*, scope: Scope) -> QuerySet[Certificate]:
    """Officers: their region's organisations; staff: their organisation; a candidate: their
    own (through the candidate record linked to the account)."""
    if scope.is_platform:
        return Certificate.objects.all()
    rows = Certificate.objects.filter(
        scope.region_q("organization__region") | scope.organization_q("organization_id")
    )
    if scope.user_id is not None:
        rows = rows | Certificate.objects.filter(candidate__user_id=scope.user_id)
    return rows.distinct()


def correction_requests_visible(*, scope: Scope) -> QuerySet[CorrectionRequest]:
    """Officers: requests of the organisations in their region (the ones they decide);
    organisation staff: their organisation's own. Nobody else sees any."""
    if scope.is_platform:
        return CorrectionRequest.objects.all()
    if not (scope.is_officer or scope.is_org_staff):
        return CorrectionRequest.objects.none()
    return CorrectionRequest.objects.filter(
        scope.region_q("organization__region") | scope.organization_q("organization_id")
    )


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str  # "", or malformed / unknown_key / bad_signature / not_found / revoked / superseded
    certificate: Certificate | None = None
    payload: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        if self.certificate is None:
            return "unknown"
        return str(self.certificate.status)


# What verification reads from the registry: the status shown next to the signed payload.
VERIFY_FIELDS = ("id", "number", "status", "revoked_at", "status_list")


@cache
def _status_sql() -> str:
    meta = Certificate._meta
    quote = connection.ops.quote_name
    column = {f.name: f.column for f in meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in VERIFY_FIELDS)
    number = quote(column["number"])
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {number} = %s"  # noqa: S608


def _certificate_status(number: str) -> Certificate | None:
    """One lookup on the unique number, only the columns a verifier is shown, read on every
    request (never cached) so that a revocation shows at once. Written as SQL because building
    the ORM query cost more than running it, on the platform's busiest public page."""
    return next(iter(Certificate.objects.raw(_status_sql(), [number])), None)


def certificate_verify_token(token: str, *, offline: bool = False) -> Verification:
    """The signature alone proves what was issued; online, the registry adds the status."""
    check: TokenCheck = verify_token(token, public_keys=public_keys())
    if not check.valid or check.payload is None:
        return Verification(False, check.reason)
    if offline:
        return Verification(True, "", None, check.payload)
    certificate = _certificate_status(check.payload["n"])
    if certificate is None:
        return Verification(False, "not_found", None, check.payload)
    if certificate.status != CertificateStatus.VALID:
        return Verification(False, str(certificate.status), certificate, check.payload)
    return Verification(True, "", certificate, check.payload)


# One allowance per visitor for the query page and its API counterpart together, so that
# alternating between them does not double the rate at which the registry can be probed.
QUERY_GROUP, QUERY_RATE = "certificate-query", "30/m"


def certificate_query(*, number: str, name: str, id_number: str) -> Certificate | None:
    """The national query style: all three must match. A wrong name or ID number looks exactly
    like a number that does not exist, so the registry cannot be probed for who holds what."""
    number = normalize(number)
    if not CERTIFICATE_NUMBER.match(number):
        return None
    return (
        Certificate.objects.select_related("organization")
        .filter(
            number=number,
            holder_name=name.strip(),
            id_number_digest=pii_digest(normalize(id_number)),
        )
        .first()
    )


def verify_url(certificate: Certificate) -> str:
    return f"{settings.SKILLCERT_PUBLIC_URL}/v/{certificate.token}"


# Every certificate that no longer stands has its revocation bit set: a superseded one
# (replaced by a re-issue or a correction) is permanently replaced, so it fails a verifier's
# status check just as a revoked one does, or the wrong name on the old certificate would
# still verify.
NOT_VALID_STATUSES = (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)
STATUS_PURPOSE = "revocation"
MAX_STATUS_LIST = 2**31 - 1  # the column's range: a larger number in a URL is simply not found


def status_list_url(number: int) -> str:
    return f"{settings.SKILLCERT_PUBLIC_URL}/certificates/status/{number}"


def _local_timestamp(moment: dt.datetime) -> str:
    """`2025-06-30T09:15:00+08:00`: the installation's time zone, so a date is the day it was
    in China, never 08:00 of it."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def status_list_credential(number: int = 1) -> dict[str, Any] | None:
    """The signed revocation list number `number`, or None when there is no such list."""
    if not 1 <= number <= MAX_STATUS_LIST or (
        number != 1 and not StatusList.objects.filter(number=number).exists()
    ):
        return None
    set_indexes = list(
        Certificate.objects.filter(status_list=number, status__in=NOT_VALID_STATUSES).values_list(
            "status_index", flat=True
        )
    )
    now = _local_timestamp(timezone.now())
    document = status_list_document(
        list_url=status_list_url(number),
        issuer=issuer_did(),
        purpose=STATUS_PURPOSE,
        set_indexes=set_indexes,
        valid_from=now,
    )
    return _signed(document, created=now)


def _signed(
    document: dict[str, Any], *, created: str, proof_as_list: bool = False
) -> dict[str, Any]:
    kid, key = current_signing_key()
    return sign_credential(
        document,
        key=key,
        verification_method=verification_method(kid),
        created=created,
        proof_as_list=proof_as_list,
    )


def issuer_profile() -> dict[str, Any]:
    """The province's human resources and social security department, which registers every
    certificate and holds the signing key; the evaluation organisation is the `source`."""
    code = f"{settings.SKILLCERT_PROVINCE}0000"
    province = region_names(codes={code}).get(code, "省")
    return {"id": issuer_did(), "type": ["Profile"], "name": f"{province}人力资源和社会保障厅"}


# Open Badges 3.0 IdentityObject.identityType for the certificate's ID type.
IDENTITY_TYPES = {"居民身份证": "nationalIdentityNumber"}


def _achievement(certificate: Certificate, base: str) -> dict[str, Any]:
    """The Open Badges 3.0 Achievement: the occupation at its level, or, for a 专项职业能力证书,
    the occupation's special ability with no level anywhere in it."""
    occupation_url = f"{base}/occupations/{certificate.occupation.code}/"
    if certificate.level is None:
        return {
            "id": f"{occupation_url}#special-ability",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": f"{certificate.occupation_name}专项职业能力",
            "description": f"{certificate.title} {certificate.number}",
            "criteria": {"narrative": "按专项职业能力考核规范经考核合格，登记备案后发证"},
        }
    return {
        "id": f"{occupation_url}#level-{certificate.level}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": f"{certificate.occupation_name} {certificate.level_text}",
        "description": f"{certificate.title} {certificate.number}",
        "criteria": {"narrative": "按国家职业技能标准经评价合格，登记备案后发证"},
    }


def achievement_credential(certificate: Certificate) -> dict[str, Any]:
    """The certificate as an Open Badges 3.0 AchievementCredential, as issued: the same
    document every time it is asked for (the proof is dated when the certificate was
    registered). Callers decide whether a certificate that no longer stands may be served."""
    base = settings.SKILLCERT_PUBLIC_URL
    issued = certificate.created_at
    organization = certificate.organization
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"{base}/certificates/{certificate.number}/credential.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.title,
        "issuer": issuer_profile(),
        "validFrom": _local_timestamp(
            timezone.make_aware(dt.datetime.combine(certificate.issue_date, dt.time()))
        ),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": IDENTITY_TYPES.get(certificate.id_type, "identifier"),
                    "hashed": True,
                    "identityHash": identity_hash(certificate.id_number, certificate.identity_salt),
                    "salt": certificate.identity_salt,
                }
            ],
            "achievement": _achievement(certificate, base),
            "licenseNumber": certificate.number,
            "source": {
                "id": f"{base}/directory/{organization.filing_number}/",
                "type": ["Profile"],
                "name": certificate.organization_name,
            },
        },
        "credentialStatus": status_entry(
            status_list_url(certificate.status_list), certificate.status_index, STATUS_PURPOSE
        ),
    }
    return _signed(document, created=_local_timestamp(issued), proof_as_list=True)


def certificate_withdrawn(certificate: Certificate) -> dict[str, Any]:
    """What credential.json says instead of the credential of a certificate that no longer
    stands."""
    withdrawn: dict[str, Any] = {
        "number": certificate.number,
        "status": str(certificate.status),
        "message": f"证书 {certificate.number} {certificate.get_status_display()}，"
        "不再提供其电子凭证",
        "credentialStatus": status_entry(
            status_list_url(certificate.status_list), certificate.status_index, STATUS_PURPOSE
        ),
    }
    replacement = Certificate.objects.filter(supersedes=certificate).first()
    if replacement is not None:
        withdrawn["supersededBy"] = replacement.number
    return withdrawn


def issuer_document() -> dict[str, Any]:
    return issuer_controller_document()


def certificates_all() -> QuerySet[Certificate]:
    """Every certificate, unscoped: for the statistics summary, which aggregates."""
    return Certificate.objects.all()


# --- to-do counts for the workbench -----------------------------------------------------------


def todo_corrections_to_decide(*, scope: Scope) -> int:
    """Correction requests of organisations in the officer's area, waiting for a decision."""
    from skillcert.certificates.models import CorrectionStatus

    if not scope.is_officer:
        return 0
    return correction_requests_visible(scope=scope).filter(status=CorrectionStatus.PENDING).count()


def todo_results_to_issue(*, scope: Scope) -> int:
    """The organisation's registered passing results that have no certificate yet."""
    from skillcert.certificates.choices import IssueKind
    from skillcert.scoring.choices import ResultStatus
    from skillcert.scoring.selectors import results_visible

    if not scope.organization_ids:
        return 0
    return (
        results_visible(scope=scope)
        .filter(
            scope.organization_q("organization_id"),
            status=ResultStatus.REGISTERED,
            passed=True,
        )
        .exclude(certificates__kind=IssueKind.ISSUED)
        .count()
    )


# --- issuance -------------------------------------------------------------------------------


def issue_jobs_visible(*, scope: Scope) -> QuerySet[IssueBatch]:
    """Bulk issuance jobs: the organisation's staff see their organisation's; nobody else."""
    rows = IssueBatch.objects.select_related("organization", "result_batch__plan")
    if scope.is_platform:
        return rows
    if not scope.is_org_staff:
        return rows.none()
    return rows.filter(scope.organization_q("organization_id"))


def issued_counts(*, batch_ids: list[int]) -> dict[int, int]:
    """First-issue certificates per result batch id."""
    rows = (
        Certificate.objects.filter(kind=IssueKind.ISSUED, result__batch_id__in=batch_ids)
        .values("result__batch_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["result__batch_id"]: r["n"] for r in rows}


def certificates_of_results(*, result_ids: list[int]) -> dict[int, Certificate]:
    """The first-issue certificate of each result that has one."""
    rows = Certificate.objects.filter(kind=IssueKind.ISSUED, result_id__in=result_ids)
    return {c.result_id: c for c in rows if c.result_id is not None}
