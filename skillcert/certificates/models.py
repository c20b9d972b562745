from __future__ import annotations

from django.db import models
from django.db.models import Q

from skillcert.certificates.choices import (
    CertificateStatus,
    IssueBatchStatus,
    IssueKind,
    certificate_title,
)
from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import (
    BackgroundJob,
    CertificateRecord,
    DecidedRequest,
    HolderIdentity,
    MaskedIdNumber,
)
from skillcert.common.pii import EncryptedCharField
from skillcert.occupations.models import LEVEL_CHOICES


class CertificateCounter(models.Model):
    """The last serial used per organisation, year and level. Issuing locks this row, and
    the certificate number's unique constraint backs it up. Certificates without a level
    (专项职业能力证书) count under level 0, their number's level digit: a NULL would not
    meet the unique constraint, so two first issues could each create a counter."""

    organization = ref_fk("organizations.EvaluationOrg")
    year = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField(choices=[(0, "不设等级"), *LEVEL_CHOICES])
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "证书流水号"
        verbose_name_plural = "证书流水号"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "level"], name="certificate_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.year}/{self.level}: {self.last_serial}"


class StatusList(models.Model):
    """One shard of the published revocation list (/certificates/status/<number>): a
    Bitstring Status List of `credentials.STATUS_LIST_BITS` bits. Certificates take random free
    bits of the open list (issuing locks its row) until `allocated` reaches the fill limit;
    then the next list opens."""

    number = models.PositiveIntegerField(primary_key=True)
    allocated = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "证书状态列表"
        verbose_name_plural = "证书状态列表"
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="status_list_from_1")
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.allocated}"


