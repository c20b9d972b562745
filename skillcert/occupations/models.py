from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from skillcert.common.fields import user_fk
from skillcert.common.model_bases import between_check
from skillcert.occupations.choices import LEVEL_CHOICES, CertificationKind

OCCUPATION_CODE_REGEX = r"^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$"


class StandardKind(models.TextChoices):
    NATIONAL = "national", "国家职业技能标准"
    PROVINCIAL = "provincial", "省级（行业）标准"
    ENTERPRISE = "enterprise", "企业评价规范"


class AssessmentPart(models.TextChoices):
    THEORY = "theory", "理论知识"
    PRACTICAL = "practical", "操作技能"


class Importance(models.TextChoices):
    CORE = "X", "X 核心要素"
    GENERAL = "Y", "Y 一般要素"
    AUXILIARY = "Z", "Z 辅助要素"
    NONE = "", "—"


class Occupation(models.Model):
    """An occupation of the national classification (职业分类大典 2022). The code is
    editable data: codes change between editions and some are known only from reposts."""

    code = models.CharField("职业编码", max_length=11, unique=True)
    name = models.CharField("职业名称", max_length=100)
    certification_kind = models.CharField(
        "认定类别",
        max_length=20,
        choices=CertificationKind.choices,
        default=CertificationKind.SKILL_LEVEL,
    )
    description = models.TextField("职业定义", blank=True)
    code_note = models.CharField("编码说明/来源", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "职业"
        verbose_name_plural = "职业"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=OCCUPATION_CODE_REGEX), name="occupation_code_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Specialty(models.Model):
    """工种 / 职业方向 within an occupation."""

    occupation = models.ForeignKey(
        Occupation, verbose_name="职业", on_delete=models.CASCADE, related_name="specialties"
    )
    name = models.CharField("工种/职业方向", max_length=100)
    code = models.CharField("工种编码", max_length=20, blank=True)

    class Meta:
        verbose_name = "工种/职业方向"
        verbose_name_plural = "工种/职业方向"
        ordering = ["occupation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["occupation", "name"], name="specialty_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Standard(models.Model):
    """A standard (national, provincial/industry, or an enterprise norm) for one occupation:
    the levels it offers, its weight tables and its assessment-element tree."""

    occupation = models.ForeignKey(
        Occupation, verbose_name="职业", on_delete=models.CASCADE, related_name="standards"
    )
    kind = models.CharField("标准类型", max_length=16, choices=StandardKind.choices)
    code = models.CharField("标准编号", max_length=40)
    name = models.CharField("标准名称", max_length=200)
    edition_year = models.PositiveSmallIntegerField("版本年份")
    levels = models.JSONField("设置等级", default=list)  # e.g. [4, 3, 2, 1], highest number first
    rule_set_code = models.CharField("申报条件规则集", max_length=64, default="generic-2018")
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "职业技能标准"
        verbose_name_plural = "职业技能标准"
        ordering = ["occupation", "-edition_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "kind", "code", "edition_year"],
                name="standard_unique_edition",
            ),
            between_check("edition_year", 1990, 2100, name="standard_edition_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.edition_year}年版）"

    @property
    def level_list(self) -> list[int]:
        return sorted((int(v) for v in self.levels), reverse=True)


class WeightItem(models.Model):
    """One row of a weight table (比重表): the percentage of an item in the theory or
    practical part at one level. The rows of a (part, level) sum to 100."""

    standard = models.ForeignKey(
        Standard, verbose_name="标准", on_delete=models.CASCADE, related_name="weights"
    )
    part = models.CharField("考核类别", max_length=16, choices=AssessmentPart.choices)
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    section = models.CharField("项目", max_length=60)  # 基本要求 / 相关知识要求 / 技能要求
    item = models.CharField("内容", max_length=100)
    percent = models.PositiveSmallIntegerField("比重（%）")
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "比重表条目"
        verbose_name_plural = "比重表条目"
        ordering = ["standard", "part", "-level", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "part", "level", "section", "item"], name="weight_item_unique"
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="weight_percent_max_100"),
            between_check("level", 1, 5, name="weight_level_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()} {self.level}级 {self.item} {self.percent}%"


class Element(models.Model):
    """A node of the assessment-element tree (鉴定要素细目表). The code is stable within a
    standard (items in the bank point at it), so re-imports match on it."""

    standard = models.ForeignKey(
        Standard, verbose_name="标准", on_delete=models.CASCADE, related_name="elements"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级要素",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField("要素代码", max_length=40)
    name = models.CharField("要素名称", max_length=200)
    importance = models.CharField(
        "重要程度", max_length=1, choices=Importance.choices, blank=True, default=""
    )
    levels = models.JSONField("适用等级", default=list)  # empty = every level of the standard
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "鉴定要素"
        verbose_name_plural = "鉴定要素"
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="element_unique_code"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="element_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DirectoryEntry(models.Model):
    """A line of the directory (目录清单): this occupation (and specialty) at this level may be
    certified from `effective_from` until the day before `effective_to` (open = still listed).
    Blank province = the national list."""

    occupation = models.ForeignKey(
        Occupation, verbose_name="职业", on_delete=models.PROTECT, related_name="directory_entries"
    )
    specialty = models.ForeignKey(
        Specialty,
        verbose_name="工种",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    certification_kind = models.CharField(
        "认定类别",
        max_length=20,
        choices=CertificationKind.choices,
        default=CertificationKind.SKILL_LEVEL,
    )
    province = models.CharField("省份代码", max_length=2, blank=True)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("停止日期", null=True, blank=True)
    document_no = models.CharField("依据文号", max_length=100)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "目录清单条目"
        verbose_name_plural = "目录清单"
        ordering = ["occupation", "-level", "effective_from"]
        indexes = [models.Index(fields=["occupation", "level", "effective_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="directory_period_ordered",
            ),
            between_check("level", 1, 5, name="directory_level_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} {self.get_level_display()} {self.effective_from}起"


class DirectoryAction(models.TextChoices):
    ADDED = "added", "列入"
    REMOVED = "removed", "移出"


class DirectoryChange(models.Model):
    """The change history of the directory: each listing and removal with its document and
    reason, kept even when the entry's dates are later corrected."""

    entry = models.ForeignKey(
        DirectoryEntry, verbose_name="目录条目", on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField("变动", max_length=16, choices=DirectoryAction.choices)
    effective_date = models.DateField("生效日期")
    document_no = models.CharField("依据文号", max_length=100)
    reason = models.CharField("原因", max_length=300, blank=True)
    actor = user_fk("操作人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "目录变动记录"
        verbose_name_plural = "目录变动记录"
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.entry} {self.effective_date}"


class LegacyLevel(models.Model):
    """An old 职业资格 level name and the skill level it maps onto one-to-one (seed 004 §二):
    holders continue from the mapped level."""

    name = models.CharField("原职业资格等级", max_length=40, unique=True)
    level = models.PositiveSmallIntegerField("对应技能等级", choices=LEVEL_CHOICES)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "原职业资格等级对应"
        verbose_name_plural = "原职业资格等级对应"
        ordering = ["-level", "name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.get_level_display()}"
