"""Revoking, re-issuing and correcting certificates, and starting a bulk issuance.

Issuing itself lives in `certificates.issuing` (re-exported here), which the background batch
(`certificates.tasks`) also uses. A correction of the holder's name or ID number goes through a
request an officer decides (see "correction requests" below); only the approval issues the
corrected certificate."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.lifecycle import Lifecycle
from skillcert.audit.services import audit_record
from skillcert.certificates.issuing import (
    CERTIFICATE,
    TITLE,
    Holder,
    Skip,
    certificate_issue,
    certificate_issue_for,
    certificates_issue_bulk,
    level_text,
    lock_valid,
    require_issuing_staff,
    supersede,
    token_payload,
)
from skillcert.certificates.models import (
    Certificate,
    CertificateStatus,
    CorrectionRequest,
    CorrectionStatus,
    IssueBatch,
    IssueBatchStatus,
    IssueKind,
)
from skillcert.certificates.tasks import certificates_issue_batch_run
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.fonts import require_glyphs
from skillcert.common.identifiers import mask_id_number, normalize, validate_id_number
from skillcert.organizations.permissions import is_officer_over, is_staff_of
from skillcert.organizations.permits import organization_permit_check
from skillcert.organizations.uploads import file_store
from skillcert.scoring.selectors import batch_is_registered, results_registered

if TYPE_CHECKING:
    from skillcert.organizations.models import EvaluationOrg, StoredFile
    from skillcert.scoring.models import Result, ResultBatch

__all__ = [
    "CORRECTION_TRANSITIONS",
    "TITLE",
    "Holder",
    "certificate_correct",
    "certificate_correction_approve",
    "certificate_correction_reject",
    "certificate_correction_request",
    "certificate_issue",
    "certificate_issue_for",
    "certificate_reissue",
    "certificate_revoke",
    "certificates_issue_batch",
    "certificates_issue_bulk",
    "certificates_issue_now",
    "certificates_issue_resume",
    "certificates_issue_start",
    "level_text",
    "token_payload",
]


def certificate_revoke(
    *, certificate: Certificate, reason: str, document_no: str, actor: Actor
) -> Certificate:
    if not reason.strip():
        raise DomainError("certificate.revoke_reason", "请填写撤销原因", field="reason")
    if not document_no.strip():
        raise DomainError("certificate.revoke_document", "请填写撤销依据文号", field="document_no")
    with transaction.atomic():
        locked = lock_valid(certificate, doing="撤销")
        locked.revoked_at = timezone.now()
        locked.revoke_reason = reason.strip()
        locked.revoke_document = document_no.strip()
        CERTIFICATE.move(
            locked,
            CertificateStatus.REVOKED,
            actor=actor,
            action="revoke",
            update_fields=("revoked_at", "revoke_reason", "revoke_document"),
            changes={
                "reason": [None, reason.strip()],
                "document_no": [None, document_no.strip()],
            },
        )
    return locked


def certificate_reissue(*, certificate: Certificate, reason: str, actor: Actor) -> Certificate:
    """补发: a new certificate (new number) replaces a lost or damaged one."""
    return supersede(certificate=certificate, kind=IssueKind.REISSUED, reason=reason, actor=actor)


def certificate_correct(
    *, certificate: Certificate, holder_name: str, reason: str, actor: Actor
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


def certificates_issue_batch(
    *,
    organization: EvaluationOrg,
    result_ids: list[int],
    actor: Actor,
    result_batch: ResultBatch | None = None,
) -> IssueBatch:
    """One call issues a batch in the background; the returned IssueBatch shows progress.
    With `result_batch`, the job is that batch's (one unfinished job per batch)."""
    require_issuing_staff(actor, organization)
    if not result_ids:
        raise DomainError("certificate.batch_empty", "没有选择要发证的成绩", field="result_ids")
    ids = sorted(set(result_ids))
    with transaction.atomic():
        try:
            with transaction.atomic():
                batch = IssueBatch.objects.create(
                    organization=organization,
                    result_batch=result_batch,
                    result_ids=ids,
                    total=len(ids),
                    created_by=actor_user(actor),
                )
        except IntegrityError:  # the partial unique index: one unfinished job per result batch
            raise DomainError(
                "certificate.issue_job_running",
                "该成绩批次已有正在进行的批量发证任务，请在进度页查看或继续该任务",
            ) from None
        audit_record(
            actor=actor,
            action="certificate.batch_start",
            obj=batch,
            changes={"total": [None, batch.total], "result_batch": [None, batch.result_batch_id]},
        )
        transaction.on_commit(lambda: certificates_issue_batch_run.enqueue(batch.pk))
    return batch


