"""Training plans, registrations, learning records and cards."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import ActionEvent, RecordedEntry, between_check
from skillcert.personnel.choices import RoleKind
from skillcert.personnel.models.courses import LEARNING_MINUTES_PER_DAY
from skillcert.personnel.models.level_band import LevelBand, level_band_check
from skillcert.personnel.models.people import Person


class CourseMode(models.TextChoices):
    ONLINE = "online", "线上课程+月底集中考核"
    ONSITE = "onsite", "现场授课"


class TrainingPlan(models.Model):
    """A monthly training plan of a province. Publication, registration close and exam
    dates are computed from the working-day calendar by `training_plan_publish`."""

    province = ref_fk("regions.Region", "省份")
    year = models.PositiveSmallIntegerField("年份")
    month = models.PositiveSmallIntegerField("月份")
    role = models.CharField("培训对象", max_length=24, choices=RoleKind.choices)
    mode = models.CharField("培训方式", max_length=16, choices=CourseMode.choices)
    title = models.CharField("名称", max_length=200)
    venue = models.CharField("培训/考核地点", max_length=200, blank=True)
    published_on = models.DateField("发布日期")
    registration_closes_on = models.DateField("报名截止日期")
    exam_on = models.DateField("集中考核日期")
    required_minutes = models.PositiveIntegerField("要求学习时长（分钟）")
    pass_score = models.PositiveSmallIntegerField("合格分数", default=60)
    created_by = user_fk()
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评员培训计划"
        verbose_name_plural = "考评员培训计划"
        ordering = ["-year", "-month", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "month", "role"], name="training_plan_once_a_month"
            ),
            between_check("month", 1, 12, name="plan_month"),
            models.CheckConstraint(
                condition=Q(registration_closes_on__gte=F("published_on")),
                name="plan_registration_after_publication",
            ),
            models.CheckConstraint(condition=Q(pass_score__lte=100), name="plan_pass_score_max"),
            models.CheckConstraint(
                condition=Q(role__in=["examiner", "senior_examiner"]), name="plan_role_has_card"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationPurpose(models.TextChoices):
    NEW = "new", "新申报"
    RENEWAL = "renewal", "复核换证"


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报名，待单位推荐"
    RECOMMENDED = "recommended", "单位已推荐，待市级初审"
    CITY_APPROVED = "city_approved", "市级初审通过，待省级复核"
    CITY_REJECTED = "city_rejected", "市级初审未通过"
    PROVINCE_APPROVED = "province_approved", "省级复核通过"
    PROVINCE_REJECTED = "province_rejected", "省级复核未通过"
    WITHDRAWN = "withdrawn", "已撤回"


class Registration(LevelBand):
    """A person's registration for a training plan (参训报名). Review happens afterwards
    (后置审核) while the person follows the course."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    purpose = models.CharField(
        "类型", max_length=16, choices=RegistrationPurpose.choices, default=RegistrationPurpose.NEW
    )
    renews_card = models.ForeignKey(
        "Card",
        verbose_name="换证的原证卡",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation = ref_fk("occupations.Occupation", "申报考评职业")
    specialty = ref_fk("occupations.Specialty", "工种", optional=True)
    employer = ref_fk("organizations.EvaluationOrg", "推荐单位（评价机构）", optional=True)
    employer_name = models.CharField("工作单位", max_length=200)
    region = ref_fk("regions.Region", "单位所在地区")
    status = models.CharField(
        "审核状态",
        max_length=24,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.SUBMITTED,
    )
    qualification = models.JSONField("资格条件核对", default=dict)
    # The sum of the completed course units' minutes (plus older LearningRecord rows).
    learned_minutes = models.PositiveIntegerField("已学习时长（分钟）", default=0)
    exam_score = models.PositiveSmallIntegerField("考核成绩", null=True, blank=True)
    exam_recorded_at = models.DateTimeField("成绩录入时间", null=True, blank=True)
    pledge_signed_at = models.DateTimeField("诚信承诺书签订时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报名时间", auto_now_add=True)

    class Meta:
        verbose_name = "培训报名"
        verbose_name_plural = "培训报名"
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="registration_once_per_plan"),
            level_band_check("registration_level_range"),
            models.CheckConstraint(
                condition=Q(exam_score__isnull=True) | Q(exam_score__lte=100),
                name="registration_score_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} / {self.person}"

    @property
    def exam_passed(self) -> bool:
        return self.exam_score is not None and self.exam_score >= self.plan.pass_score


class RegistrationEvent(ActionEvent):
    """Every step of a registration, shown to the applicant as review progress."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    # as long as Registration.status (max_length 24); to_status may be blank here
    from_status = models.CharField("原状态", max_length=24, blank=True)
    to_status = models.CharField("新状态", max_length=24, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "报名进度"
        verbose_name_plural = "报名进度"
        ordering = ["registration", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class LearningRecord(RecordedEntry):
    """One day's learning time as it was recorded before course units existed: kept for the
    history it holds (and counted in `Registration.learned_minutes`); no service writes it
    any more. Learning is credited by `CourseCompletion` events. Rows from before attendance
    days were kept have no `attended_on`."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="learning"
    )
    attended_on = models.DateField("学习日期", null=True, blank=True)
    minutes = models.PositiveIntegerField("学习时长（分钟）")

    class Meta:
        verbose_name = "学习记录"
        verbose_name_plural = "学习记录"
        constraints = [
            between_check("minutes", 1, 1440, name="learning_minutes_range"),
            models.CheckConstraint(
                condition=Q(attended_on__isnull=True) | Q(minutes__lte=LEARNING_MINUTES_PER_DAY),
                name="learning_day_at_most_a_course_day",
            ),
            models.UniqueConstraint(
                fields=["registration", "attended_on"], name="learning_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} 分钟"


class CardStatus(models.TextChoices):
    PENDING = "pending", "待领取"
    COLLECTED = "collected", "已领取"
    VOID = "void", "逾期未领取，已作废"
    SUPERSEDED = "superseded", "已换发新证"
    REVOKED = "revoked", "已吊销"


class Card(LevelBand):
    """考评员资格证卡: valid for the province's validity period from issue; collection
    opens on a date and must happen within the province's number of working days."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cards")
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.PROTECT, related_name="card"
    )
    role = models.CharField("角色", max_length=24, choices=RoleKind.choices)
    occupation = ref_fk("occupations.Occupation", "考评职业")
    specialty = ref_fk("occupations.Specialty", "工种", optional=True)
    province = ref_fk("regions.Region", "发证省份")
    number = models.CharField("证卡编号", max_length=32, unique=True)
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至")
    collection_opens_on = models.DateField("开始领取日期")
    collection_deadline = models.DateField("领取截止日期")
    collected_on = models.DateField("领取日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=CardStatus.choices, default=CardStatus.PENDING
    )
    status_reason = models.CharField("状态原因", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评员证卡"
        verbose_name_plural = "考评员证卡"
        ordering = ["person", "issued_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("issued_on")), name="card_valid_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(collection_deadline__gte=F("collection_opens_on")),
                name="card_collection_window",
            ),
            models.CheckConstraint(
                condition=~Q(status="collected") | Q(collected_on__isnull=False),
                name="card_collected_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CardReminder(models.Model):
    """An expiry reminder sent for a card (once per card)."""

    card = models.OneToOneField(Card, on_delete=models.CASCADE, related_name="reminder")
    sent_on = models.DateField("提醒日期")
    message = models.CharField("提醒内容", max_length=300)

    class Meta:
        verbose_name = "证卡到期提醒"
        verbose_name_plural = "证卡到期提醒"

    def __str__(self) -> str:
        return f"{self.card_id} {self.sent_on}"
