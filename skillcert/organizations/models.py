"""Evaluation organisations (评价机构): identity, filing (备案) with its scope and number,
uploaded evidence, lifecycle events, annual reports and the integrity file (诚信档案) with the
abnormal list (异常名录) and blacklist (黑名单).

Statuses move only through the transition tables in `transitions.py`, called by services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from skillcert.organizations.core import LEVEL_NAMES


class OrgKind(models.TextChoices):
    EMPLOYER = "Y", "用人单位"
    SOCIAL = "S", "社会培训评价组织"
    SCHOOL = "school", "院校"
    ASSOCIATION = "association", "行业协会"


# The filing number's first character (DOMAIN.md §5): employers evaluate as `Y`; every other
# kind files as a social training-evaluation organisation, `S`.
FILING_LETTER: dict[str, str] = {
    OrgKind.EMPLOYER: "Y",
    OrgKind.SOCIAL: "S",
    OrgKind.SCHOOL: "S",
    OrgKind.ASSOCIATION: "S",
}


class OrgStatus(models.TextChoices):
    UNFILED = "unfiled", "未备案"  # known to the platform, never filed (or filing not approved)
    FILED = "filed", "已备案"  # may evaluate within its scope until `valid_until`
    SUSPENDED = "suspended", "暂停认定"  # filing kept, no plans or certificates until resumed
    REVOKED = "revoked", "已撤销备案"  # cancelled by the authority; number retired
    EXITED = "exited", "已退出"  # withdrew voluntarily; number retired


class EvaluationOrg(models.Model):
    """An evaluation organisation. The filing fields are filled by the approved filing
    application; `filing_number` stays on the row after revocation or exit (history), and the
    number ledger (`FilingNumber`) guarantees it is never given to anyone else."""

    name = models.CharField("机构名称", max_length=200)
    kind = models.CharField("机构类型", max_length=16, choices=OrgKind.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在地区", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "备案状态", max_length=16, choices=OrgStatus.choices, default=OrgStatus.UNFILED
    )
    filing_number = models.CharField("备案编号", max_length=13, null=True, blank=True, unique=True)
    service_region = models.ForeignKey(
        "regions.Region",
        verbose_name="认定区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)  # last valid day
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价机构"
        verbose_name_plural = "评价机构"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "region"], name="org_status_region"),
            models.Index(fields=["name"], name="org_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="unfiled") | Q(filing_number__isnull=False),
                name="org_filed_has_number",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="org_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def filing_letter(self) -> str:
        return FILING_LETTER[self.kind]


class FilingPolicy(models.Model):
    """Rules that vary by province, kept as data. The row with a blank province is the
    default for provinces without their own."""

    province = models.CharField("省份代码", max_length=2, blank=True, unique=True)
    validity_years = models.PositiveSmallIntegerField("备案有效期（年）", default=3)
    renewal_window_days = models.PositiveSmallIntegerField("可申请延续的提前天数", default=90)
    province_review_levels = models.JSONField(
        "需省级审核的等级", default=list
    )  # e.g. [2, 1]: 技师、高级技师 need the province
    annual_report_due_month = models.PositiveSmallIntegerField("年报截止月", default=12)
    annual_report_due_day = models.PositiveSmallIntegerField("年报截止日", default=31)
    note = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "备案规则"
        verbose_name_plural = "备案规则"
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_years__gte=1, validity_years__lte=10),
                name="policy_validity_1_10_years",
            ),
            models.CheckConstraint(
                condition=Q(annual_report_due_month__gte=1, annual_report_due_month__lte=12)
                & Q(annual_report_due_day__gte=1, annual_report_due_day__lte=31),
                name="policy_due_date_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"备案规则 {self.province or '默认'}"


class FilingCounter(models.Model):
    """The last serial handed out per (type letter, authority code, province). Allocation
    locks this row, so two approvals at once queue here instead of reading the same serial."""

    letter = models.CharField("类型字母", max_length=1)
    authority_code = models.CharField("机构代码", max_length=4)
    province = models.CharField("省份代码", max_length=2)
    last_serial = models.PositiveIntegerField("已分配至", default=0)

    class Meta:
        verbose_name = "备案编号计数器"
        verbose_name_plural = "备案编号计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "authority_code", "province"], name="filing_counter_unique"
            ),
            models.CheckConstraint(
                condition=Q(last_serial__lte=999999), name="filing_counter_six_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter}{self.authority_code}{self.province} → {self.last_serial:06d}"


class FilingNumber(models.Model):
    """Ledger of every filing number ever issued. Rows are never deleted, and the unique
    constraint is the database's guarantee that a number is never issued twice."""

    number = models.CharField("备案编号", max_length=13, unique=True)
    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="numbers"
    )
    allocated_at = models.DateTimeField("分配时间", auto_now_add=True)

    class Meta:
        verbose_name = "备案编号"
        verbose_name_plural = "备案编号"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[YS][0-9]{12}$"), name="filing_number_format"
            )
        ]

    def __str__(self) -> str:
        return self.number


