"""Province policy, qualification rules and the roles people hold."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from skillcert.common.fields import ref_fk
from skillcert.common.model_bases import ActionEvent, RuleClause, VersionedRule
from skillcert.common.policies import RegionKeyedPolicy
from skillcert.personnel.choices import PersonRoleStatus, RoleKind
from skillcert.personnel.models.level_band import LevelBand, level_band_check
from skillcert.personnel.models.people import LEVEL_CHOICES, Person


class ProvincePolicy(RegionKeyedPolicy):
    """The numbers a province sets for its personnel (seed 003 for Sichuan; other provinces
    enter their own): registration windows, card validity and collection, the
    uncollected-card ban, reminders, and the rotation rule."""

    registration_workdays_examiner = models.PositiveSmallIntegerField("考评员报名工作日数")
    registration_workdays_senior = models.PositiveSmallIntegerField("高级考评员报名工作日数")
    card_validity_years = models.PositiveSmallIntegerField("证卡有效期（年）")
    collection_workdays = models.PositiveSmallIntegerField("证卡领取期限（工作日）")
    uncollected_ban_count = models.PositiveSmallIntegerField("连续未领取次数上限")
    reminder_days = models.PositiveSmallIntegerField("到期提醒提前天数")
    max_consecutive_sittings = models.PositiveSmallIntegerField("同一机构最多连续考评场次")
    source = models.CharField("说明", max_length=200, blank=True)

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


class QualificationRule(VersionedRule):
    """One version of the qualification conditions of a role, for all occupations (blank
    `occupation_code`) or one, nationally (blank `province`) or in one province. Versions are
    never edited; the most specific rule wins (occupation+province, occupation, province,
    generic)."""

    role = models.CharField("角色", max_length=24, choices=RoleKind.choices)
    occupation_code = models.CharField("适用职业编码", max_length=11, blank=True)
    source = models.CharField("依据", max_length=300)
    related_occupation_codes = models.JSONField("相关职业编码", default=list, blank=True)
    related_majors = models.JSONField("相关专业", default=list, blank=True)

    class Meta(VersionedRule.Meta):
        verbose_name = "考评人员资格条件"
        verbose_name_plural = "考评人员资格条件"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="qualification_rule_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="qualification_version_pos"),
        ]


class QualificationClause(RuleClause):
    """One clause: for assessing a level band, an eligibility-engine condition (certificate,
    title, years of related work) plus the role's own requirements."""

    rule = models.ForeignKey(QualificationRule, on_delete=models.CASCADE, related_name="clauses")
    level_high = models.PositiveSmallIntegerField("适用最高等级", choices=LEVEL_CHOICES)
    level_low = models.PositiveSmallIntegerField("适用最低等级", choices=LEVEL_CHOICES)
    condition = models.JSONField("结构化条件", default=dict, blank=True)
    role_required = models.CharField(
        "需已担任角色", max_length=24, choices=RoleKind.choices, blank=True
    )
    role_years = models.PositiveSmallIntegerField("担任年限", null=True, blank=True)
    min_sittings = models.PositiveSmallIntegerField("最少实际考评场次", default=0)
    confidentiality = models.BooleanField("需签订保密协议", default=False)

    class Meta:
        verbose_name = "资格条款"
        verbose_name_plural = "资格条款"
        ordering = ["rule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "letter"], name="qualification_clause_letter"),
            level_band_check("qualification_clause_band"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code}/{self.letter}"


class PersonRole(LevelBand):
    """A role held for one occupation (and specialty) and a range of levels
    (level_high = the highest level, the smaller number)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=24, choices=RoleKind.choices)
    occupation = ref_fk("occupations.Occupation", "职业")
    specialty = ref_fk("occupations.Specialty", "工种", optional=True)
    province = ref_fk("regions.Region", "发证/任命省份")
    organization = ref_fk("organizations.EvaluationOrg", "任命机构（内督）", optional=True)
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
            level_band_check("person_role_level_range"),
            models.CheckConstraint(
                condition=~Q(role="supervisor_internal") | Q(organization__isnull=False),
                name="internal_supervisor_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_role_display()} {self.occupation_id} {self.level_high}–{self.level_low}级"
        )


class PersonRoleEvent(ActionEvent):
    """History of a role: every status change with its reason and actor."""

    role = models.ForeignKey(PersonRole, on_delete=models.CASCADE, related_name="events")
    reason = models.CharField("原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "角色变更记录"
        verbose_name_plural = "角色变更记录"
        ordering = ["role", "id"]
