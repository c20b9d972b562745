"""Evaluation plans (评价计划): what an organisation offers (occupations × levels), when
candidates may apply, how many seats there are and how the authority samples its reviews;
the method, the sessions per subject (dates, time slots, sites, expected numbers), the
examiners and the quality supervisor; and the filing with the authority (报备): filed at least
15 working days before the first exam, reviewed, and re-filed after any change once approved.
Districts, sites and rooms of unified sittings live in the exams app."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.policies import CodeKeyedPolicy
from skillcert.occupations.choices import LEVEL_CHOICES, LEVEL_OR_NONE_CHOICES
from skillcert.plans.choices import FilingStatus, PlanKind, PlanMethod, PlanStatus, Subject


class EvaluationPlan(models.Model):
    code = models.CharField("计划编号", max_length=40, unique=True)
    title = models.CharField("计划名称", max_length=200)
    organization = ref_fk("organizations.EvaluationOrg", "评价机构", related_name="plans")
    window_opens = models.DateField("报名开始日期")
    window_closes = models.DateField("报名截止日期")
    capacity = models.PositiveIntegerField("计划人数")
    # Seats taken by submitted applications. Moved only by plan_seats_reserve/release with a
    # conditional UPDATE; the check constraint is the last line of defence.
    seats_taken = models.PositiveIntegerField("已占名额", default=0)
    city_sample_rate = models.DecimalField(
        "复审抽样比例", max_digits=4, decimal_places=3, default=Decimal("1")
    )
    province_sample_rate = models.DecimalField(
        "终审抽样比例", max_digits=4, decimal_places=3, default=Decimal("1")
    )
    status = models.CharField(
        "状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    kind = models.CharField(
        "评价类型", max_length=12, choices=PlanKind.choices, default=PlanKind.SOCIAL
    )
    method = models.CharField(
        "评价方式", max_length=20, choices=PlanMethod.choices, default=PlanMethod.EXAM
    )
    filing_status = models.CharField(
        "报备状态", max_length=12, choices=FilingStatus.choices, default=FilingStatus.UNFILED
    )
    # Number of filings so far (each filing and re-filing is a PlanFiling row).
    revision = models.PositiveIntegerField("报备次数", default=0)
    supervisor = ref_fk("personnel.Person", "质量督导员", optional=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价计划"
        verbose_name_plural = "评价计划"
        ordering = ["-window_opens", "code"]
        constraints = [
            models.CheckConstraint(
                name="plan_seats_within_capacity", condition=Q(seats_taken__lte=F("capacity"))
            ),
            models.CheckConstraint(
                name="plan_window_ordered", condition=Q(window_closes__gte=F("window_opens"))
            ),
            models.CheckConstraint(
                name="plan_sample_rates_0_1",
                condition=Q(city_sample_rate__gte=0, city_sample_rate__lte=1)
                & Q(province_sample_rate__gte=0, province_sample_rate__lte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


class ReviewSamplingPolicy(CodeKeyedPolicy):
    """The province's default share of applications reviewed at the city (复审) and province
    (终审) tiers, copied onto each plan when it is created; the plan's sampling page overrides
    it for that plan. Versioned (`common.policies`); blank province = the default."""

    city_sample_rate = models.DecimalField("复审抽样比例", max_digits=4, decimal_places=3)
    province_sample_rate = models.DecimalField("终审抽样比例", max_digits=4, decimal_places=3)

    class Meta:
        verbose_name = "审核抽样比例"
        verbose_name_plural = "审核抽样比例"
        indexes = [
            models.Index(fields=["province", "effective_from"], name="sampling_policy_in_force")
        ]
        constraints = [
            models.CheckConstraint(
                name="sampling_policy_rates_0_1",
                condition=Q(city_sample_rate__gte=0, city_sample_rate__lte=1)
                & Q(province_sample_rate__gte=0, province_sample_rate__lte=1),
            )
        ]

    def __str__(self) -> str:
        return f"审核抽样比例 {self.province or '默认'}"


class PlanOffering(models.Model):
    """One occupation at one level offered by the plan; a 专项职业能力考核 occupation, which has
    no levels, is offered without one (`level` NULL; plans.services checks which applies)."""

    plan = models.ForeignKey(
        EvaluationPlan, verbose_name="评价计划", on_delete=models.CASCADE, related_name="offerings"
    )
    occupation = ref_fk("occupations.Occupation", "职业")
    level = models.PositiveSmallIntegerField(
        "等级", choices=LEVEL_OR_NONE_CHOICES, null=True, blank=True
    )

    class Meta:
        verbose_name = "计划职业等级"
        verbose_name_plural = "计划职业等级"
        ordering = ["plan", "occupation__code", "-level"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "occupation", "level"], name="plan_offering_unique"
            ),
            # NULLs are distinct in a unique index: one level-less offering per occupation.
            models.UniqueConstraint(
                fields=["plan", "occupation"],
                condition=Q(level__isnull=True),
                name="plan_offering_without_level_unique",
            ),
            models.CheckConstraint(
                name="plan_offering_level_1_5",
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
            ),
        ]

    def __str__(self) -> str:
        if self.level is None:
            return f"{self.occupation.name}（专项职业能力）"
        return f"{self.occupation.name} {self.get_level_display()}"


class SubjectSitting(models.Model):
    """One subject sat from `starts_at` to `ends_at`: a plan's session, or a unified
    sitting's time slot in one district."""

    subject = models.CharField("科目", max_length=12, choices=Subject.choices)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")

    class Meta:
        abstract = True


