"""Reads: verification (by QR token or by number + name + ID number), the holder's own
certificates, an organisation's, correction requests, the status list and the credential
documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from skillcert.certificates.credentials import encode_status_list, sign_credential
from skillcert.certificates.keys import current_signing_key, public_keys
from skillcert.certificates.models import (
    Certificate,
    CertificateStatus,
    CorrectionRequest,
    IssueBatch,
    IssueKind,
)
from skillcert.certificates.numbering import CERTIFICATE_NUMBER
from skillcert.certificates.tokens import TokenCheck, verify_token
from skillcert.common.identifiers import normalize
from skillcert.common.pii import pii_digest

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


def certificate_verify_token(token: str, *, offline: bool = False) -> Verification:
    """The signature alone proves what was issued; online, the registry adds the status."""
    check: TokenCheck = verify_token(token, public_keys=public_keys())
    if not check.valid or check.payload is None:
        return Verification(False, check.reason)
    if offline:
        return Verification(True, "", None, check.payload)
    certificate = (
        Certificate.objects.select_related("organization").filter(number=check.payload["n"]).first()
    )
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


# Every certificate that no longer stands has its bit set: a superseded one (replaced by a
# re-issue or a correction) must fail a verifier's status check just as a revoked one does,
# or the wrong name on the old certificate would still verify.
NOT_VALID_STATUSES = (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)


def status_list_credential() -> dict[str, Any]:
    revoked = Certificate.objects.filter(status__in=NOT_VALID_STATUSES).values_list(
        "status_index", flat=True
    )
    base = settings.SKILLCERT_PUBLIC_URL
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"{base}/certificates/status/1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": f"{base}/certificates/issuer",
        "validFrom": timezone.now().replace(microsecond=0).isoformat(),
        "credentialSubject": {
            "id": f"{base}/certificates/status/1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(revoked),
        },
    }
    return _signed(document)


def _signed(document: dict[str, Any]) -> dict[str, Any]:
    kid, key = current_signing_key()
    return sign_credential(
        document,
        key=key,
        verification_method=f"{settings.SKILLCERT_PUBLIC_URL}/certificates/keys.json#{kid}",
        created=timezone.now().replace(microsecond=0).isoformat(),
    )


def achievement_credential(certificate: Certificate) -> dict[str, Any]:
    """The certificate as an Open Badges 3.0 AchievementCredential."""
    base = settings.SKILLCERT_PUBLIC_URL
    issued = dt.datetime.combine(certificate.issue_date, dt.time(), tzinfo=dt.UTC)
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{base}/certificates/{certificate.number}/credential.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "职业技能等级证书",
        "issuer": {
            "id": f"{base}/directory/{certificate.organization.filing_number}/",
            "type": ["Profile"],
            "name": certificate.organization_name,
        },
        "validFrom": issued.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "identityNumber",
                    "hashed": True,
                    "identityHash": pii_digest(certificate.id_number),
                }
            ],
            "achievement": {
                "id": f"{base}/occupations/{certificate.occupation.code}/"
                f"#level-{certificate.level}",
                "type": ["Achievement"],
                "name": f"{certificate.occupation_name} {certificate.level_text}",
                "description": f"职业技能等级证书 {certificate.number}",
                "criteria": {"narrative": "按国家职业技能标准经评价合格，登记备案后发证"},
            },
        },
        "credentialStatus": {
            "id": f"{base}/certificates/status/1#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": f"{base}/certificates/status/1",
        },
    }
    return _signed(document)


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
