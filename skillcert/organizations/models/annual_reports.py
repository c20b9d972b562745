"""Annual reports (年度报告) of filed organisations, one line per occupation and level."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from skillcert.common.fields import user_fk
from skillcert.common.model_bases import between_check
from skillcert.organizations.models.levels import OccupationLevel
from skillcert.organizations.models.organization import EvaluationOrg


class AnnualReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"


class AnnualReport(models.Model):
    """The yearly report to the filing authority (seed 001 §五): numbers assessed and
    certified per occupation and level, the roster of people certified (from the certificate
    registry), item-bank and examiner changes, problems and fixes."""

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
    submitted_by = user_fk("报送人")
    late = models.BooleanField("逾期报送", default=False)
    # The people certified in the year as the certificate registry listed them when the report
    # was submitted (empty while a draft: the page reads the registry live). ID numbers masked.
    roster = models.JSONField("认定人员名单", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        ordering = ["-year", "org"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="annual_report_one_per_year"),
            between_check("year", 2018, 2100, name="annual_report_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年度报告"


class AnnualReportLine(OccupationLevel):
    report = models.ForeignKey(
        AnnualReport, verbose_name="年度报告", on_delete=models.CASCADE, related_name="lines"
    )
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
            between_check("level", 1, 5, name="annual_line_level"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id}/{self.level}"
