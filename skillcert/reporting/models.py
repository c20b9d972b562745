"""Statistics tables kept by the reporting app.

* `Figures`: the summary the dashboards read. One row per day × county × occupation ×
  level × route × organisation kind with the counts of that day, and the same per month
  (the sum of the month's day rows) and per year (the sum of the year's month rows). It is
  derived data, rebuilt from the live tables by
  `services.figures_refresh` (never typed in): a province dashboard sums year rows (plus
  month and day rows for a period's partial years and months) instead of millions of
  applications and certificates.
* `OrgActivity`: per day (and month) and organisation, the plans whose application window
  opened, the applications created and the registered passing results, for the organisations'
  activity table (a province has hundreds of organisations, so tens of thousands of rows
  instead of a join of plans with millions of applications).
* `PostFigures`: per day (and month), city, person and exam-day duty, the posts held, for the
  examiners' workload table.
* `RefreshRun`: one refresh of the summary; the last successful run's start is the watermark
  from which the next incremental run looks for changed rows.
* `StatisticsReport`: a monthly or yearly report rendered to PDF and Excel for one region,
  kept for download by the officers of that region."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillcert.common.fields import ref_fk, user_fk
from skillcert.occupations.models import LEVEL_CHOICES

# The application statuses counted per day, in the order the dashboard lists them (a draft
# has not been submitted and has no day).
APPLICATION_STATUS_COLUMNS = (
    "org_review",
    "org_passed",
    "city_review",
    "city_passed",
    "province_review",
    "approved",
    "rejected",
    "returned",
    "withdrawn",
)
# Every counter column, in table order.
COUNTER_COLUMNS = (
    "applications",
    *APPLICATION_STATUS_COLUMNS,
    "sat",
    "passed",
    "issued",
    "valid",
    "revoked",
)
DIMENSIONS = ("day", "region_code", "occupation_id", "level", "route", "org_kind")
KEY_COLUMNS = ("grain", *DIMENSIONS)


class Grain(models.TextChoices):
    DAY = "D", "日"
    MONTH = "M", "月"  # `day` is the first of the month; counters are the month's day rows
    YEAR = "Y", "年"  # `day` is the 1st of January; counters are the year's month rows


class GrainDay(models.Model):
    """A summary row's period: one day, or a month or year dated by its first day. Rows of
    a coarser grain hold the sums of the finer rows inside them."""

    grain = models.CharField("粒度", max_length=1, choices=Grain.choices, default=Grain.DAY)
    day = models.DateField("日期")

    class Meta:
        abstract = True


class Figures(GrainDay):
    """What happened on one day (or in one month) for one combination of dimensions.

    Each counter is dated by its own event: applications (and their current status) by the
    day they were submitted; `sat`/`passed` by the day the result was published; `issued`
    (first issues) and `valid` (certificates of that day still valid) by the issue date;
    `revoked` by the day the certificate was revoked. Days are local (Asia/Shanghai)."""

    region_code = models.CharField("区县代码", max_length=6)  # the organisation's county
    occupation = ref_fk("occupations.Occupation", "职业", on_delete=models.CASCADE)
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    # scoring.Route values; "" for certificates without a registered result (legacy imports).
    route = models.CharField("评价途径", max_length=16, blank=True)
    org_kind = models.CharField("机构类型", max_length=16)
    applications = models.PositiveIntegerField("申报（已提交）", default=0, db_default=0)
    org_review = models.PositiveIntegerField("待初审", default=0, db_default=0)
    org_passed = models.PositiveIntegerField("初审通过待抽取", default=0, db_default=0)
    city_review = models.PositiveIntegerField("待复审", default=0, db_default=0)
    city_passed = models.PositiveIntegerField("复审通过待抽取", default=0, db_default=0)
    province_review = models.PositiveIntegerField("待终审", default=0, db_default=0)
    approved = models.PositiveIntegerField("审核通过", default=0, db_default=0)
    rejected = models.PositiveIntegerField("审核未通过", default=0, db_default=0)
    returned = models.PositiveIntegerField("退回修改", default=0, db_default=0)
    withdrawn = models.PositiveIntegerField("已撤回", default=0, db_default=0)
    sat = models.PositiveIntegerField("参评（成绩已发布）", default=0, db_default=0)
    passed = models.PositiveIntegerField("合格", default=0, db_default=0)
    issued = models.PositiveIntegerField("发证（首次）", default=0, db_default=0)
    valid = models.PositiveIntegerField("有效证书", default=0, db_default=0)
    revoked = models.PositiveIntegerField("撤销证书", default=0, db_default=0)

    class Meta:
        verbose_name = "统计汇总"
        verbose_name_plural = "统计汇总"
        ordering = ["grain", "day", "region_code"]
        indexes = [
            # City and county dashboards: an index range scan on the grain and the code prefix
            # (LIKE '3201%'), then the day range.
            models.Index(
                fields=["grain", "region_code", "day"],
                name="figures_grain_region_day",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["grain", "day"], name="figures_grain_day"),
        ]
        constraints = [
            models.UniqueConstraint(fields=list(KEY_COLUMNS), name="figures_one_row_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code} {self.occupation_id} {self.level}"


class OrgActivity(GrainDay):
    """One organisation's activity on one day (or in one month). `plans` are dated by the
    opening of their application window, `applications` (drafts too) by their creation,
    `registered_passed` (passing results confirmed by registration) by their publication;
    the dashboard sums the first two over the period and the last over all time (year rows)."""

    organization = ref_fk("organizations.EvaluationOrg", "评价机构", on_delete=models.CASCADE)
    plans = models.PositiveIntegerField("评价计划", default=0, db_default=0)
    applications = models.PositiveIntegerField("申报", default=0, db_default=0)
    registered_passed = models.PositiveIntegerField("登记合格", default=0, db_default=0)

    class Meta:
        verbose_name = "机构活跃度汇总"
        verbose_name_plural = "机构活跃度汇总"
        ordering = ["grain", "day", "organization"]
        indexes = [models.Index(fields=["grain", "day"], name="org_activity_grain_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "organization"], name="org_activity_one_row_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.organization_id}"


class PostFigures(GrainDay):
    """The exam-day posts one person held on one day (or in one month) in one city, per duty,
    dated by the start of the slot."""

    city_code = models.CharField("地市代码", max_length=6)  # the city of the site's district
    person = ref_fk("personnel.Person", "人员", on_delete=models.CASCADE)
    duty = models.CharField("职责", max_length=12)
    posts = models.PositiveIntegerField("岗位次数", default=0, db_default=0)

    class Meta:
        verbose_name = "考务岗位汇总"
        verbose_name_plural = "考务岗位汇总"
        ordering = ["grain", "day", "city_code"]
        indexes = [models.Index(fields=["grain", "day"], name="post_figures_grain_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "city_code", "person", "duty"],
                name="post_figures_one_row_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.city_code} {self.person_id} {self.duty}"


class RefreshRun(models.Model):
    """One refresh of the summaries. `days` and `rows` are those of `Figures` (`days` empty
    for a full rebuild, which recomputes them all); the audit event of the run has the days
    and rows of every summary."""

    full = models.BooleanField("全量重建", default=False)
    since = models.DateField("重算起始日", null=True, blank=True)
    days = models.JSONField("重算日期", default=list)
    rows = models.PositiveIntegerField("写入行数", default=0)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    actor_ref = models.CharField("执行人", max_length=120, blank=True)

    class Meta:
        verbose_name = "统计汇总更新"
        verbose_name_plural = "统计汇总更新"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"统计更新 {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", "月报"
    YEARLY = "yearly", "年报"


class StatisticsReport(models.Model):
    """A monthly (`period` = "2026-10") or yearly ("2026") report of one province or city.
    Generating it again for the same kind, period and region replaces the files."""

    kind = models.CharField("类型", max_length=8, choices=ReportKind.choices)
    period = models.CharField("统计期", max_length=7)
    date_from = models.DateField("起始日期")
    date_to = models.DateField("截止日期")
    region = ref_fk("regions.Region", "地区")
    pdf = models.FileField("PDF", upload_to="reporting/%Y/")
    xlsx = models.FileField("Excel", upload_to="reporting/%Y/")
    figures = models.JSONField("主要指标", default=dict)
    created_by = user_fk("生成人", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = "统计报表"
        verbose_name_plural = "统计报表"
        ordering = ["-date_from", "region_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "region"], name="statistics_report_unique"
            ),
            models.CheckConstraint(
                condition=(Q(kind="monthly") & Q(period__regex=r"^[0-9]{4}-[0-9]{2}$"))
                | (Q(kind="yearly") & Q(period__regex=r"^[0-9]{4}$")),
                name="statistics_report_period_format",
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")),
                name="statistics_report_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period} {self.get_kind_display()}"