def _issuable(result_batch: ResultBatch, actor: Actor, day: dt.date) -> list[Result]:
    """The registered passing results of the batch still without their certificate, once the
    actor is the organisation's staff, the batch is registered and the organisation's standing
    lets it issue on `day` (each certificate's occupation × level is checked as it is issued)."""
    organization = result_batch.organization
    require_issuing_staff(actor, organization)
    if not batch_is_registered(result_batch):
        raise DomainError(
            "certificate.batch_not_registered",
            f"评价计划 {result_batch.plan.code} 的成绩批次尚未登记备案"
            f"（当前状态：{result_batch.get_status_display()}），登记备案后方可发证",
            field="batch",
        )
    organization_permit_check(org=organization, action="issue", day=day)
    issued = set(
        Certificate.objects.filter(result__batch=result_batch, kind=IssueKind.ISSUED).values_list(
            "result_id", flat=True
        )
    )
    return [r for r in results_registered(plan=result_batch.plan) if r.pk not in issued]


def certificates_issue_start(*, result_batch: ResultBatch, actor: Actor) -> IssueBatch:
    """Issue, in one background job, every registered passing result of the batch that has no
    certificate yet. Started again later, it takes only the results still without one."""
    pending = _issuable(result_batch, actor, timezone.localdate())
    if not pending:
        raise DomainError(
            "certificate.batch_all_issued",
            f"评价计划 {result_batch.plan.code} 的合格成绩均已发证，没有待发证的成绩",
            field="batch",
        )
    return certificates_issue_batch(
        organization=result_batch.organization,
        result_ids=[r.pk for r in pending],
        actor=actor,
        result_batch=result_batch,
    )


def certificates_issue_resume(*, job: IssueBatch, actor: Actor) -> IssueBatch:
    """Run an unfinished job again (its worker was stopped): results already issued are
    skipped, so nothing is issued twice."""
    require_issuing_staff(actor, job.organization)
    if job.status == IssueBatchStatus.FINISHED:
        raise DomainError(
            "certificate.issue_job_finished",
            f"批量发证任务 #{job.pk} 已完成；还有未发证的成绩时请重新开始发证",
        )
    audit_record(actor=actor, action="certificate.batch_resume", obj=job, changes={})
    transaction.on_commit(lambda: certificates_issue_batch_run.enqueue(job.pk))
    return job


@dataclass(frozen=True)
class IssueOutcome:
    issued: list[str]  # the certificate numbers (a dry run's are the numbers it would take)
    skipped: list[Skip]


class _DryRun(Exception):
    pass


def certificates_issue_now(
    *, result_batch: ResultBatch, actor: Actor, dry_run: bool = False
) -> IssueOutcome:
    """Issue the batch's pending results here and now (the command line). A dry run issues
    them inside a transaction it rolls back: the same checks, nothing stored."""
    issued: list[str] = []
    skipped: list[Skip] = []
    try:
        with transaction.atomic():
            certificates, skips = certificates_issue_bulk(
                results=_issuable(result_batch, actor, timezone.localdate()), actor=actor
            )
            issued.extend(c.number for c in certificates)
            skipped.extend(skips)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return IssueOutcome(issued, skipped)


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
# Audit actions "certificate.correction_<decision>", as the trail has always named them.
CORRECTION: Lifecycle[str] = Lifecycle(
    "certificate",
    CORRECTION_TRANSITIONS,
    {str(k): str(v) for k, v in CorrectionStatus.choices},
)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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


def _correction_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError("certificate.correction_reason", "请填写更正原因", field="reason")
    if len(reason) > 500:
        raise DomainError(
            "certificate.correction_reason", "更正原因不能超过500个字", field="reason"
        )
    return reason


def _corrections_asked(
    certificate: Certificate, holder_name: str, id_number: str
) -> tuple[str, str]:
    """The corrected name and ID number ("" for the one left as it is); at least one."""
    new_name = _corrected_name(certificate, holder_name)
    new_id_number = _corrected_id_number(certificate, id_number)
    if not new_name and not new_id_number:
        raise DomainError(
            "certificate.correction_empty",
            "请填写更正后的姓名或更正后的证件号码（至少一项）",
            field="holder_name",
        )
    return new_name, new_id_number


