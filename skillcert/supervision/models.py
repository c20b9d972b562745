"""Quality supervision (质量督导) and complaints (举报投诉).

* `SupervisionDraw`: one 双随机 draw — the candidate pool, rate and seed are stored so the draw
  can be replayed and checked; it creates one `Visit` per drawn plan with a drawn external
  supervisor.
* `Visit`: checklist answers (data, snapshotted from `ChecklistItem`), `Finding`s with
  `Evidence`, a rating and a report; each finding opens a `CorrectiveAction` for the
  organisation. Serious findings escalated by an officer write the organisation's credit record
  and may open a `RegistrationHold` that suspends the registration of its results.
* `Complaint`: from the public or candidates, with triage, a handling deadline in working days,
  an outcome and the feedback the complainant reads with the tracking number and code.

Statuses move only through the tables in `transitions.py`, called by services."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import ActionEvent, ChecklistRow, RecordedEntry, sha256_check
from skillcert.common.pii import EncryptedCharField
from skillcert.common.policies import CodeKeyedPolicy
from skillcert.common.uploads import UploadedDocument
from skillcert.supervision.choices import Severity


class SupervisionPolicy(CodeKeyedPolicy):
    """Rates and deadlines that vary by province, kept as versioned data (`common.policies`).
    The rows with a blank province are the default."""

    process_sample_rate = models.DecimalField(
        "过程性督导抽查比例", max_digits=4, decimal_places=3, default=Decimal("0.2")
    )
    corrective_workdays = models.PositiveSmallIntegerField("整改期限（工作日）", default=10)
    complaint_handling_workdays = models.PositiveSmallIntegerField(
        "投诉办理期限（工作日）", default=15
    )
    note = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "督导规则"
        verbose_name_plural = "督导规则"
        indexes = [
            models.Index(fields=["province", "effective_from"], name="supervision_policy_in_force")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(process_sample_rate__gt=0, process_sample_rate__lte=1),
                name="supervision_policy_rate_0_1",
            ),
            models.CheckConstraint(
                condition=Q(corrective_workdays__gte=1, complaint_handling_workdays__gte=1),
                name="supervision_policy_days_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"督导规则 {self.province or '默认'}"


class DrawKind(models.TextChoices):
    PROCESS = "process", "企业自主评价过程性督导（随机抽查）"  # a sample of employers' plans
    ONSITE = "onsite", "社会化评价逢考必督"  # every sitting of a social assessment


class ChecklistItem(ChecklistRow):
    """One point a supervisor checks on a visit (data; provinces add and retire items)."""

    kind = models.CharField("督导类型", max_length=16, choices=DrawKind.choices)
    code = models.CharField("检查项代码", max_length=40)
    title = models.CharField("检查项", max_length=200)

    class Meta(ChecklistRow.Meta):
        verbose_name = "督导检查项"
        verbose_name_plural = "督导检查项"
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="supervision_checklist_unique")
        ]

    def __str__(self) -> str:
        return self.title


class SupervisionDraw(models.Model):
    """A recorded, reproducible draw: replaying `pool` with `rate` and `seed` gives `picked`,
    and replaying `inspector_pool` (per plan, after recusal) gives the assigned supervisors."""

    kind = models.CharField("督导类型", max_length=16, choices=DrawKind.choices)
    region = ref_fk("regions.Region", "抽取范围")
    drawn_on = models.DateField("抽取日期")
    rate = models.DecimalField("抽取比例", max_digits=4, decimal_places=3)
    seed = models.CharField("随机种子", max_length=64)
    pool = models.JSONField("候选计划")  # sorted plan ids
    picked = models.JSONField("抽中计划")  # sorted plan ids
    inspector_pool = models.JSONField("候选督导员")  # {plan id: [eligible person ids]}
    assignments = models.JSONField("督导员分派")  # {plan id: person id}
    exclusions = models.JSONField("回避情况", default=dict)  # {plan id: {person id: reason}}
    created_by = user_fk("抽取人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导抽取"
        verbose_name_plural = "督导抽取"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0, rate__lte=1), name="draw_rate_0_1"),
            models.CheckConstraint(
                condition=~Q(kind="onsite") | Q(rate=1), name="draw_onsite_rate_is_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.drawn_on}"


class VisitStatus(models.TextChoices):
    ASSIGNED = "assigned", "已派出"  # drawn; the supervisor fills the checklist and findings
    REPORTED = "reported", "已报告"  # rating and report submitted; corrective actions open
    CLOSED = "closed", "已结案"  # every corrective action accepted


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    BASIC = "basic", "基本合格"
    FAIL = "fail", "不合格"


class Visit(models.Model):
    draw = models.ForeignKey(
        SupervisionDraw,
        verbose_name="抽取批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    plan = ref_fk("plans.EvaluationPlan", "评价计划", related_name="supervision_visits")
    org = ref_fk("organizations.EvaluationOrg", "评价机构", related_name="supervision_visits")
    supervisor = ref_fk("personnel.Person", "质量督导员", related_name="supervision_visits")
    kind = models.CharField("督导类型", max_length=16, choices=DrawKind.choices)
    status = models.CharField(
        "状态", max_length=16, choices=VisitStatus.choices, default=VisitStatus.ASSIGNED
    )
    checklist = models.JSONField("检查表", default=list)  # [{code, title, result, note}]
    rating = models.CharField("评定", max_length=16, choices=Rating.choices, blank=True)
    report = models.TextField("督导报告", blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    created_at = models.DateTimeField("派出时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导记录"
        verbose_name_plural = "督导记录"
        ordering = ["-id"]
        indexes = [models.Index(fields=["org", "status"], name="visit_org_status")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="visit_one_per_plan_and_kind"),
            models.CheckConstraint(
                condition=Q(status="assigned") | (~Q(rating="") & ~Q(report="")),
                name="visit_reported_has_rating_and_report",
            ),
        ]

    def __str__(self) -> str:
        return f"督导#{self.pk} {self.plan_id}"


class Finding(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name="督导记录", on_delete=models.PROTECT, related_name="findings"
    )
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices)
    checklist_code = models.CharField("对应检查项", max_length=40, blank=True)
    description = models.TextField("问题描述")
    escalated_at = models.DateTimeField("报送诚信档案时间", null=True, blank=True)
    credit_event = ref_fk("organizations.CreditEvent", "诚信档案记录", optional=True)
    created_by = user_fk("记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导发现问题"
        verbose_name_plural = "督导发现问题"
        ordering = ["visit", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalated_at__isnull=True) | Q(severity="serious"),
                name="finding_only_serious_escalated",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}：{self.description[:30]}"


class Evidence(UploadedDocument):
    """A photo or document backing a finding, checked by content on the way in."""

    finding = models.ForeignKey(
        Finding, verbose_name="问题", on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField("文件", upload_to="supervision/%Y/%m/")

    class Meta:
        verbose_name = "督导证据"
        verbose_name_plural = "督导证据"
        ordering = ["id"]
        constraints = [sha256_check(name="evidence_sha256")]


class ActionStatus(models.TextChoices):
    OPEN = "open", "待整改"  # the organisation has to act by `due_on`
    SUBMITTED = "submitted", "已提交整改报告"  # waiting for the officer
    ACCEPTED = "accepted", "整改完成"  # the officer accepted the response


class CorrectiveAction(models.Model):
    finding = models.OneToOneField(
        Finding, verbose_name="问题", on_delete=models.PROTECT, related_name="action"
    )
    org = ref_fk("organizations.EvaluationOrg", "评价机构", related_name="corrective_actions")
    requirement = models.TextField("整改要求")
    due_on = models.DateField("整改期限")
    status = models.CharField(
        "状态", max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    response = models.TextField("整改情况", blank=True)
    review_note = models.TextField("审核意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField("下达时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["org", "status"], name="action_org_status")]

    def __str__(self) -> str:
        return f"整改#{self.pk} 期限{self.due_on}"


class RegistrationHold(models.Model):
    """Suspends the registration (登记备案) of results: of one plan, or of every plan of the
    organisation when `plan` is empty. Lifted with a reason; rows are kept."""

    org = ref_fk("organizations.EvaluationOrg", "评价机构", related_name="registration_holds")
    plan = ref_fk(
        "plans.EvaluationPlan", "评价计划", optional=True, related_name="registration_holds"
    )
    finding = models.ForeignKey(
        Finding, verbose_name="依据问题", on_delete=models.PROTECT, related_name="holds"
    )
    reason = models.TextField("暂停原因")
    document_no = models.CharField("文号", max_length=100)
    placed_by = user_fk("决定人")
    placed_at = models.DateTimeField("暂停时间", auto_now_add=True)
    lifted_at = models.DateTimeField("恢复时间", null=True, blank=True)
    lift_reason = models.TextField("恢复原因", blank=True)

    class Meta:
        verbose_name = "成绩登记暂停"
        verbose_name_plural = "成绩登记暂停"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding"],
                condition=Q(lifted_at__isnull=True),
                name="hold_one_open_per_finding",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                name="hold_lift_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"暂停登记 {self.org_id}/{self.plan_id or '全部'}"


class ComplainantKind(models.TextChoices):
    PUBLIC = "public", "社会公众"
    CANDIDATE = "candidate", "考生"


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", "评价机构"
    EXAMINER = "examiner", "考评员"
    SUPERVISOR = "supervisor", "质量督导员"
    EXPERT = "expert", "专家（命题人员等）"
    OTHER = "other", "其他"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "已收到，待分办"  # waiting for triage
    HANDLING = "handling", "办理中"  # assigned with a deadline in working days
    CONCLUDED = "concluded", "已办结"  # outcome and feedback recorded
    NOT_ACCEPTED = "not_accepted", "不予受理"  # with the reason fed back


class Complaint(models.Model):
    number = models.CharField("受理编号", max_length=24, unique=True)
    tracking_digest = models.CharField("查询码摘要", max_length=64)  # sha256 of the code
    complainant_kind = models.CharField(
        "投诉人类型", max_length=16, choices=ComplainantKind.choices
    )
    complainant_name = models.CharField("投诉人", max_length=64, blank=True)  # may be anonymous
    contact_phone = EncryptedCharField("联系电话", blank=True)
    contact_phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    submitted_by = user_fk("提交账户")
    subject_kind = models.CharField("投诉对象类型", max_length=16, choices=SubjectKind.choices)
    subject_name = models.CharField("投诉对象（投诉人填写）", max_length=200)
    region = ref_fk("regions.Region", "所在地区")
    content = models.TextField("投诉内容")
    org = ref_fk(
        "organizations.EvaluationOrg", "关联机构", optional=True, related_name="complaints"
    )
    person = ref_fk("personnel.Person", "关联人员", optional=True, related_name="complaints")
    status = models.CharField(
        "状态", max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    received_on = models.DateField("收到日期")
    assignee = user_fk("承办人")
    due_on = models.DateField("办理期限", null=True, blank=True)
    outcome = models.TextField("办理结果", blank=True)
    upheld = models.BooleanField("情况属实", null=True)
    feedback = models.TextField("答复投诉人", blank=True)
    feedback_at = models.DateTimeField("答复时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "投诉举报"
        verbose_name_plural = "投诉举报"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="complaint_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="handling") | Q(due_on__isnull=False, assignee__isnull=False),
                name="complaint_handling_has_assignee_and_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["concluded", "not_accepted"]) | ~Q(feedback=""),
                name="complaint_closed_has_feedback",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ComplaintEvent(ActionEvent):
    complaint = models.ForeignKey(
        Complaint, verbose_name="投诉", on_delete=models.CASCADE, related_name="events"
    )
    note = models.TextField("说明", blank=True)
    actor = user_fk("操作人")

    class Meta:
        verbose_name = "投诉办理记录"
        verbose_name_plural = "投诉办理记录"
        ordering = ["complaint", "id"]


class ReportWaiver(models.Model):
    """The authority accepted why a social assessment's results may be registered without the
    on-site supervisor's report (the supervisor fell ill and nobody could stand in, ...).
    Registration needs the report or this row (seed 004 §十八)."""

    plan = models.OneToOneField(
        "plans.EvaluationPlan",
        verbose_name="评价计划",
        on_delete=models.PROTECT,
        related_name="supervision_report_waiver",
    )
    reason = models.TextField("未提交督导报告的原因")
    accepted_by = user_fk("认可人")
    accepted_at = models.DateTimeField("认可时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导报告缺失说明"
        verbose_name_plural = "督导报告缺失说明"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="report_waiver_has_reason")
        ]

    def __str__(self) -> str:
        return f"督导报告缺失说明 {self.plan_id}"


class RatioOverride(RecordedEntry):
    """The province lets a plan be approved, or a slot's rooms start, below the staffing
    ratios of the exam rules (DOMAIN §4), with the reason. One target per row."""

    plan = models.OneToOneField(
        "plans.EvaluationPlan",
        verbose_name="评价计划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratio_override",
    )
    slot = models.OneToOneField(
        "exams.TimeSlot",
        verbose_name="考试场次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratio_override",
    )
    reason = models.TextField("例外原因")

    class Meta:
        verbose_name = "考务人员配比例外"
        verbose_name_plural = "考务人员配比例外"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, slot__isnull=True)
                | Q(plan__isnull=True, slot__isnull=False),
                name="ratio_override_one_target",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="ratio_override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"配比例外 计划{self.plan_id or '-'} 场次{self.slot_id or '-'}"