class Certificate(CertificateRecord):
    """An electronic 职业技能等级证书, or a 专项职业能力证书 without a level (`level` is NULL,
    the number's level digit 0). The printed fields are a snapshot taken at issue, exactly
    as DOMAIN.md §5 lists them; a later change of name or organisation needs a correction."""

    kind = models.CharField("类型", max_length=16, choices=IssueKind.choices)
    status = models.CharField(
        "状态", max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    organization = ref_fk("organizations.EvaluationOrg", "评价机构", related_name="certificates")
    result = ref_fk("scoring.Result", "登记成绩", optional=True, related_name="certificates")
    candidate = ref_fk("candidates.Candidate", "持证人", related_name="skill_certificates")
    id_type = models.CharField("证件类型", max_length=20, default="居民身份证")
    occupation = ref_fk("occupations.Occupation")
    specialty_name = models.CharField("工种/职业方向", max_length=100, default="--")
    # NULL: a 专项职业能力证书, which has no level (level_text is then "")
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES, null=True, blank=True)
    level_text = models.CharField("职业技能等级", max_length=20, blank=True)
    photo = models.BinaryField("照片", blank=True, default=b"")
    token = models.TextField("核验令牌")
    status_list = models.PositiveIntegerField("状态列表", default=1)
    status_index = models.IntegerField("状态列表位置")
    # Open Badges 3.0 IdentityObject: the salt of the published `identityHash`
    identity_salt = models.CharField(max_length=32, default="")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    revoke_document = models.CharField("撤销文号", max_length=100, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True, db_index=True)
    created_by = user_fk(on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "职业技能等级证书"
        verbose_name_plural = "职业技能等级证书"
        ordering = ["-id"]
        # The statistics refresh scans these for rows changed since its last run.
        indexes = [
            models.Index(fields=["issue_date"], name="certificate_issue_date"),
            models.Index(fields=["revoked_at"], name="certificate_revoked_at"),
        ]
        constraints = [
            # One first issue per registered result; re-issues and corrections chain from it.
            models.UniqueConstraint(
                fields=["result"], condition=Q(kind="issued"), name="one_certificate_per_result"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[YS][0-9]{14}[0-5][0-9]{6}$"),
                name="certificate_number_format",
            ),
            # Level digit 0 exactly for a certificate without a level (专项职业能力证书).
            models.CheckConstraint(
                condition=Q(level__isnull=True, number__regex=r"^.{15}0")
                | Q(level__gte=1, level__lte=5, number__regex=r"^.{15}[1-5]"),
                name="certificate_level_digit_0_iff_no_level",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_certificate_per_status_bit"
            ),
            models.CheckConstraint(
                condition=Q(status_index__gte=0, status_index__lt=131_072),
                name="status_index_within_list",
            ),
        ]

    @property
    def title(self) -> str:
        """证书名称: 职业技能等级证书, or 专项职业能力证书 for one without a level."""
        return certificate_title(self.level)


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "待审核"  # filed by the organisation; the certificate is unchanged
    APPROVED = "approved", "已同意"  # a corrected certificate replaced the old one
    REJECTED = "rejected", "已驳回"  # the certificate stays as issued


class CorrectionRequest(MaskedIdNumber, DecidedRequest):
    """A request to correct the holder's name or ID number (更正申请). The issuing organisation
    files it with a reason and evidence; an officer over the organisation's region approves it
    (only then is a corrected certificate issued and the old one superseded) or rejects it."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name="原证书",
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    organization = ref_fk("organizations.EvaluationOrg", "评价机构")
    holder_name = models.CharField("更正后的姓名", max_length=50, blank=True)  # "": unchanged
    id_number = EncryptedCharField("更正后的证件号码", blank=True, default="")  # "": unchanged
    reason = models.CharField("更正原因", max_length=500)
    evidence = ref_fk("organizations.StoredFile", "证明材料")
    status = models.CharField(
        "状态", max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    decision_note = models.CharField("审核意见", max_length=500, blank=True)
    corrected_certificate = models.OneToOneField(
        Certificate,
        verbose_name="更正后的证书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction_request",
    )

    class Meta:
        verbose_name = "证书更正申请"
        verbose_name_plural = "证书更正申请"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=Q(status="pending"),
                name="one_pending_correction_per_certificate",
            ),
            # Approved if and only if a corrected certificate was issued.
            models.CheckConstraint(
                condition=Q(status="approved", corrected_certificate__isnull=False)
                | (~Q(status="approved") & Q(corrected_certificate__isnull=True)),
                name="correction_certificate_iff_approved",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="correction_decided_at_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"更正申请 #{self.pk}"


class IssueBatch(BackgroundJob):
    """A bulk issuance running as a background job; progress for the page that started it.
    Started from a registered result batch (`result_batch`), at most one job per batch is
    unfinished at a time; a job started from a list of results has no batch."""

    organization = ref_fk("organizations.EvaluationOrg")
    result_batch = ref_fk("scoring.ResultBatch", "成绩批次", optional=True)
    result_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.JSONField(default=list)  # [{"result": id, "code": ..., "message": ...}]
    status = models.CharField(
        max_length=16, choices=IssueBatchStatus.choices, default=IssueBatchStatus.QUEUED
    )
    created_by = user_fk(blank=False, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = "批量发证"
        verbose_name_plural = "批量发证"
        constraints = [
            # Two clicks on 开始发证 queue one job, not two racing over the same results.
            models.UniqueConstraint(
                fields=["result_batch"],
                condition=Q(status__in=["queued", "running"]),
                name="one_unfinished_issue_job_per_result_batch",
            )
        ]

    def __str__(self) -> str:
        return f"批量发证 #{self.pk} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 100

    @property
    def issued(self) -> int:
        return self.done - len(self.failed)


class LegacyCertificate(HolderIdentity):
    """An imported 职业资格 certificate (16-digit number) that holders cite as a prior
    certificate when applying."""

    number = models.CharField("证书编号", max_length=16, unique=True)
    occupation_name = models.CharField("职业（工种）", max_length=100)
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    issue_date = models.DateField("发证日期")
    issuer = models.CharField("发证机关", max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "职业资格证书（历史）"
        verbose_name_plural = "职业资格证书（历史）"
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{16}$"), name="legacy_16_digits"
            )
        ]

    def __str__(self) -> str:
        return self.number