def _pending_refusal(certificate: Certificate) -> DomainError:
    return DomainError(
        "certificate.correction_pending",
        f"证书 {certificate.number} 已有待审核的更正申请，请等待人社部门审核",
    )


def _lock_correctable(certificate: Certificate) -> Certificate:
    locked = lock_valid(certificate, doing="申请更正")
    if CorrectionRequest.objects.filter(
        certificate=locked, status=CorrectionStatus.PENDING
    ).exists():
        raise _pending_refusal(locked)
    return locked


def _store_evidence(
    organization: EvaluationOrg, evidence: UploadedFile, actor: Actor
) -> StoredFile:
    try:
        return file_store(org=organization, upload=evidence, actor=actor)
    except DomainError as exc:
        # The upload checks name the generic "file"; on this form it is the evidence.
        raise DomainError(exc.code, f"证明材料：{exc.message}", field="evidence") from None


def _correction_create(
    *, locked: Certificate, name: str, id_number: str, reason: str, stored: StoredFile, actor: Actor
) -> CorrectionRequest:
    with transaction.atomic():
        correction = CorrectionRequest.objects.create(
            certificate=locked,
            organization=locked.organization,
            holder_name=name,
            id_number=id_number,
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
            "holder_name": [locked.holder_name, name or locked.holder_name],
            # masked: the audit trail is no place for a full ID number
            "id_number": [
                mask_id_number(locked.id_number),
                mask_id_number(id_number or locked.id_number),
            ],
            "reason": [None, reason],
            "evidence": [None, stored.pk],
        },
    )
    return correction


def certificate_correction_request(
    *,
    certificate: Certificate,
    holder_name: str,
    id_number: str,
    reason: str,
    evidence: UploadedFile | None,
    actor: Actor,
) -> CorrectionRequest:
    """File a request to correct the holder's name and/or ID number. Nothing on the
    certificate changes until an officer approves it."""
    organization = certificate.organization
    if not is_staff_of(actor_scope(actor), organization):
        raise Forbidden(
            "certificate.correction_forbidden",
            f"只有发证机构“{organization.name}”的工作人员可以申请更正证书",
        )
    reason = _correction_reason(reason)
    new_name, new_id_number = _corrections_asked(certificate, holder_name, id_number)
    if evidence is None:
        raise DomainError(
            "certificate.correction_evidence_required",
            "请上传证明材料（如公安机关出具的户籍证明或身份证件，PDF、JPEG 或 PNG 格式）",
            field="evidence",
        )
    with transaction.atomic():
        locked = _lock_correctable(certificate)
        stored = _store_evidence(organization, evidence, actor)
        try:
            return _correction_create(
                locked=locked,
                name=new_name,
                id_number=new_id_number,
                reason=reason,
                stored=stored,
                actor=actor,
            )
        except Exception as exc:
            # The row did not make it: do not leave the evidence behind as an orphan.
            stored.file.delete(save=False)
            if isinstance(exc, IntegrityError):  # a concurrent request won the unique index
                raise _pending_refusal(locked) from None
            raise


def _require_officer_over(correction: CorrectionRequest, actor: Actor) -> None:
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
    *, correction: CorrectionRequest, note: str = "", actor: Actor
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
        CORRECTION.check(locked.status, CorrectionStatus.APPROVED)
        new = supersede(
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
        CORRECTION.move(
            locked,
            CorrectionStatus.APPROVED,
            actor=actor,
            action="correction_approve",
            update_fields=("decided_by", "decided_at", "decision_note", "corrected_certificate"),
            changes={
                "superseded": [None, locked.certificate.number],
                "corrected_certificate": [None, new.number],
                "note": [None, note],
            },
        )
    return new


def certificate_correction_reject(
    *, correction: CorrectionRequest, note: str, actor: Actor
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
        locked.decided_by = actor_user(actor)
        locked.decided_at = timezone.now()
        locked.decision_note = note
        CORRECTION.move(
            locked,
            CorrectionStatus.REJECTED,
            actor=actor,
            action="correction_reject",
            update_fields=("decided_by", "decided_at", "decision_note"),
            changes={"note": [None, note]},
        )
    return locked