class PlanSession(SubjectSitting):
    """One subject's sitting in the plan: when, where and for how many."""

    plan = models.ForeignKey(
        EvaluationPlan, verbose_name="评价计划", on_delete=models.CASCADE, related_name="sessions"
    )
    occupation = ref_fk("occupations.Occupation", "职业", optional=True)
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES, null=True, blank=True)
    site = models.CharField("考核地点", max_length=200)
    expected = models.PositiveIntegerField("预计人数")

    class Meta:
        verbose_name = "考核场次"
        verbose_name_plural = "考核场次"
        ordering = ["plan", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="plan_session_ordered", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(name="plan_session_expected", condition=Q(expected__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class PlanExaminer(models.Model):
    plan = models.ForeignKey(
        EvaluationPlan, verbose_name="评价计划", on_delete=models.CASCADE, related_name="examiners"
    )
    person = ref_fk("personnel.Person", "考评员")

    class Meta:
        verbose_name = "计划考评员"
        verbose_name_plural = "计划考评员"
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="plan_examiner_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} × {self.person_id}"


class FilingDecision(models.TextChoices):
    PENDING = "", "待审核"
    APPROVED = "approved", "审核通过"
    RETURNED = "returned", "退回修改"


class PlanFiling(models.Model):
    """One filing (报备) of a plan with what was filed: sessions, examiners, supervisor, and
    for social assessment the roster with each candidate's eligibility result."""

    plan = models.ForeignKey(
        EvaluationPlan, verbose_name="评价计划", on_delete=models.CASCADE, related_name="filings"
    )
    revision = models.PositiveIntegerField("报备次数")
    snapshot = models.JSONField("报备内容")
    filed_on = models.DateField("报备日期")
    first_exam_on = models.DateField("首场考核日期")
    filed_by = user_fk("报备人", blank=False)
    decision = models.CharField(
        "审核结论", max_length=10, choices=FilingDecision.choices, default="", blank=True
    )
    reason = models.TextField("审核意见", blank=True)
    reviewed_by = user_fk("审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("报备时间", auto_now_add=True)

    class Meta:
        verbose_name = "计划报备"
        verbose_name_plural = "计划报备"
        ordering = ["plan", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "revision"], name="plan_filing_revision")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} 第{self.revision}次报备"
