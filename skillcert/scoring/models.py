"""Results (成绩) per application, how they were marked, published, re-checked and registered.

A `ResultBatch` is one plan's results: the dedicated account enters or confirms them, submits
(entry locks), the officer may reopen with a reason; publication goes per district (a postponed
district publishes later); a re-check window follows; the organisation submits the batch for
registration (登记备案) and the authority confirms it, after which results never change.

Subjective theory items are marked blind (`Script` carries a blind code, never the candidate),
practical examiners' sheets and panel members' marks are kept one row per person."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import BackgroundImport, between_check
from skillcert.common.policies import RegionKeyedPolicy
from skillcert.occupations.choices import LEVEL_OR_NONE_CHOICES
from skillcert.scoring.choices import ResultStatus, Route


class BatchStatus(models.TextChoices):
    ENTERING = "entering", "成绩录入中"  # the dedicated account enters or confirms results
    SUBMITTED = "submitted", "已提交（锁定）"  # entry locked; an officer may reopen it
    PUBLISHED = "published", "已发布"  # at least one district published; re-check windows run
    REGISTRATION = "registration", "已提交登记备案"  # with the authority
    REGISTERED = "registered", "已登记备案"  # immutable; feeds certificates


BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    BatchStatus.ENTERING: frozenset({BatchStatus.SUBMITTED}),
    BatchStatus.SUBMITTED: frozenset({BatchStatus.ENTERING, BatchStatus.PUBLISHED}),
    BatchStatus.PUBLISHED: frozenset({BatchStatus.REGISTRATION}),
    BatchStatus.REGISTRATION: frozenset({BatchStatus.REGISTERED, BatchStatus.PUBLISHED}),
    BatchStatus.REGISTERED: frozenset(),
}


class PartState(models.TextChoices):
    PENDING = "pending", "待评分"
    SCORED = "scored", "已评分"
    ABSENT = "absent", "缺考"  # never a silent zero
    VOIDED = "voided", "违纪作废"  # misconduct decided: the paper is voided
    EXEMPT = "exempt", "免考"  # an eligibility clause waived this part
    NOT_REQUIRED = "not_required", "不考核"  # e.g. panel review below level 2


class ResultBatch(models.Model):
    plan = models.OneToOneField(
        "plans.EvaluationPlan",
        verbose_name="评价计划",
        on_delete=models.PROTECT,
        related_name="result_batch",
    )
    organization = ref_fk("organizations.EvaluationOrg", "评价机构")
    route = models.CharField("评价途径", max_length=16, choices=Route.choices, default=Route.EXAM)
    status = models.CharField(
        "状态", max_length=14, choices=BatchStatus.choices, default=BatchStatus.ENTERING
    )
    # The dedicated result-entry account (seed 004 §十八): the batch's chief examiner for social
    # assessment, the enterprise's account for self-evaluation.
    entry_account = user_fk("成绩录入专用账号")
    double_mark_threshold = models.DecimalField(
        "双评分差阈值", max_digits=5, decimal_places=1, default=Decimal("10")
    )
    supervised = models.BooleanField("列入质量督导抽查", default=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reopened_count = models.PositiveIntegerField("重新开放次数", default=0)
    registration_submitted_at = models.DateTimeField("提交登记时间", null=True, blank=True)
    registered_at = models.DateTimeField("登记备案时间", null=True, blank=True)
    registered_by = user_fk("登记确认人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "成绩批次"
        verbose_name_plural = "成绩批次"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(registered_at__isnull=False),
                name="result_batch_registered_has_time",
            ),
            models.CheckConstraint(
                condition=Q(double_mark_threshold__gte=0), name="result_batch_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"成绩批次 {self.plan_id}"


class Result(models.Model):
    batch = models.ForeignKey(
        ResultBatch, verbose_name="成绩批次", on_delete=models.PROTECT, related_name="results"
    )
    application = models.OneToOneField(
        "applications.Application",
        verbose_name="申报",
        on_delete=models.PROTECT,
        related_name="result",
    )
    organization = ref_fk("organizations.EvaluationOrg", "评价机构")
    occupation = ref_fk("occupations.Occupation", "职业")
    specialty = ref_fk("occupations.Specialty", "工种/职业方向", optional=True)
    # NULL: a 专项职业能力考核 result, copied from its application, which has no level
    level = models.PositiveSmallIntegerField(
        "等级", choices=LEVEL_OR_NONE_CHOICES, null=True, blank=True
    )
    route = models.CharField("评价途径", max_length=16, choices=Route.choices, default=Route.EXAM)
    # The id on answer files: the admission-ticket number, or the application id before
    # tickets exist (selectors.candidate_ids_for_plan).
    candidate_ref = models.CharField("考生编号", max_length=20)
    district = models.CharField("考区", max_length=60, blank=True)
    theory_paper = ref_fk("itembank.Paper", "理论试卷", optional=True)
    theory_objective = models.DecimalField(
        "理论客观题得分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    theory_score = models.DecimalField(
        "理论知识成绩", max_digits=5, decimal_places=1, null=True, blank=True
    )
    theory_state = models.CharField(
        "理论知识状态", max_length=14, choices=PartState.choices, default=PartState.PENDING
    )
    practical_score = models.DecimalField(
        "操作技能成绩", max_digits=5, decimal_places=1, null=True, blank=True
    )
    practical_state = models.CharField(
        "操作技能状态", max_length=14, choices=PartState.choices, default=PartState.PENDING
    )
    panel_score = models.DecimalField(
        "综合评审成绩", max_digits=5, decimal_places=1, null=True, blank=True
    )
    panel_state = models.CharField(
        "综合评审状态", max_length=14, choices=PartState.choices, default=PartState.PENDING
    )
    # Enterprise self-evaluation: {"品德": 85, "职业能力": …} and the weighted total.
    dimension_scores = models.JSONField("评价维度得分", default=dict, blank=True)
    weighted_score = models.DecimalField(
        "综合得分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    passed = models.BooleanField("合格", default=False)
    decision_note = models.CharField("判定说明", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ResultStatus.choices, default=ResultStatus.DRAFT
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    recheck_closes_on = models.DateField("复查截止日期", null=True, blank=True)
    registered_at = models.DateTimeField("登记备案时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "成绩"
        verbose_name_plural = "成绩"
        ordering = ["batch", "candidate_ref"]
        indexes = [
            models.Index(fields=["organization", "status", "passed"]),
            models.Index(fields=["batch", "district"]),
            # The statistics refresh scans these for rows changed since its last run.
            models.Index(fields=["updated_at"], name="result_updated_at"),
            models.Index(fields=["published_at"], name="result_published_at"),
            models.Index(fields=["registered_at"], name="result_registered_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "candidate_ref"], name="result_ref_unique"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5), name="result_level"
            ),
            models.CheckConstraint(
                condition=(
                    Q(theory_score__isnull=True) | Q(theory_score__gte=0, theory_score__lte=100)
                )
                & (
                    Q(practical_score__isnull=True)
                    | Q(practical_score__gte=0, practical_score__lte=100)
                )
                & (Q(panel_score__isnull=True) | Q(panel_score__gte=0, panel_score__lte=100)),
                name="result_scores_0_100",
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(registered_at__isnull=False),
                name="result_registered_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "registered"])
                | Q(published_at__isnull=False),
                name="result_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"成绩 {self.candidate_ref}"


class BatchDuty(models.TextChoices):
    MARKER = "marker", "阅卷员"
    CHIEF_MARKER = "chief_marker", "阅卷组长"  # arbitrates double marking
    PRACTICAL = "practical", "操作技能考评员"
    PANEL = "panel", "综合评审专家"


class BatchStaff(models.Model):
    """Who marks, examines or sits on the panel for a batch (checked for recusal and rotation
    when added)."""

    batch = models.ForeignKey(
        ResultBatch, verbose_name="成绩批次", on_delete=models.CASCADE, related_name="staff"
    )
    person = ref_fk("personnel.Person", "人员")
    duty = models.CharField("职责", max_length=14, choices=BatchDuty.choices)
    created_at = models.DateTimeField("安排时间", auto_now_add=True)

    class Meta:
        verbose_name = "阅卷/考评人员"
        verbose_name_plural = "阅卷/考评人员"
        ordering = ["batch", "duty", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "person", "duty"], name="batch_staff_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.get_duty_display()} {self.person_id}"


class ScriptStatus(models.TextChoices):
    MARKING = "marking", "双评中"
    NEEDS_THIRD = "needs_third", "待三评"
    NEEDS_ARBITRATION = "needs_arbitration", "待仲裁"
    FINAL = "final", "已定分"


class Script(models.Model):
    """One candidate's answer to one subjective item, known to markers only by `blind_code`."""

    result = models.ForeignKey(
        Result, verbose_name="成绩", on_delete=models.CASCADE, related_name="scripts"
    )
    position = models.PositiveSmallIntegerField("题号")
    blind_code = models.CharField("密号", max_length=16, unique=True)
    max_score = models.DecimalField("满分", max_digits=5, decimal_places=1)
    final_score = models.DecimalField(
        "最终得分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(
        "状态", max_length=18, choices=ScriptStatus.choices, default=ScriptStatus.MARKING
    )

    class Meta:
        verbose_name = "主观题答卷"
        verbose_name_plural = "主观题答卷"
        ordering = ["result", "position"]
        constraints = [
            models.UniqueConstraint(fields=["result", "position"], name="script_once_per_item"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="script_max_positive"),
        ]

    def __str__(self) -> str:
        return f"答卷 {self.blind_code}"


