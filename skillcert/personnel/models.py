"""Assessment personnel (考评人员): one person registry, the roles each person holds per
occupation and level range, qualification rules as data, the monthly training flow
(registration → unit recommendation → city 初审 → province 复核 → course, exam, pledge → card),
cards, practice record, integrity file and recusal relations.

Statuses move only through the transition tables in `services.py`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from skillcert.common.identifiers import mask_id_number, mask_phone
from skillcert.common.pii import EncryptedCharField, pii_digest

LEVEL_CHOICES = [(5, "五级"), (4, "四级"), (3, "三级"), (2, "二级"), (1, "一级")]


class RoleKind(models.TextChoices):
    EXAMINER = "examiner", "考评员"
    SENIOR_EXAMINER = "senior_examiner", "高级考评员"
    QUESTION_SETTER = "question_setter", "命题人员"
    SUPERVISOR_EXTERNAL = "supervisor_external", "质量督导员（外督）"  # appointed by the authority
    SUPERVISOR_INTERNAL = (
        "supervisor_internal",
        "质量督导员（内督）",
    )  # appointed by an organisation


CARD_ROLES = (RoleKind.EXAMINER, RoleKind.SENIOR_EXAMINER)  # held through training and a card


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class EducationLevel(models.TextChoices):
    JUNIOR = "junior", "初中及以下"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中专/技校"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生"
    DOCTOR = "doctor", "博士研究生"


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "暂停"  # may not assess or register until reinstated
    BANNED = "banned", "永久取消资格"  # terminal: e.g. two consecutive cards left uncollected


class PiiDigestField(models.CharField):
    """The keyed digest (`pii_digest`) of the encrypted field named `source`, filled on every
    save and bulk create, so rows created outside the services (demos, other apps' fixtures)
    still get a digest and the unique constraint on it keeps holding. A `save(update_fields=)`
    that changes the source must name this field too."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = getattr(model_instance, self.source) or ""
        digest = pii_digest(value) if value else ""
        setattr(model_instance, self.attname, digest)
        return digest


class Person(models.Model):
    """A person who assesses, writes questions or supervises. The ID number is the key
    across provinces; gender and birth date are derived from it. ID number and phone are
    encrypted at rest (PIPL) and found through their digests (`person_by_id_number`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="personnel_person",
    )
    id_number = EncryptedCharField("身份证号码")
    id_number_digest = PiiDigestField(source="id_number", unique=True)
    name = models.CharField("姓名", max_length=64)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = EncryptedCharField("联系电话", blank=True)
    phone_digest = PiiDigestField(source="phone", blank=True, db_index=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    education = models.CharField("文化程度", max_length=16, choices=EducationLevel.choices)
    employer = models.ForeignKey(
        "organizations.EvaluationOrg",
        verbose_name="工作单位（评价机构）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField("工作单位", max_length=200)
    region = models.ForeignKey(
        "regions.Region", verbose_name="单位所在地区", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=16, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_reason = models.CharField("状态原因", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评人员"
        verbose_name_plural = "考评人员"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class TitleGrade(models.TextChoices):
    JUNIOR = "初级", "初级"
    INTERMEDIATE = "中级", "中级"
    DEPUTY_SENIOR = "副高级", "副高级"
    SENIOR = "正高级", "正高级"


class PersonCertificate(models.Model):
    """A vocational qualification or skill-level certificate the person holds."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certificates")
    occupation = models.ForeignKey(
        "occupations.Occupation", verbose_name="职业", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    number = models.CharField("证书编号", max_length=32)
    issued_on = models.DateField("发证日期")

    class Meta:
        verbose_name = "持有证书"
        verbose_name_plural = "持有证书"
        ordering = ["person", "issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="person_certificate_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="person_certificate_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.level}级 {self.number}"


class PersonTitle(models.Model):
    """A professional title (专业技术职务/职称)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="titles")
    grade = models.CharField("级别", max_length=8, choices=TitleGrade.choices)
    name = models.CharField("职称名称", max_length=64)  # e.g. 经济师
    major = models.CharField("专业", max_length=64)  # e.g. 人力资源管理
    obtained_on = models.DateField("取得日期")

    class Meta:
        verbose_name = "专业技术职务"
        verbose_name_plural = "专业技术职务"
        ordering = ["person", "obtained_on"]

    def __str__(self) -> str:
        return f"{self.grade}{self.name}（{self.major}）"


class PersonWork(models.Model):
    """A period of work; `occupation` says which occupation the work was in."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="work")
    occupation = models.ForeignKey(
        "occupations.Occupation",
        verbose_name="从事职业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField("工作内容", max_length=200)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "工作经历"
        verbose_name_plural = "工作经历"
        ordering = ["person", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="person_work_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end or '至今'} {self.description}"


class ConfidentialityAgreement(models.Model):
    """保密协议 between a question setter and an evaluation organisation (seed 001 §三(5))."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="agreements")
    organization = models.ForeignKey(
        "organizations.EvaluationOrg",
        verbose_name="评价机构",
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on = models.DateField("签订日期")

    class Meta:
        verbose_name = "保密协议"
        verbose_name_plural = "保密协议"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"], name="confidentiality_once_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} × {self.organization_id}"


class ProvincePolicy(models.Model):
    """The numbers a province sets for its personnel (seed 003 for Sichuan; other provinces
    enter their own): registration windows, card validity and collection, the
    uncollected-card ban, reminders, and the rotation rule."""

    province = models.OneToOneField(
        "regions.Region", verbose_name="省份", on_delete=models.PROTECT, related_name="+"
    )
    registration_workdays_examiner = models.PositiveSmallIntegerField("考评员报名工作日数")
    registration_workdays_senior = models.PositiveSmallIntegerField("高级考评员报名工作日数")
    card_validity_years = models.PositiveSmallIntegerField("证卡有效期（年）")
    collection_workdays = models.PositiveSmallIntegerField("证卡领取期限（工作日）")
    uncollected_ban_count = models.PositiveSmallIntegerField("连续未领取次数上限")
    reminder_days = models.PositiveSmallIntegerField("到期提醒提前天数")
    max_consecutive_sittings = models.PositiveSmallIntegerField("同一机构最多连续考评场次")
    source = models.CharField("依据", max_length=200)

    class Meta:
        verbose_name = "省级考评人员管理参数"
        verbose_name_plural = "省级考评人员管理参数"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    registration_workdays_examiner__gte=1,
                    registration_workdays_senior__gte=1,
                    card_validity_years__gte=1,
                    collection_workdays__gte=1,
                    uncollected_ban_count__gte=1,
                    max_consecutive_sittings__gte=1,
                ),
                name="province_policy_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_id} 考评人员管理参数"


class QualificationRule(models.Model):
    """One version of the qualification conditions of a role, for all occupations (blank
    `occupation_code`) or one, nationally (blank `province`) or in one province. Versions are
    never edited; the most specific rule wins (occupation+province, occupation, province,
    generic)."""

    code = models.CharField("规则编号", max_length=64)
    version = models.PositiveIntegerField("版本")
    role = models.CharField("角色", max_length=24, choices=RoleKind.choices)
    province = models.CharField("适用省份代码", max_length=2, blank=True)
    occupation_code = models.CharField("适用职业编码", max_length=11, blank=True)
    title = models.CharField("名称", max_length=200)
    source = models.CharField("依据", max_length=300)
    related_occupation_codes = models.JSONField("相关职业编码", default=list, blank=True)
    related_majors = models.JSONField("相关专业", default=list, blank=True)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评人员资格条件"
        verbose_name_plural = "考评人员资格条件"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="qualification_rule_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="qualification_version_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class QualificationClause(models.Model):
    """One clause: for assessing a level band, an eligibility-engine condition (certificate,
    title, years of related work) plus the role's own requirements."""

    rule = models.ForeignKey(QualificationRule, on_delete=models.CASCADE, related_name="clauses")
    letter = models.CharField("条款", max_length=2)
    text = models.TextField("条款原文")
    level_high = models.PositiveSmallIntegerField("适用最高等级", choices=LEVEL_CHOICES)
    level_low = models.PositiveSmallIntegerField("适用最低等级", choices=LEVEL_CHOICES)
    condition = models.JSONField("结构化条件", default=dict, blank=True)
    role_required = models.CharField(
        "需已担任角色", max_length=24, choices=RoleKind.choices, blank=True
    )
    role_years = models.PositiveSmallIntegerField("担任年限", null=True, blank=True)
    min_sittings = models.PositiveSmallIntegerField("最少实际考评场次", default=0)
    confidentiality = models.BooleanField("需签订保密协议", default=False)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "资格条款"
        verbose_name_plural = "资格条款"
        ordering = ["rule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "letter"], name="qualification_clause_letter"),
            models.CheckConstraint(
                condition=Q(level_high__gte=1, level_low__lte=5, level_high__lte=F("level_low")),
                name="qualification_clause_band",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code}/{self.letter}"


class PersonRoleStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    SUSPENDED = "suspended", "暂停"  # by supervision; reinstatable
    EXPIRED = "expired", "已过期"  # card lapsed; renewal reactivates
    REVOKED = "revoked", "已撤销"  # terminal


class PersonRole(models.Model):
    """A role held for one occupation (and specialty) and a range of levels
    (level_high = the highest level, the smaller number)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=24, choices=RoleKind.choices)
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
    level_high = models.PositiveSmallIntegerField("最高等级", choices=LEVEL_CHOICES)
    level_low = models.PositiveSmallIntegerField("最低等级", choices=LEVEL_CHOICES)
    province = models.ForeignKey(
        "regions.Region", verbose_name="发证/任命省份", on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.EvaluationOrg",
        verbose_name="任命机构（内督）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=PersonRoleStatus.choices, default=PersonRoleStatus.ACTIVE
    )
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    qualification = models.JSONField("资格审核结论", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评人员角色"
        verbose_name_plural = "考评人员角色"
        ordering = ["person", "role", "occupation"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level_high__gte=1, level_low__lte=5, level_high__lte=F("level_low")),
                name="person_role_level_range",
            ),
            models.CheckConstraint(
                condition=~Q(role="supervisor_internal") | Q(organization__isnull=False),
                name="internal_supervisor_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_role_display()} {self.occupation_id} {self.level_high}–{self.level_low}级"
        )


class PersonRoleEvent(models.Model):
    """History of a role: every status change with its reason and actor."""

    role = models.ForeignKey(PersonRole, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=32)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16)
    reason = models.CharField("原因", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色变更记录"
        verbose_name_plural = "角色变更记录"
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class CourseMode(models.TextChoices):
    ONLINE = "online", "线上课程+月底集中考核"
    ONSITE = "onsite", "现场授课"


class TrainingPlan(models.Model):
    """A monthly training plan of a province. Publication, registration close and exam
    dates are computed from the working-day calendar by `training_plan_publish`."""

    province = models.ForeignKey(
        "regions.Region", verbose_name="省份", on_delete=models.PROTECT, related_name="+"
    )
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评员培训计划"
        verbose_name_plural = "考评员培训计划"
        ordering = ["-year", "-month", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "month", "role"], name="training_plan_once_a_month"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_month"),
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


class Registration(models.Model):
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
    occupation = models.ForeignKey(
        "occupations.Occupation",
        verbose_name="申报考评职业",
        on_delete=models.PROTECT,
        related_name="+",
    )
    specialty = models.ForeignKey(
        "occupations.Specialty",
        verbose_name="工种",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level_high = models.PositiveSmallIntegerField("最高等级", choices=LEVEL_CHOICES)
    level_low = models.PositiveSmallIntegerField("最低等级", choices=LEVEL_CHOICES)
    employer = models.ForeignKey(
        "organizations.EvaluationOrg",
        verbose_name="推荐单位（评价机构）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField("工作单位", max_length=200)
    region = models.ForeignKey(
        "regions.Region", verbose_name="单位所在地区", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "审核状态",
        max_length=24,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.SUBMITTED,
    )
    qualification = models.JSONField("资格条件核对", default=dict)
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
            models.CheckConstraint(
                condition=Q(level_high__gte=1, level_low__lte=5, level_high__lte=F("level_low")),
                name="registration_level_range",
            ),
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


class RegistrationEvent(models.Model):
    """Every step of a registration, shown to the applicant as review progress."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=32)
    from_status = models.CharField("原状态", max_length=24, blank=True)
    to_status = models.CharField("新状态", max_length=24, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "报名进度"
        verbose_name_plural = "报名进度"
        ordering = ["registration", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


# The longest course day: no calendar day credits more learning than this.
LEARNING_MINUTES_PER_DAY = 480


class LearningRecord(models.Model):
    """One day's learning time, recorded by the training organiser from the course's
    attendance (never typed in by the learner): one record per registration and day, at most
    a course day long. Rows from before attendance days were kept have no `attended_on`."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="learning"
    )
    attended_on = models.DateField("学习日期", null=True, blank=True)
    minutes = models.PositiveIntegerField("学习时长（分钟）")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "学习记录"
        verbose_name_plural = "学习记录"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=1440), name="learning_minutes_range"
            ),
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


class Card(models.Model):
    """考评员资格证卡: valid for the province's validity period from issue; collection
    opens on a date and must happen within the province's number of working days."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cards")
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.PROTECT, related_name="card"
    )
    role = models.CharField("角色", max_length=24, choices=RoleKind.choices)
    occupation = models.ForeignKey(
        "occupations.Occupation",
        verbose_name="考评职业",
        on_delete=models.PROTECT,
        related_name="+",
    )
    specialty = models.ForeignKey(
        "occupations.Specialty",
        verbose_name="工种",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level_high = models.PositiveSmallIntegerField("最高等级", choices=LEVEL_CHOICES)
    level_low = models.PositiveSmallIntegerField("最低等级", choices=LEVEL_CHOICES)
    province = models.ForeignKey(
        "regions.Region", verbose_name="发证省份", on_delete=models.PROTECT, related_name="+"
    )
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


class PracticeDuty(models.TextChoices):
    """What the person did at a sitting they served (the practice record, 考评工作记录)."""

    EXAMINER = "examiner", "考评"
    PANEL = "panel", "综合评审"
    INVIGILATOR = "invigilator", "监考"
    QUESTION_SETTER = "question_setter", "命题"
    SUPERVISOR = "supervisor", "质量督导"


class Sitting(models.Model):
    """One assessment sitting the person served at (practice record, 考评工作记录)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sittings")
    organization = models.ForeignKey(
        "organizations.EvaluationOrg",
        verbose_name="评价机构",
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation = models.ForeignKey(
        "occupations.Occupation",
        verbose_name="职业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES, null=True, blank=True)
    held_on = models.DateField("考评日期")
    room = models.CharField("考场", max_length=64, blank=True)
    duty = models.CharField("承担工作", max_length=24, choices=PracticeDuty.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评工作记录"
        verbose_name_plural = "考评工作记录"
        ordering = ["person", "held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "held_on", "room"], name="sitting_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.organization_id} {self.room}"


class RelationKind(models.TextChoices):
    RELATIVE = "relative", "近亲属"
    TEACHER_STUDENT = "teacher_student", "师生"
    MASTER_APPRENTICE = "master_apprentice", "师徒"
    COLLEAGUE = "colleague", "同事/同单位"
    OTHER = "other", "其他利害关系"


class RecusalRelation(models.Model):
    """A declared relation that requires recusal, with a candidate (by ID number) or with an
    organisation."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField("关系", max_length=24, choices=RelationKind.choices)
    counterpart_id_number = models.CharField("对方身份证号码", max_length=18, blank=True)
    counterpart_name = models.CharField("对方姓名", max_length=64, blank=True)
    organization = models.ForeignKey(
        "organizations.EvaluationOrg",
        verbose_name="相关机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("申报时间", auto_now_add=True)

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        constraints = [
            models.CheckConstraint(
                condition=~Q(counterpart_id_number="") | Q(organization__isnull=False),
                name="recusal_has_counterpart",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_kind_display()}"


class IntegrityKind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    FINDING = "finding", "督导发现问题"
    SANCTION = "sanction", "处理决定"
    COMMENDATION = "commendation", "表扬"


class IntegrityEntry(models.Model):
    """诚信档案: complaints, supervision findings and the decisions taken."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="integrity")
    kind = models.CharField("类别", max_length=16, choices=IntegrityKind.choices)
    occurred_on = models.DateField("发生日期")
    summary = models.CharField("内容", max_length=500)
    source = models.CharField("来源", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "诚信档案"
        verbose_name_plural = "诚信档案"
        ordering = ["person", "-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