class EvidenceKind(models.TextChoices):
    FILE = "file", "上传文件"
    NUMBER = "number", "填写数量"
    TEXT = "text", "填写说明"
    DECLARATION = "declaration", "承诺声明"


class ChecklistItem(models.Model):
    """One filing condition for one organisation type (seed 001, seed 004 §四/§十七), with
    the evidence it needs. Data, not code: provinces add and retire items."""

    kind = models.CharField("机构类型", max_length=16, choices=OrgKind.choices)
    code = models.CharField("条件代码", max_length=40)
    title = models.CharField("条件", max_length=200)
    guidance = models.TextField("说明", blank=True)
    evidence = models.CharField("证明方式", max_length=16, choices=EvidenceKind.choices)
    min_value = models.PositiveIntegerField("最小数量", null=True, blank=True)
    required = models.BooleanField("必备", default=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    basis = models.CharField("依据", max_length=200, blank=True)
    active = models.BooleanField("现行有效", default=True)

    class Meta:
        verbose_name = "备案条件"
        verbose_name_plural = "备案条件"
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="checklist_item_unique"),
            models.CheckConstraint(
                condition=Q(evidence="number") | Q(min_value__isnull=True),
                name="checklist_min_value_only_for_numbers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


class StoredFile(models.Model):
    """An uploaded document, checked by content on the way in. Served only as an attachment
    to staff of its organisation and officers over its region."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="files"
    )
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=64)  # detected, not as claimed
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    file = models.FileField("文件", upload_to="organizations/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "上传材料"
        verbose_name_plural = "上传材料"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="file_sha256")
        ]

    def __str__(self) -> str:
        return self.original_name


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


class FilingApplication(models.Model):
    """An application to file, change the scope of, or renew a filing. One open application
    per organisation at a time (database constraint)."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="applications"
    )
    purpose = models.CharField("申请事项", max_length=16, choices=FilingPurpose.choices)
    status = models.CharField(
        "状态", max_length=16, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    service_region = models.ForeignKey(
        "regions.Region", verbose_name="认定区域", on_delete=models.PROTECT, related_name="+"
    )
    authority_code = models.CharField("备案机关代码", max_length=4, default="0000")
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    needs_province_review = models.BooleanField("需省级审核", default=False)
    last_reason = models.TextField("最近退回/不予备案原因", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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


class FilingScopeLine(models.Model):
    """Occupation (and specialty) × level requested by an application."""

    application = models.ForeignKey(
        FilingApplication, verbose_name="申请", on_delete=models.CASCADE, related_name="lines"
    )
    occupation = models.ForeignKey(
        "occupations.Occupation", verbose_name="职业", on_delete=models.PROTECT, related_name="+"
    )
    specialty = models.ForeignKey(
        "occupations.Specialty",
        verbose_name="工种",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField("等级")

    class Meta:
        verbose_name = "申请认定范围"
        verbose_name_plural = "申请认定范围"
        ordering = ["occupation__code", "-level"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "occupation", "specialty", "level"],
                name="filing_line_unique",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="filing_line_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.level}"

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, str(self.level))


class FilingEvidence(models.Model):
    """The evidence an application gives for one checklist item."""

    application = models.ForeignKey(
        FilingApplication, verbose_name="申请", on_delete=models.CASCADE, related_name="evidence"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name="条件", on_delete=models.PROTECT, related_name="+"
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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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


class OrgScope(models.Model):
    """A line of an organisation's filed scope. Dropped lines are kept with `until`, so the
    history of what it could certify on a day is answerable."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="scope"
    )
    occupation = models.ForeignKey(
        "occupations.Occupation", verbose_name="职业", on_delete=models.PROTECT, related_name="+"
    )
    specialty = models.ForeignKey(
        "occupations.Specialty",
        verbose_name="工种",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField("等级")
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
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="scope_level"),
            models.CheckConstraint(
                condition=Q(active=True, until__isnull=True) | Q(active=False, until__isnull=False),
                name="scope_until_iff_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}:{self.occupation_id}/{self.level}"

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, str(self.level))


class OrgEventKind(models.TextChoices):
    FILED = "filed", "备案"
    SCOPE_CHANGED = "scope_changed", "变更认定范围"
    SCOPE_DROPPED = "scope_dropped", "缩减认定范围"
    RENEWED = "renewed", "延续备案"
    SUSPENDED = "suspended", "暂停认定"
    RESUMED = "resumed", "恢复认定"
    REVOKED = "revoked", "撤销备案"
    EXITED = "exited", "退出"


class OrgEvent(models.Model):
    """Every lifecycle step of an organisation, for its history page."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("事项", max_length=16, choices=OrgEventKind.choices)
    reason = models.TextField("原因", blank=True)
    document_no = models.CharField("文号", max_length=100, blank=True)
    data = models.JSONField("详情", default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "机构变动记录"
        verbose_name_plural = "机构变动记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class CreditEventKind(models.TextChoices):
    LATE_REPORT = "late_report", "年度报告逾期"
    SUPERVISION_FINDING = "supervision_finding", "质量督导发现问题"
    COMPLAINT_UPHELD = "complaint_upheld", "投诉查实"
    ABNORMAL_LISTED = "abnormal_listed", "列入异常名录"
    ABNORMAL_REMOVED = "abnormal_removed", "移出异常名录"
    BLACKLISTED = "blacklisted", "列入黑名单"
    BLACKLIST_REMOVED = "blacklist_removed", "移出黑名单"
    SUSPENDED = "suspended", "暂停认定"
    REVOKED = "revoked", "撤销备案"


# Kinds an officer records by hand; the others are written by the services that cause them.
MANUAL_CREDIT_EVENT_KINDS = (
    CreditEventKind.SUPERVISION_FINDING,
    CreditEventKind.COMPLAINT_UPHELD,
)


class CreditEvent(models.Model):
    """A line of the organisation's integrity file (诚信档案)."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="credit_events"
    )
    kind = models.CharField("事项", max_length=24, choices=CreditEventKind.choices)
    occurred_on = models.DateField("发生日期")
    description = models.TextField("情况说明")
    document_no = models.CharField("文号", max_length=100, blank=True)
    report_year = models.PositiveSmallIntegerField("年报年度", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "诚信档案记录"
        verbose_name_plural = "诚信档案记录"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            # flagging overdue reports twice for the same year must not double-count
            models.UniqueConstraint(
                fields=["org", "report_year"],
                condition=Q(kind="late_report"),
                name="credit_one_late_report_flag_per_year",
            ),
            models.CheckConstraint(
                condition=~Q(kind="late_report") | Q(report_year__isnull=False),
                name="credit_late_report_has_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", "异常名录"
    BLACKLIST = "blacklist", "黑名单"


class CreditListing(models.Model):
    """An entry on the abnormal list or the blacklist: reason, document number and period;
    removal keeps the row with its own reason and document."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="listings"
    )
    list_kind = models.CharField("名录", max_length=16, choices=CreditList.choices)
    reason = models.TextField("列入原因")
    document_no = models.CharField("列入文号", max_length=100)
    starts_on = models.DateField("列入日期")
    ends_on = models.DateField("期满日期", null=True, blank=True)  # inclusive; open = indefinite
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="列入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    listed_at = models.DateTimeField("记录时间", auto_now_add=True)
    removed_at = models.DateTimeField("移出时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.TextField("移出原因", blank=True)
    removal_document_no = models.CharField("移出文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "异常名录/黑名单"
        verbose_name_plural = "异常名录/黑名单"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "list_kind"],
                condition=Q(removed_at__isnull=True),
                name="listing_one_open_per_list",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="listing_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="listing_removal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()} {self.org_id} {self.starts_on}"


class AnnualReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"


class AnnualReport(models.Model):
    """The yearly report to the filing authority (seed 001 §五): numbers assessed and
    certified per occupation and level, item-bank and examiner changes, problems and fixes."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField(
        "状态", max_length=16, choices=AnnualReportStatus.choices, default=AnnualReportStatus.DRAFT
    )
    examiner_changes = models.TextField("考评人员变化情况", blank=True)
    item_bank_changes = models.TextField("题库（卷库）建设更新情况", blank=True)
    problems = models.TextField("存在问题", blank=True)
    fixes = models.TextField("整改措施", blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    late = models.BooleanField("逾期报送", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        ordering = ["-year", "org"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="annual_report_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2018, year__lte=2100), name="annual_report_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年度报告"


class AnnualReportLine(models.Model):
    report = models.ForeignKey(
        AnnualReport, verbose_name="年度报告", on_delete=models.CASCADE, related_name="lines"
    )
    occupation = models.ForeignKey(
        "occupations.Occupation", verbose_name="职业", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField("等级")
    assessed = models.PositiveIntegerField("参加认定人数", default=0)
    certified = models.PositiveIntegerField("取得证书人数", default=0)

    class Meta:
        verbose_name = "年度报告明细"
        verbose_name_plural = "年度报告明细"
        ordering = ["occupation__code", "-level"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "occupation", "level"], name="annual_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(certified__lte=F("assessed")), name="annual_line_certified_le_assessed"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="annual_line_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id}/{self.level}"

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, str(self.level))
