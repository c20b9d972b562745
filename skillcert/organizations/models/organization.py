"""The organisation itself: its kind, filing status and number, the province's filing
rules, the number ledger and its lifecycle events."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import between_check
from skillcert.common.policies import CodeKeyedPolicy
from skillcert.organizations.choices import OrgKind, OrgStatus

# The filing number's first character (DOMAIN.md §5): employers evaluate as `Y`; every other
# kind files as a social training-evaluation organisation, `S`.
FILING_LETTER: dict[str, str] = {
    OrgKind.EMPLOYER: "Y",
    OrgKind.SOCIAL: "S",
    OrgKind.SCHOOL: "S",
    OrgKind.ASSOCIATION: "S",
}


class ContactDetails(models.Model):
    """Whom to call and where to write: kept on the organisation and given again by each
    filing application (an approved filing copies them onto the organisation)."""

    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)

    class Meta:
        abstract = True


class EvaluationOrg(ContactDetails):
    """An evaluation organisation. The filing fields are filled by the approved filing
    application; `filing_number` stays on the row after revocation or exit (history), and the
    number ledger (`FilingNumber`) guarantees it is never given to anyone else."""

    name = models.CharField("机构名称", max_length=200)
    kind = models.CharField("机构类型", max_length=16, choices=OrgKind.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = ref_fk("regions.Region", "所在地区")
    status = models.CharField(
        "备案状态", max_length=16, choices=OrgStatus.choices, default=OrgStatus.UNFILED
    )
    filing_number = models.CharField("备案编号", max_length=13, null=True, blank=True, unique=True)
    service_region = ref_fk("regions.Region", "认定区域", optional=True)
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)  # last valid day
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


class FilingPolicy(CodeKeyedPolicy):
    """Rules that vary by province, kept as versioned data (`common.policies`). The rows with
    a blank province are the default for provinces without their own."""

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
        indexes = [
            models.Index(fields=["province", "effective_from"], name="filing_policy_in_force")
        ]
        constraints = [
            between_check("validity_years", 1, 10, name="policy_validity_1_10_years"),
            models.CheckConstraint(
                condition=Q(annual_report_due_month__gte=1, annual_report_due_month__lte=12)
                & Q(annual_report_due_day__gte=1, annual_report_due_day__lte=31),
                name="policy_due_date_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"备案规则 {self.province or '默认'}"


class FilingStaffingPolicy(CodeKeyedPolicy):
    """The minimum staff counts a filing must show, per organisation type: a province rule
    value, versioned (`common.policies`). The seeds ask for 「具备相应资质的考评人员、命题」
    (seed 001 §二、§三) without a number, so the default row is the platform's and flagged
    待核实 until a province cites its own document."""

    social_staff_min = models.PositiveSmallIntegerField("社会培训评价组织专职工作人员最少人数")
    school_staff_min = models.PositiveSmallIntegerField("院校专职工作人员最少人数")
    association_staff_min = models.PositiveSmallIntegerField("行业协会专职工作人员最少人数")
    employer_skill_staff_min = models.PositiveSmallIntegerField("用人单位技能人员最少人数")
    examiners_min = models.PositiveSmallIntegerField("考评人员最少人数")
    item_writers_min = models.PositiveSmallIntegerField("命题人员最少人数")

    class Meta:
        verbose_name = "备案人员数量要求"
        verbose_name_plural = "备案人员数量要求"
        indexes = [
            models.Index(fields=["province", "effective_from"], name="filing_staffing_in_force")
        ]

    def __str__(self) -> str:
        return f"备案人员数量要求 {self.province or '默认'}"

    def minimum_for(self, kind: str, code: str) -> int | None:
        """The minimum this version sets for one filing condition (by organisation type and
        condition code), or None when the condition's count is not one of these."""
        field = STAFFING_MINIMUM_FIELDS.get((kind, code)) or STAFFING_MINIMUM_FIELDS.get(
            ("*", code)
        )
        return int(getattr(self, field)) if field else None


# Which filing condition (organisation type, condition code; "*" = every type) each minimum
# of `FilingStaffingPolicy` applies to.
STAFFING_MINIMUM_FIELDS: dict[tuple[str, str], str] = {
    (OrgKind.SOCIAL, "staff"): "social_staff_min",
    (OrgKind.SCHOOL, "staff"): "school_staff_min",
    (OrgKind.ASSOCIATION, "staff"): "association_staff_min",
    (OrgKind.EMPLOYER, "skill_staff"): "employer_skill_staff_min",
    ("*", "examiners"): "examiners_min",
    ("*", "item_writers"): "item_writers_min",
}


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
    actor = user_fk("操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "机构变动记录"
        verbose_name_plural = "机构变动记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
