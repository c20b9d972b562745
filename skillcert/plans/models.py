"""A minimal evaluation plan (评价计划): what an organisation offers (occupations × levels),
when candidates may apply, how many seats there are, and how the authority samples its
reviews. The exam-logistics work extends it with districts, sites and rooms."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from skillcert.occupations.models import LEVEL_CHOICES


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # being prepared; no applications yet
    OPEN = "open", "报名中"  # applications accepted inside the window
    CLOSED = "closed", "报名截止"  # no new applications; reviews continue


class EvaluationPlan(models.Model):
    code = models.CharField("计划编号", max_length=40, unique=True)
    title = models.CharField("计划名称", max_length=200)
    organization = models.ForeignKey(
        "organizations.EvaluationOrg",
        verbose_name="评价机构",
        on_delete=models.PROTECT,
        related_name="plans",
    )
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


class PlanOffering(models.Model):
    """One occupation at one level offered by the plan."""

    plan = models.ForeignKey(
        EvaluationPlan, verbose_name="评价计划", on_delete=models.CASCADE, related_name="offerings"
    )
    occupation = models.ForeignKey(
        "occupations.Occupation", verbose_name="职业", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)

    class Meta:
        verbose_name = "计划职业等级"
        verbose_name_plural = "计划职业等级"
        ordering = ["plan", "occupation__code", "-level"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "occupation", "level"], name="plan_offering_unique"
            ),
            models.CheckConstraint(
                name="plan_offering_level_1_5", condition=Q(level__gte=1, level__lte=5)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} {self.get_level_display()}"
