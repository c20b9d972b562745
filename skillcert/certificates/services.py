"""Issuing, revoking, re-issuing and correcting certificates.

A certificate is issued only from a registered, passing result, by the organisation whose
filing covers the occupation and level on the issue date. Numbers come from a locked counter
per organisation, year and level (plus the number's unique constraint), so concurrent issuing
never duplicates a serial, and a number is never reused — revoked certificates keep theirs.
A correction of the holder's name or ID number goes through a request an officer decides
(see "correction requests" below); only the approval issues the corrected certificate."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from skillcert.audit.services import audit_record
from skillcert.certificates.keys import current_signing_key
from skillcert.certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateStatus,
    CorrectionRequest,
    CorrectionStatus,
    IssueKind,
    StatusListCounter,
)
from skillcert.certificates.numbering import format_certificate_number
from skillcert.certificates.tokens import sign_token
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.fonts import require_glyphs
from skillcert.common.identifiers import mask_id_number, normalize, validate_id_number
from skillcert.common.pii import pii_digest
from skillcert.common.transitions import check_transition
from skillcert.eligibility.engine import LEVEL_NAMES, LEVEL_TITLES
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.permissions import (
    actor_scope,
    actor_user,
    is_officer_over,
    is_staff_of,
)
from skillcert.organizations.permits import organization_check_may_evaluate
from skillcert.organizations.uploads import file_store

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
    id_number: str | None = None,
) -> Certificate:
    if not organization.filing_number:
        raise DomainError("certificate.org_not_filed", f"{organization.name}尚未备案，不能发证")
    organization_check_may_evaluate(
        org=organization, occupation_id=holder.occupation.pk, level=holder.level, day=issue_date
    )
    candidate = holder.candidate
    name = holder_name or candidate.full_name
    id_number = id_number or candidate.id_number
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
        id_number=id_number,
        id_number_digest=pii_digest(id_number),
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
    *,
    certificate: Certificate,
    kind: str,
    reason: str,
    actor: Any,
    holder_name: str | None = None,
    id_number: str | None = None,
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
            id_number=id_number or old.id_number,
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
    """更正 used to be immediate, which let an organisation re-issue any of its certificates
    to any name as genuine. A correction of the holder's name or ID number is now a request
    (`certificate_correction_request` in certificates.corrections) that an officer approves;
    this entry point refuses everyone, with a code callers can match on."""
    raise DomainError(
        "certificate.correction_needs_approval",
        f"证书 {certificate.number} 的持证人姓名或证件号码须通过更正申请办理：评价机构提交更正原因"
        "和证明材料，经人社部门审核同意后换发更正后的证书",
        field="holder_name",
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


# --- correction requests (更正申请) ----------------------------------------------------------
#
# The organisation that issued a certificate files the request with a reason and evidence;
# an officer whose jurisdiction covers the organisation's region (the city officer over it, or
# the province officer) decides. The city officer is the organisation's first-line authority
# and already sees its certificates and files; the province officer covers every city, as for
# revocation. Whoever filed a request never approves it.

CORRECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    CorrectionStatus.PENDING: frozenset({CorrectionStatus.APPROVED, CorrectionStatus.REJECTED}),
    CorrectionStatus.APPROVED: frozenset(),
    CorrectionStatus.REJECTED: frozenset(),
}
_CORRECTION_LABELS = {str(k): str(v) for k, v in CorrectionStatus.choices}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _correction_move(correction: CorrectionRequest, target: str) -> None:
    check_transition(
        allowed=CORRECTION_TRANSITIONS,
        current=correction.status,
        target=target,
        labels=_CORRECTION_LABELS,
    )
    correction.status = target


def _corrected_name(certificate: Certificate, raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        return ""
    if len(name) > 50 or _CONTROL_CHARACTERS.search(name):
        raise DomainError(
            "certificate.correction_name_invalid",
            "更正后的姓名应为不超过50个字的姓名，不能含有控制字符",
            field="holder_name",
        )
    if name == certificate.holder_name:
        raise DomainError(
            "certificate.correction_name_unchanged",
            "更正后的姓名与证书上的姓名相同；只需更正证件号码时请将姓名留空",
            field="holder_name",
        )
    require_glyphs(name, field="holder_name")
    return name


def _corrected_id_number(certificate: Certificate, raw: str) -> str:
    if not raw.strip():
        return ""
    if certificate.id_type == "居民身份证":
        value = validate_id_number(raw)
    else:
        value = normalize(raw)
        if not 1 <= len(value) <= 30:
            raise DomainError(
                "certificate.correction_id_invalid", "证件号码应为1至30位", field="id_number"
            )
    if value == certificate.id_number:
        raise DomainError(
            "certificate.correction_id_unchanged",
            "更正后的证件号码与证书上的号码相同；只需更正姓名时请将证件号码留空",
            field="id_number",
        )
    return value


def certificate_correction_request(
    *,
    certificate: Certificate,
    holder_name: str,
    id_number: str,
    reason: str,
    evidence: UploadedFile | None,
    actor: Any,
) -> CorrectionRequest:
    """File a request to correct the holder's name and/or ID number. Nothing on the
    certificate changes until an officer approves it."""
    organization = certificate.organization
    if not is_staff_of(actor_scope(actor), organization):
        raise Forbidden(
            "certificate.correction_forbidden",
            f"只有发证机构“{organization.name}”的工作人员可以申请更正证书",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError("certificate.correction_reason", "请填写更正原因", field="reason")
    if len(reason) > 500:
        raise DomainError(
            "certificate.correction_reason", "更正原因不能超过500个字", field="reason"
        )
    new_name = _corrected_name(certificate, holder_name)
    new_id_number = _corrected_id_number(certificate, id_number)
    if not new_name and not new_id_number:
        raise DomainError(
            "certificate.correction_empty",
            "请填写更正后的姓名或更正后的证件号码（至少一项）",
            field="holder_name",
        )
    if evidence is None:
        raise DomainError(
            "certificate.correction_evidence_required",
            "请上传证明材料（如公安机关出具的户籍证明或身份证件，PDF、JPEG 或 PNG 格式）",
            field="evidence",
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != CertificateStatus.VALID:
            raise DomainError(
                "certificate.not_valid",
                f"证书 {locked.number} 当前状态为“{locked.get_status_display()}”，不能申请更正",
            )
        pending = DomainError(
            "certificate.correction_pending",
            f"证书 {locked.number} 已有待审核的更正申请，请等待人社部门审核",
        )
        if CorrectionRequest.objects.filter(
            certificate=locked, status=CorrectionStatus.PENDING
        ).exists():
            raise pending
        try:
            stored = file_store(org=organization, upload=evidence, actor=actor)
        except DomainError as exc:
            # The upload checks name the generic "file"; on this form it is the evidence.
            raise DomainError(exc.code, f"证明材料：{exc.message}", field="evidence") from None
        try:
            with transaction.atomic():
                correction = CorrectionRequest.objects.create(
                    certificate=locked,
                    organization=organization,
                    holder_name=new_name,
                    id_number=new_id_number,
                    reason=reason,
                    evidence=stored,
                    requested_by=actor_user(actor),
                )
            audit_record(
                actor=actor,
                action="certificate.correction_request",
                obj=correction,
                changes={
                    "certificate": [None, locked.number],
                    "holder_name": [locked.holder_name, new_name or locked.holder_name],
                    # masked: the audit trail is no place for a full ID number
                    "id_number": [
                        mask_id_number(locked.id_number),
                        mask_id_number(new_id_number or locked.id_number),
                    ],
                    "reason": [None, reason],
                    "evidence": [None, stored.pk],
                },
            )
        except Exception as exc:
            # The row did not make it: do not leave the evidence behind as an orphan.
            stored.file.delete(save=False)
            if isinstance(exc, IntegrityError):  # a concurrent request won the unique index
                raise pending from None
            raise
    return correction


def _require_officer_over(correction: CorrectionRequest, actor: Any) -> None:
    if not is_officer_over(actor_scope(actor), correction.organization):
        raise Forbidden(
            "certificate.correction_forbidden",
            f"更正申请须由“{correction.organization.name}”所在地区的人社部门审核",
        )


def _lock_correction(correction: CorrectionRequest) -> CorrectionRequest:
    """The certificate first, then the request: the order filing takes them in."""
    Certificate.objects.select_for_update().get(pk=correction.certificate_id)
    return (
        CorrectionRequest.objects.select_for_update()
        .select_related("certificate", "organization")
        .get(pk=correction.pk)
    )


def certificate_correction_approve(
    *, correction: CorrectionRequest, note: str = "", actor: Any
) -> Certificate:
    """Issue the corrected certificate (new number) and supersede the old one, whose bit in
    the status list is then set, so its QR code and credential no longer verify."""
    _require_officer_over(correction, actor)
    user = actor_user(actor)
    if correction.requested_by_id is not None and (
        user is not None and correction.requested_by_id == user.pk
    ):
        raise Forbidden(
            "certificate.correction_self_approval",
            "不能审核本人提交的更正申请，请由其他工作人员审核",
        )
    note = note.strip()[:500]
    with transaction.atomic():
        locked = _lock_correction(correction)
        _correction_move(locked, CorrectionStatus.APPROVED)
        new = _supersede(
            certificate=locked.certificate,
            kind=IssueKind.CORRECTED,
            reason=f"更正申请 #{locked.pk}：{locked.reason}",
            actor=actor,
            holder_name=locked.holder_name or None,
            id_number=locked.id_number or None,
        )
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.corrected_certificate = new
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "corrected_certificate",
            ]
        )
        audit_record(
            actor=actor,
            action="certificate.correction_approve",
            obj=locked,
            changes={
                "status": [CorrectionStatus.PENDING, CorrectionStatus.APPROVED],
                "superseded": [None, locked.certificate.number],
                "corrected_certificate": [None, new.number],
                "note": [None, note],
            },
        )
    return new


def certificate_correction_reject(
    *, correction: CorrectionRequest, note: str, actor: Any
) -> CorrectionRequest:
    """The certificate stays as issued; the organisation sees the reason."""
    _require_officer_over(correction, actor)
    note = note.strip()
    if not note:
        raise DomainError("certificate.correction_note", "请填写驳回理由", field="note")
    if len(note) > 500:
        raise DomainError("certificate.correction_note", "驳回理由不能超过500个字", field="note")
    with transaction.atomic():
        locked = _lock_correction(correction)
        _correction_move(locked, CorrectionStatus.REJECTED)
        locked.decided_by = actor_user(actor)
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action="certificate.correction_reject",
            obj=locked,
            changes={
                "status": [CorrectionStatus.PENDING, CorrectionStatus.REJECTED],
                "note": [None, note],
            },
        )
    return locked
