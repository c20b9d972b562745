"""Issuing, revoking, re-issuing and correcting certificates.

A certificate is issued only from a registered, passing result, by the organisation whose
filing covers the occupation and level on the issue date. Numbers come from a locked counter
per organisation, year and level (plus the number's unique constraint), so concurrent issuing
never duplicates a serial, and a number is never reused — revoked certificates keep theirs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from skillcert.audit.services import audit_record
from skillcert.certificates.keys import current_signing_key
from skillcert.certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateStatus,
    IssueKind,
    StatusListCounter,
)
from skillcert.certificates.numbering import format_certificate_number
from skillcert.certificates.tokens import sign_token
from skillcert.common.errors import DomainError
from skillcert.common.fonts import require_glyphs
from skillcert.common.identifiers import mask_id_number
from skillcert.common.pii import pii_digest
from skillcert.eligibility.engine import LEVEL_NAMES, LEVEL_TITLES
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.permits import organization_check_may_evaluate

TITLE = "职业技能等级证书"


def level_text(level: int) -> str:
    """'三级/高级工', as printed on the certificate."""
    return f"{LEVEL_NAMES[level]}/{LEVEL_TITLES[level]}"


@dataclass(frozen=True)
class Holder:
    """What a certificate says about its holder and their achievement."""

    candidate: Any  # skillcert.candidates.models.Candidate
    occupation: Any  # skillcert.occupations.models.Occupation
    specialty_name: str
    level: int


def _next_serial(*, organization: EvaluationOrg, year: int, level: int) -> int:
    """Lock the counter row (created on first use) and take the next serial."""
    CertificateCounter.objects.get_or_create(organization=organization, year=year, level=level)
    updated = CertificateCounter.objects.filter(
        organization=organization, year=year, level=level
    ).update(last_serial=F("last_serial") + 1)
    assert updated == 1
    return CertificateCounter.objects.values_list("last_serial", flat=True).get(
        organization=organization, year=year, level=level
    )


def _next_status_index() -> int:
    StatusListCounter.objects.get_or_create(id=1)
    StatusListCounter.objects.filter(id=1).update(last_index=F("last_index") + 1)
    return StatusListCounter.objects.values_list("last_index", flat=True).get(id=1)


def token_payload(certificate: Certificate) -> dict[str, Any]:
    return {
        "n": certificate.number,
        "name": certificate.holder_name,
        "id": mask_id_number(certificate.id_number),
        "occ": certificate.occupation_name,
        "lvl": certificate.level,
        "org": certificate.organization_name,
        "date": certificate.issue_date.isoformat(),
    }


def _create(
    *,
    organization: EvaluationOrg,
    holder: Holder,
    kind: str,
    issue_date: dt.date,
    actor: Any,
    result: Any = None,
    supersedes: Certificate | None = None,
    holder_name: str | None = None,
) -> Certificate:
    if not organization.filing_number:
        raise DomainError("certificate.org_not_filed", f"{organization.name}尚未备案，不能发证")
    organization_check_may_evaluate(
        org=organization, occupation_id=holder.occupation.pk, level=holder.level, day=issue_date
    )
    candidate = holder.candidate
    name = holder_name or candidate.full_name
    require_glyphs(name, field="holder_name")
    serial = _next_serial(organization=organization, year=issue_date.year, level=holder.level)
    number = format_certificate_number(
        filing_number=organization.filing_number,
        year=issue_date.year,
        level=holder.level,
        serial=serial,
    )
    photo = b""
    if candidate.photo:
        with candidate.photo.open("rb") as handle:
            photo = handle.read()
    certificate = Certificate(
        number=number,
        kind=kind,
        organization=organization,
        result=result,
        candidate=candidate,
        holder_name=name,
        id_number=candidate.id_number,
        id_number_digest=pii_digest(candidate.id_number),
        occupation=holder.occupation,
        occupation_name=holder.occupation.name,
        specialty_name=holder.specialty_name or "--",
        level=holder.level,
        level_text=level_text(holder.level),
        organization_name=organization.name,
        issue_date=issue_date,
        photo=photo,
        status_index=_next_status_index(),
        supersedes=supersedes,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    kid, key = current_signing_key()
    certificate.token = sign_token(kid=kid, key=key, payload=token_payload(certificate))
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        raise DomainError(
            "certificate.already_issued", "该成绩已发放证书，请勿重复发证", field="result"
        ) from None
    audit_record(
        actor=actor,
        action=f"certificate.{kind}",
        obj=certificate,
        changes={"number": [None, number], "organization": [None, organization.pk]},
    )
    return certificate


def certificate_issue_for(
    *,
    organization: EvaluationOrg,
    holder: Holder,
    actor: Any,
    result: Any = None,
    issue_date: dt.date | None = None,
) -> Certificate:
    """Issue a first certificate. `certificate_issue` (from a registered result) is the
    usual entry; this lower-level call is for the legacy import and for the scoring app."""
    with transaction.atomic():
        return _create(
            organization=organization,
            holder=holder,
            kind=IssueKind.ISSUED,
            issue_date=issue_date or timezone.localdate(),
            actor=actor,
            result=result,
        )


def certificate_revoke(
    *, certificate: Certificate, reason: str, document_no: str, actor: Any
) -> Certificate:
    if not reason.strip():
        raise DomainError("certificate.revoke_reason", "请填写撤销原因", field="reason")
    if not document_no.strip():
        raise DomainError("certificate.revoke_document", "请填写撤销依据文号", field="document_no")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != CertificateStatus.VALID:
            raise DomainError(
                "certificate.not_valid",
                f"证书 {locked.number} 当前状态为“{locked.get_status_display()}”，不能撤销",
            )
        locked.status = CertificateStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoke_reason = reason.strip()
        locked.revoke_document = document_no.strip()
        locked.save(update_fields=["status", "revoked_at", "revoke_reason", "revoke_document"])
        audit_record(
            actor=actor,
            action="certificate.revoke",
            obj=locked,
            changes={
                "status": [CertificateStatus.VALID, CertificateStatus.REVOKED],
                "reason": [None, reason.strip()],
                "document_no": [None, document_no.strip()],
            },
        )
    return locked


def _supersede(
    *, certificate: Certificate, kind: str, reason: str, actor: Any, holder_name: str | None = None
) -> Certificate:
    if not reason.strip():
        raise DomainError("certificate.reason_required", "请填写原因", field="reason")
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != CertificateStatus.VALID:
            raise DomainError(
                "certificate.not_valid",
                f"证书 {old.number} 当前状态为“{old.get_status_display()}”，"
                f"不能{IssueKind(kind).label}",
            )
        holder = Holder(old.candidate, old.occupation, old.specialty_name, old.level)
        new = _create(
            organization=old.organization,
            holder=holder,
            kind=kind,
            issue_date=timezone.localdate(),
            actor=actor,
            result=old.result,
            supersedes=old,
            holder_name=holder_name or old.holder_name,
        )
        old.status = CertificateStatus.SUPERSEDED
        old.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=f"certificate.superseded_by_{kind}",
            obj=old,
            changes={
                "status": [CertificateStatus.VALID, CertificateStatus.SUPERSEDED],
                "superseded_by": [None, new.number],
                "reason": [None, reason.strip()],
            },
        )
    return new


def certificate_reissue(*, certificate: Certificate, reason: str, actor: Any) -> Certificate:
    """补发: a new certificate (new number) replaces a lost or damaged one."""
    return _supersede(certificate=certificate, kind=IssueKind.REISSUED, reason=reason, actor=actor)


def certificate_correct(
    *, certificate: Certificate, holder_name: str, reason: str, actor: Any
) -> Certificate:
    """更正: a new certificate with the corrected name replaces the wrong one."""
    if not holder_name.strip():
        raise DomainError("certificate.name_required", "请填写更正后的姓名", field="holder_name")
    return _supersede(
        certificate=certificate,
        kind=IssueKind.CORRECTED,
        reason=reason,
        actor=actor,
        holder_name=holder_name.strip(),
    )


def certificate_issue(*, result: Any, actor: Any, issue_date: dt.date | None = None) -> Certificate:
    """Issue the certificate for a registered, passing result (scoring.Result)."""
    from skillcert.scoring.models import ResultStatus

    if result.status != ResultStatus.REGISTERED:
        raise DomainError(
            "certificate.result_not_registered",
            "成绩尚未登记备案，不能发证（须经评价机构提交、人社部门确认登记）",
            field="result",
        )
    if not result.passed:
        raise DomainError("certificate.result_not_passed", "该成绩不合格，不能发证", field="result")
    application = result.application
    holder = Holder(
        candidate=application.candidate,
        occupation=result.occupation,
        specialty_name=result.specialty.name if result.specialty_id else "--",
        level=result.level,
    )
    return certificate_issue_for(
        organization=result.organization,
        holder=holder,
        actor=actor,
        result=result,
        issue_date=issue_date,
    )


def certificates_issue_batch(
    *, organization: EvaluationOrg, result_ids: list[int], actor: Any
) -> Any:
    """One call issues a batch in the background; the returned IssueBatch shows progress."""
    from skillcert.certificates.models import IssueBatch
    from skillcert.certificates.tasks import certificates_issue_batch_run

    if not result_ids:
        raise DomainError("certificate.batch_empty", "没有选择要发证的成绩", field="result_ids")
    with transaction.atomic():
        batch = IssueBatch.objects.create(
            organization=organization,
            result_ids=sorted(set(result_ids)),
            total=len(set(result_ids)),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="certificate.batch_start",
            obj=batch,
            changes={"total": [None, batch.total]},
        )
        transaction.on_commit(lambda: certificates_issue_batch_run.enqueue(batch.pk))
    return batch
