"""Filing applications (备案申请): the conditions and evidence they need, the requested
scope, the two-tier review, and the scope (认定范围) an approved filing grants."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import ChecklistRow, between_check, sha256_check
from skillcert.common.uploads import UploadedDocument
from skillcert.organizations.models.levels import ScopeLine
from skillcert.organizations.models.organization import ContactDetails, EvaluationOrg, OrgKind


class EvidenceKind(models.TextChoices):
    FILE = "file", "上传文件"
    NUMBER = "number", "填写数量"
    TEXT = "text", "填写说明"
    DECLARATION = "declaration", "承诺声明"


class FilingCondition(ChecklistRow):
    """One filing condition for one organisation type (seed 001, seed 004 §四/§十七), with
    the evidence it needs. Data, not code: provinces add and retire items."""

    kind = models.CharField("机构类型", max_length=16, choices=OrgKind.choices)
    code = models.CharField("条件代码", max_length=40)
    title = models.CharField("条件", max_length=200)
    guidance = models.TextField("说明", blank=True)
    evidence = models.CharField("证明方式", max_length=16, choices=EvidenceKind.choices)
    min_value = models.PositiveIntegerField("最小数量", null=True, blank=True)
    required = models.BooleanField("必备", default=True)
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta(ChecklistRow.Meta):
        verbose_name = "备案条件"
        verbose_name_plural = "备案条件"
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="checklist_item_unique"),
            models.CheckConstraint(
                condition=Q(evidence="number") | Q(min_value__isnull=True),
                name="checklist_min_value_only_for_numbers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


class StoredFile(UploadedDocument):
    """An uploaded document, checked by content on the way in. Served only as an attachment
    to staff of its organisation and officers over its region."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="files"
    )
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    file = models.FileField("文件", upload_to="organizations/%Y/%m/")

    class Meta:
        verbose_name = "上传材料"
        verbose_name_plural = "上传材料"
        ordering = ["-id"]
        constraints = [sha256_check(name="file_sha256")]


class FilingPurpose(models.TextChoices):
    INITIAL = "initial", "首次备案"
    SCOPE_CHANGE = "scope_change", "变更认定范围"
    RENEWAL = "renewal", "延续备案"


class FilingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # the organisation is filling it in
    SUBMITTED = "submitted", "待市级审核"  # waiting for the city (first tier)
    CITY_APPROVED = "city_approved", "待省级审核"  # city agreed; the scope needs the province
    RETURNED = "returned", "退回修改"  # sent back with reasons; the organisation corrects it
    APPROVED = "approved", "已通过"  # filed: number, scope and validity applied to the org
    REJECTED = "rejected", "不予备案"  # final refusal with reasons
    WITHDRAWN = "withdrawn", "已撤回"  # the organisation gave up this application


OPEN_FILING_STATUSES = (
    FilingStatus.DRAFT,
    FilingStatus.SUBMITTED,
    FilingStatus.CITY_APPROVED,
    FilingStatus.RETURNED,
)


class FilingApplication(ContactDetails):
    """An application to file, change the scope of, or renew a filing. One open application
    per organisation at a time (database constraint)."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="applications"
    )
    purpose = models.CharField("申请事项", max_length=16, choices=FilingPurpose.choices)
    status = models.CharField(
        "状态", max_length=16, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    service_region = ref_fk("regions.Region", "认定区域")
    authority_code = models.CharField("备案机关代码", max_length=4, default="0000")
    needs_province_review = models.BooleanField("需省级审核", default=False)
    last_reason = models.TextField("最近退回/不予备案原因", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = user_fk("创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "备案申请"
        verbose_name_plural = "备案申请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "org"], name="filing_status_org")]
        constraints = [
            models.UniqueConstraint(
                fields=["org"],
                condition=Q(status__in=["draft", "submitted", "city_approved", "returned"]),
                name="filing_one_open_application_per_org",
            ),
            models.CheckConstraint(
                condition=Q(authority_code__regex=r"^[0-9]{4}$"), name="filing_authority_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org.name} · {self.get_purpose_display()}（{self.get_status_display()}）"


class FilingScopeLine(ScopeLine):
    """Occupation (and specialty) × level requested by an application."""

    application = models.ForeignKey(
        FilingApplication, verbose_name="申请", on_delete=models.CASCADE, related_name="lines"
    )

    class Meta:
        verbose_name = "申请认定范围"
        verbose_name_plural = "申请认定范围"
        ordering = ["occupation__code", "-level"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "occupation", "specialty", "level"],
                name="filing_line_unique",
            ),
            between_check("level", 1, 5, name="filing_line_level"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.level}"


class FilingEvidence(models.Model):
    """The evidence an application gives for one checklist item."""

    application = models.ForeignKey(
        FilingApplication, verbose_name="申请", on_delete=models.CASCADE, related_name="evidence"
    )
    item = models.ForeignKey(
        FilingCondition, verbose_name="条件", on_delete=models.PROTECT, related_name="+"
    )
    file = models.ForeignKey(
        StoredFile,
        verbose_name="文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number_value = models.PositiveIntegerField("数量", null=True, blank=True)
    text_value = models.TextField("说明", blank=True)
    declared = models.BooleanField("已承诺", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "备案证明材料"
        verbose_name_plural = "备案证明材料"
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="filing_evidence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.item_id}"


class ReviewTier(models.TextChoices):
    CITY = "city", "市级审核"
    PROVINCE = "province", "省级审核"


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", "通过"
    RETURN = "return", "退回修改"
    REJECT = "reject", "不予备案"


class FilingReview(models.Model):
    """One review decision, kept forever (the application's history)."""

    application = models.ForeignKey(
        FilingApplication, verbose_name="申请", on_delete=models.CASCADE, related_name="reviews"
    )
    tier = models.CharField("审核层级", max_length=16, choices=ReviewTier.choices)
    decision = models.CharField("审核结论", max_length=16, choices=ReviewDecision.choices)
    reason = models.TextField("意见", blank=True)
    actor = user_fk("审核人")
    created_at = models.DateTimeField("审核时间", auto_now_add=True)

    class Meta:
        verbose_name = "备案审核记录"
        verbose_name_plural = "备案审核记录"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="approve") | ~Q(reason=""),
                name="review_reason_when_not_approved",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.get_decision_display()}"


class OrgScope(ScopeLine):
    """A line of an organisation's filed scope. Dropped lines are kept with `until`, so the
    history of what it could certify on a day is answerable."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="scope"
    )
    active = models.BooleanField("有效", default=True)
    since = models.DateField("纳入日期")
    until = models.DateField("移出日期", null=True, blank=True)
    application = models.ForeignKey(
        FilingApplication,
        verbose_name="依据申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "认定范围"
        verbose_name_plural = "认定范围"
        ordering = ["org", "occupation__code", "-level"]
        indexes = [
            # the public directory filters by occupation (and level), then joins the org
            models.Index(
                fields=["occupation", "level", "org"],
                condition=Q(active=True),
                name="scope_active_occupation",
            ),
            models.Index(fields=["org", "active"], name="scope_org_active"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "occupation", "specialty", "level"],
                condition=Q(active=True),
                name="scope_active_unique",
            ),
            between_check("level", 1, 5, name="scope_level"),
            models.CheckConstraint(
                condition=Q(active=True, until__isnull=True) | Q(active=False, until__isnull=False),
                name="scope_until_iff_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}:{self.occupation_id}/{self.level}"