class MarkRound(models.IntegerChoices):
    FIRST = 1, "一评"
    SECOND = 2, "二评"
    THIRD = 3, "三评"
    ARBITRATION = 4, "仲裁"


class Mark(models.Model):
    """One marker's mark on one script (assigned first, scored later; kept for ever)."""

    script = models.ForeignKey(
        Script, verbose_name="答卷", on_delete=models.CASCADE, related_name="marks"
    )
    round = models.PositiveSmallIntegerField("轮次", choices=MarkRound.choices)
    marker = ref_fk("personnel.Person", "阅卷人")
    score = models.DecimalField("给分", max_digits=5, decimal_places=1, null=True, blank=True)
    assigned_at = models.DateTimeField("分配时间", auto_now_add=True)
    marked_at = models.DateTimeField("评分时间", null=True, blank=True)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        ordering = ["script", "round"]
        indexes = [models.Index(fields=["marker", "marked_at"])]
        constraints = [
            models.UniqueConstraint(fields=["script", "round"], name="mark_round_once"),
            models.UniqueConstraint(fields=["script", "marker"], name="mark_marker_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="mark_score_positive"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(marked_at__isnull=False),
                name="mark_scored_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.script_id} {self.get_round_display()}"


class PersonalMark(models.Model):
    """One person's mark for one candidate's result (an examiner's sheet, a panel member's
    score), kept for ever; submitted once, listed in the order they came in."""

    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["result", "id"]


class PracticalSheet(PersonalMark):
    """One examiner's scoring sheet for one candidate's practical task: every sheet item's
    mark is kept ([{"item": "1", "max": 20, "score": 18}, …])."""

    result = models.ForeignKey(
        Result, verbose_name="成绩", on_delete=models.CASCADE, related_name="practical_sheets"
    )
    examiner = ref_fk("personnel.Person", "考评员")
    items = models.JSONField("评分表", default=list)
    total = models.DecimalField("合计", max_digits=5, decimal_places=1)

    class Meta(PersonalMark.Meta):
        verbose_name = "操作技能评分表"
        verbose_name_plural = "操作技能评分表"
        constraints = [
            models.UniqueConstraint(fields=["result", "examiner"], name="practical_sheet_once"),
            between_check("total", 0, 100, name="practical_sheet_total_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} 考评员 {self.examiner_id}"


class PanelMark(PersonalMark):
    """One panel member's mark for a candidate's thesis / defence / performance (levels 2, 1)."""

    result = models.ForeignKey(
        Result, verbose_name="成绩", on_delete=models.CASCADE, related_name="panel_marks"
    )
    member = ref_fk("personnel.Person", "评审专家")
    score = models.DecimalField("评分", max_digits=5, decimal_places=1)
    note = models.CharField("评语", max_length=300, blank=True)

    class Meta(PersonalMark.Meta):
        verbose_name = "综合评审评分"
        verbose_name_plural = "综合评审评分"
        constraints = [
            models.UniqueConstraint(fields=["result", "member"], name="panel_mark_once"),
            between_check("score", 0, 100, name="panel_mark_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} 专家 {self.member_id}"


class Publication(models.Model):
    """One publication of a batch's results for one district ('' = the whole batch)."""

    batch = models.ForeignKey(
        ResultBatch, verbose_name="成绩批次", on_delete=models.CASCADE, related_name="publications"
    )
    district = models.CharField("考区", max_length=60, blank=True)
    published_at = models.DateTimeField("发布时间")
    recheck_closes_on = models.DateField("复查截止日期")
    published_by = user_fk("发布人", blank=False)
    count = models.PositiveIntegerField("发布人数")

    class Meta:
        verbose_name = "成绩发布"
        verbose_name_plural = "成绩发布"
        ordering = ["batch", "published_at"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "district"], name="publication_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.district or '全部'}"


class RecheckStatus(models.TextChoices):
    REQUESTED = "requested", "已申请"
    COMPLETED = "completed", "已复查"


class Recheck(models.Model):
    """A candidate's re-check (复查) of one subject: the marks are re-added and re-recorded,
    not re-marked; `before`/`after` keep what changed."""

    result = models.ForeignKey(
        Result, verbose_name="成绩", on_delete=models.PROTECT, related_name="rechecks"
    )
    subject = models.CharField(
        "科目",
        max_length=10,
        choices=[("theory", "理论知识"), ("practical", "操作技能"), ("panel", "综合评审")],
    )
    reason = models.CharField("申请理由", max_length=300, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RecheckStatus.choices, default=RecheckStatus.REQUESTED
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    before = models.DecimalField("复查前", max_digits=5, decimal_places=1, null=True, blank=True)
    after = models.DecimalField("复查后", max_digits=5, decimal_places=1, null=True, blank=True)
    changed = models.BooleanField("成绩变更", default=False)
    outcome = models.CharField("复查结论", max_length=300, blank=True)
    handled_by = user_fk("复查人")
    handled_at = models.DateTimeField("复查时间", null=True, blank=True)

    class Meta:
        verbose_name = "成绩复查"
        verbose_name_plural = "成绩复查"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "subject"], name="recheck_once_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.result_id} {self.get_subject_display()} 复查"


class RecheckPolicy(RegionKeyedPolicy):
    """The re-check window per province (15 working days after publication by default),
    versioned (`common.policies`)."""

    workdays = models.PositiveSmallIntegerField("复查期限（工作日）", default=15)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "复查期限"
        verbose_name_plural = "复查期限"
        constraints = [between_check("workdays", 1, 60, name="recheck_workdays_1_60")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.workdays}个工作日"


class PracticalRule(models.TextChoices):
    MEAN = "mean", "取平均分"
    DROP_HIGH_LOW = "drop_high_low", "去掉最高分和最低分后取平均"


class StandardScoring(models.Model):
    """Pass marks, the practical final rule and the double-marking threshold of a standard."""

    standard = models.OneToOneField(
        "occupations.Standard", verbose_name="标准", on_delete=models.CASCADE, related_name="+"
    )
    practical_rule = models.CharField(
        "操作技能计分规则", max_length=14, choices=PracticalRule.choices, default=PracticalRule.MEAN
    )
    theory_pass = models.DecimalField("理论合格线", max_digits=4, decimal_places=1, default=60)
    practical_pass = models.DecimalField("操作合格线", max_digits=4, decimal_places=1, default=60)
    panel_pass = models.DecimalField("综合评审合格线", max_digits=4, decimal_places=1, default=60)
    double_mark_threshold = models.DecimalField(
        "双评分差阈值", max_digits=5, decimal_places=1, default=Decimal("10")
    )
    partial_credit = models.BooleanField("多选题少选得分", default=False)
    partial_ratio = models.DecimalField(
        "少选得分比例", max_digits=3, decimal_places=2, default=Decimal("0.5")
    )

    class Meta:
        verbose_name = "标准计分规则"
        verbose_name_plural = "标准计分规则"
        constraints = [
            models.CheckConstraint(
                condition=Q(theory_pass__gte=0, theory_pass__lte=100)
                & Q(practical_pass__gte=0, practical_pass__lte=100)
                & Q(panel_pass__gte=0, panel_pass__lte=100),
                name="standard_scoring_pass_0_100",
            ),
            between_check("partial_ratio", 0, 1, name="standard_scoring_ratio_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} 计分规则"


class ItemAnalysis(models.Model):
    """The item and test analysis of one paper after a sitting (kept for the analysis pages)."""

    paper = ref_fk("itembank.Paper", "试卷")
    batch = models.ForeignKey(
        ResultBatch,
        verbose_name="成绩批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analyses",
    )
    candidates = models.PositiveIntegerField("考生人数")
    alpha = models.FloatField("信度（α/KR-20）")
    mean = models.FloatField("平均分")
    std = models.FloatField("标准差")
    distribution = models.JSONField("分数分布", default=dict)
    items = models.JSONField("试题指标", default=list)
    flagged = models.PositiveIntegerField("标记试题数", default=0)
    created_by = user_fk("分析人")
    created_at = models.DateTimeField("分析时间", auto_now_add=True)

    class Meta:
        verbose_name = "试题与试卷分析"
        verbose_name_plural = "试题与试卷分析"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"试卷 {self.paper_id} 分析"


class SchemeFilingStatus(models.TextChoices):
    DRAFT = "draft", "未报备案"  # set or changed since the last filing
    FILED = "filed", "已报省人社厅备案"  # with the posts and companies it applies to
    ACKNOWLEDGED = "acknowledged", "省人社厅已备案"


class EnterpriseScheme(models.Model):
    """An enterprise plan's evaluation design for one occupation: methods, the four dimensions'
    weights and methods of evidence, and the pass marks (品德 is a gate). As an enterprise
    evaluation norm it is filed with the province with the posts and companies it applies to,
    and the province acknowledges the filing (seed 004 §六); a change sends it back to draft."""

    plan = ref_fk(
        "plans.EvaluationPlan",
        "评价计划",
        on_delete=models.CASCADE,
        related_name="enterprise_schemes",
    )
    occupation = ref_fk("occupations.Occupation", "职业")
    methods = models.JSONField("评价方式", default=list)  # ["process", "performance", …]
    weights = models.JSONField("维度权重", default=dict)  # {"品德": 0.2, …}, sums to 1
    evidence = models.JSONField("评价方法", default=dict)  # {"品德": ["peer_review", …], …}
    pass_mark = models.DecimalField("合格线", max_digits=4, decimal_places=1, default=60)
    conduct_pass_mark = models.DecimalField(
        "品德合格线", max_digits=4, decimal_places=1, default=60
    )
    candidate_kinds = models.JSONField("参评人员类别", default=list, blank=True)
    posts = models.JSONField("适用岗位", default=list, blank=True)
    companies = models.JSONField("适用企业范围", default=list, blank=True)
    filing_status = models.CharField(
        "备案状态",
        max_length=16,
        choices=SchemeFilingStatus.choices,
        default=SchemeFilingStatus.DRAFT,
    )
    filed_at = models.DateTimeField("报备时间", null=True, blank=True)
    filed_by = user_fk("报备人")
    acknowledged_at = models.DateTimeField("备案时间", null=True, blank=True)
    acknowledged_by = user_fk("备案确认人")
    # SHA-256 of the norm as acknowledged (services.enterprise.norm_digest); "" until then.
    acknowledged_digest = models.CharField("备案内容摘要", max_length=64, blank=True, default="")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "企业评价方案"
        verbose_name_plural = "企业评价方案"
        ordering = ["plan", "occupation"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "occupation"], name="enterprise_scheme_once_per_occupation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.occupation_id} 评价方案"


class ResponseUploadStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    CHECKING = "checking", "校验中"  # every row of the file is checked before anything is scored
    SCORING = "scoring", "评分中"  # the file is sound: objective scoring runs
    DONE = "done", "已评分"
    FAILED = "failed", "未评分"  # the file was refused (see errors / message); nothing stored


class ResponseUpload(BackgroundImport):
    """One uploaded answer file (docs/formats/responses.md) for a batch and its outcome. A
    background task checks every row, then scores the objective items in one transaction: a
    a file with any bad row is refused whole, with every row's error listed."""

    UNFINISHED = (
        ResponseUploadStatus.QUEUED,
        ResponseUploadStatus.CHECKING,
        ResponseUploadStatus.SCORING,
    )

    batch = models.ForeignKey(
        ResultBatch, verbose_name="成绩批次", on_delete=models.PROTECT, related_name="uploads"
    )
    paper = ref_fk("itembank.Paper", "试卷")
    file = models.FileField("作答文件", upload_to="scoring/responses/%Y/%m/", blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=ResponseUploadStatus.choices,
        default=ResponseUploadStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    row_count = models.PositiveIntegerField("考生行数", default=0)
    scored_count = models.PositiveIntegerField("已评分人数", default=0)

    class Meta(BackgroundImport.Meta):
        verbose_name = "作答文件"
        verbose_name_plural = "作答文件"
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="response_upload_progress_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
