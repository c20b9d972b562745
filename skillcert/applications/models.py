"""Applications (申报), their review trail through the three tiers, sample draws, roster
imports and the candidate's notifications."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from skillcert.applications.choices import ACTIVE_STATUSES, ImportStatus, Status, Tier  # noqa: F401
from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import BackgroundImport, RecordedDraw
from skillcert.common.models import StatusEvent
from skillcert.occupations.choices import LEVEL_OR_NONE_CHOICES


class Source(models.TextChoices):
    SELF = "self", "个人申报"
    ROSTER = "roster", "机构花名册导入"


class Application(models.Model):
    # No index of its own: (plan, status) below serves every lookup by plan, and each index
    # costs the roster import's 10^5-row inserts about a tenth of a second.
    plan = ref_fk("plans.EvaluationPlan", "评价计划", related_name="applications", db_index=False)
    candidate = ref_fk("candidates.Candidate", "考生", related_name="applications")
    occupation = ref_fk("occupations.Occupation", "职业")
    specialty = ref_fk("occupations.Specialty", "工种/职业方向", optional=True)
    # NULL: a 专项职业能力考核, which has no levels (services check which applies)
    level = models.PositiveSmallIntegerField(
        "申报等级", choices=LEVEL_OR_NONE_CHOICES, null=True, blank=True
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.SELF)
    holds_seat = models.BooleanField("占用名额", default=False)
    profile_snapshot = models.JSONField("申报时档案", default=dict)
    # The eligibility decision taken at submission, with the rule-set version it used.
    eligible = models.BooleanField("符合申报条件", null=True)
    # Filtered on only within a plan's applications, which (plan, status) has already found.
    matched_clause = models.CharField("符合条款", max_length=80, blank=True)
    rule_set_code = models.CharField("规则集", max_length=64, blank=True)
    rule_set_version = models.PositiveIntegerField("规则集版本", null=True)
    decision = models.JSONField("条件判定详情", default=dict, blank=True)
    checked_at = models.DateTimeField("判定时间", null=True)
    override_reason = models.TextField("破格受理理由", blank=True)
    override_by = user_fk("破格受理人")
    flag_birth_mismatch = models.BooleanField("出生日期与身份证不一致", default=False)
    flag_photo_failed = models.BooleanField("照片未通过检查", default=False)
    # Exam accommodation (考场便利), e.g. a ground-floor room for a wheelchair user: seating
    # puts these candidates in rooms marked accessible. The note may describe health, so it
    # is shown to the candidate and the reviewers only, and never audited, exported or logged.
    # Database defaults too: the roster import writes rows with raw INSERTs.
    needs_accommodation = models.BooleanField("需要考场便利", default=False, db_default=False)
    accommodation_note = models.CharField(
        "考场便利说明", max_length=200, blank=True, default="", db_default=""
    )
    roster_import = ref_fk(
        "applications.RosterImport",
        "导入批次",
        optional=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "申报"
        verbose_name_plural = "申报"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["plan", "status"]),
            # The statistics refresh scans these for rows changed since its last run.
            models.Index(fields=["updated_at"], name="application_updated_at"),
            models.Index(fields=["submitted_at"], name="application_submitted_at"),
            models.Index(fields=["created_at"], name="application_created_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "candidate"],
                condition=~Q(status__in=["withdrawn", "rejected"]),
                name="application_one_active_per_plan",
            ),
            models.CheckConstraint(
                name="application_level_1_5",
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
            ),
            models.CheckConstraint(
                name="application_note_only_with_accommodation",
                condition=Q(needs_accommodation=True) | Q(accommodation_note=""),
            ),
        ]

    def __str__(self) -> str:
        level = "专项职业能力" if self.level is None else f"{self.level}级"
        return f"申报#{self.pk} {self.candidate} {self.occupation.name} {level}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("材料类别", max_length=40)
    file = models.FileField("文件", upload_to="applications/attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    # what the content proved to be (PDF, PNG or JPEG), served back as exactly that
    content_type = models.CharField("文件类型", max_length=40, default="application/pdf")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class ReviewEvent(StatusEvent):
    """One step in an application's life (submission, a tier's decision, a sample draw,
    a withdrawal), with who took it and why. The candidate sees these. Reason, actor and time
    come from `StatusEvent`; the statuses are narrowed to an application's."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="events"
    )
    transition = models.CharField("操作", max_length=32)
    tier = models.CharField("审核层级", max_length=10, choices=Tier.choices, blank=True)
    from_status = models.CharField("原状态", max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=Status.choices)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.transition} {self.from_status}→{self.to_status}"

    @property
    def transition_label(self) -> str:
        from skillcert.applications.transitions import TRANSITIONS

        known = TRANSITIONS.get(self.transition)
        return known.label if known is not None and known.label else self.transition


class SampleDraw(RecordedDraw):
    """A reproducible draw: the same seed over the same population gives the same sample
    (applications.sampling.draw_sample)."""

    plan = ref_fk("plans.EvaluationPlan", "评价计划", related_name="sample_draws")
    tier = models.CharField("审核层级", max_length=10, choices=Tier.choices)
    rate = models.DecimalField("抽样比例", max_digits=4, decimal_places=3)
    population = models.JSONField("抽样总体（申报编号）", default=list)
    sampled = models.JSONField("抽中（申报编号）", default=list)
    actor = user_fk("抽取人", blank=False)
    created_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta(RecordedDraw.Meta):
        verbose_name = "抽样记录"
        verbose_name_plural = "抽样记录"

    def __str__(self) -> str:
        return f"{self.get_tier_display()} 抽样 {len(self.sampled)}/{len(self.population)}"


class RosterImport(BackgroundImport):
    """A roster upload and its outcome; the web upload runs it as a background task."""

    plan = ref_fk("plans.EvaluationPlan", "评价计划", related_name="roster_imports")
    file = models.FileField("花名册文件", upload_to="applications/rosters/%Y/%m/")
    partial = models.BooleanField("导入有效行", default=False)
    dry_run = models.BooleanField("仅校验", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    imported = models.PositiveIntegerField("导入人数", default=0)
    # nullable, unlike the other imports' uploader
    created_by = user_fk("上传人", blank=False)

    class Meta(BackgroundImport.Meta):
        verbose_name = "花名册导入"
        verbose_name_plural = "花名册导入"

    def __str__(self) -> str:
        return f"{self.plan.code} {self.file_name}"

    @property
    def percent(self) -> int:
        return self.percent_of(self.processed_rows, self.total_rows)


class Notification(models.Model):
    """The database notification backend's store: what the candidate sees in the platform."""

    candidate = ref_fk(
        "candidates.Candidate", "考生", on_delete=models.CASCADE, related_name="notifications"
    )
    application = models.ForeignKey(
        Application,
        verbose_name="申报",
        null=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.subject
