"""The confidential item bank (题库), blueprints and papers (卷库).

Every item, blueprint, paper and item-bank role belongs to one `ItemBank`, and every bank to
one owner: the province's unified bank (统考题库) or one evaluation organisation's own bank.
Who may do what in a bank is decided in `permits`, nowhere else.

Item text lives only in `Item.content` and `ItemVersion.content` (a JSON document, encrypted
at rest when configured — see `vault`). `__str__` never shows it, the admin does not show
it, and every read through the application writes `ItemAccessLog` rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import EndsWith

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import BackgroundImport, between_check
from skillcert.itembank import vault
from skillcert.itembank.choices import ItemType
from skillcert.occupations.models import LEVEL_CHOICES

if TYPE_CHECKING:
    _JsonText = models.TextField[Any, Any]
else:
    _JsonText = models.TextField


class ItemContentField(_JsonText):
    """A JSON document stored as text, encrypted with the item-bank key when encryption at
    rest is on. Rows written before encryption was switched on stay readable (no prefix)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return {}
        if vault.is_encrypted(value):
            value = vault.decrypt_text(value)
        return json.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(vault.decrypt_text(value) if vault.is_encrypted(value) else value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return ""
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return vault.encrypt_text(text) if vault.encryption_enabled() else text

    def value_to_string(self, obj: Any) -> str:
        return "（保密）"


class ItemBankQuerySet(models.QuerySet["ItemBank"]):
    def for_province(self, code: str | None = None) -> ItemBank:
        """The unified bank of a province (`code`: its six-digit division code; by default the
        deployment's province), created the first time it is needed."""
        code = code or f"{settings.SKILLCERT_PROVINCE}0000"
        bank, _ = self.get_or_create(province_id=code)
        return bank

    def for_organization(self, organization_id: int) -> ItemBank:
        """An evaluation organisation's own bank, created the first time it is needed."""
        bank, _ = self.get_or_create(organization_id=organization_id)
        return bank


class ItemBank(models.Model):
    """One owner's bank of items, blueprints and papers. Exactly one owner: a province (its
    unified bank, used for the province's unified sittings) or an evaluation organisation.
    Banks are created on first use, so a flushed or fresh database needs no seed row."""

    province = models.OneToOneField(
        "regions.Region",
        verbose_name="所属省份",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.OneToOneField(
        "organizations.EvaluationOrg",
        verbose_name="所属评价机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ItemBankQuerySet.as_manager()

    class Meta:
        verbose_name = "题库"
        verbose_name_plural = "题库"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=False, organization__isnull=True)
                | Q(province__isnull=True, organization__isnull=False),
                name="itembank_exactly_one_owner",
            ),
            # a province's bank hangs on the province itself (XX0000), never a city
            models.CheckConstraint(
                condition=Q(province__isnull=True) | Q(EndsWith(F("province_id"), "0000")),
                name="itembank_province_level",
            ),
        ]

    def __str__(self) -> str:
        if self.province is not None:
            return f"{self.province.name}统考题库"
        if self.organization is not None:
            return f"{self.organization.name}题库"
        return "题库"

    @property
    def is_province_bank(self) -> bool:
        return self.province_id is not None


def province_bank_id() -> int:
    """Default owner of an item, blueprint or paper written without one (fixtures, the admin):
    the deployment province's unified bank, the one bank every deployment has. Services always
    name the bank."""
    return ItemBank.objects.for_province().pk


class ItemBankRoleKind(models.TextChoices):
    SETTER = "setter", "命题人员"  # writes items; sees only their own drafts
    REVIEWER = "reviewer", "审题人员"  # sees the items assigned to them for review
    MANAGER = "manager", "题库管理员"  # sees the whole bank of the occupation, assembles papers


class ItemBankRole(models.Model):
    """A user's role in one bank for one occupation, granted by that bank's managers (kept
    here rather than in accounts.Role: the scope is a bank and an occupation, not a region)."""

    bank = models.ForeignKey(
        ItemBank, verbose_name="题库", on_delete=models.PROTECT, related_name="roles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="itembank_roles",
    )
    occupation = ref_fk("occupations.Occupation", "职业")
    role = models.CharField("题库角色", max_length=16, choices=ItemBankRoleKind.choices)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "题库角色"
        verbose_name_plural = "题库角色"
        ordering = ["occupation", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "bank", "occupation", "role"], name="itembank_role_unique_in_bank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} {self.bank_id}/{self.occupation_id}"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # the setter is writing; only the author (and managers) see it
    IN_REVIEW = "in_review", "审核中"  # assigned to one reviewer
    ACTIVE = "active", "在用"  # may be drawn into papers
    RETIRED = "retired", "停用"  # kept for history, never drawn again


ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.DRAFT: frozenset({ItemStatus.IN_REVIEW}),
    ItemStatus.IN_REVIEW: frozenset({ItemStatus.DRAFT, ItemStatus.ACTIVE}),
    ItemStatus.ACTIVE: frozenset({ItemStatus.RETIRED}),
    ItemStatus.RETIRED: frozenset(),
}


class ItemState(models.Model):
    """What an item says and how it is used in a paper, as the item holds it now and as
    each saved version keeps it."""

    content = ItemContentField("试题内容", default=dict)
    item_type = models.CharField("题型", max_length=16, choices=ItemType.choices)
    score = models.DecimalField("分值", max_digits=6, decimal_places=2)
    enemy_group = models.CharField("敌对组", max_length=40, blank=True)

    class Meta:
        abstract = True


class Item(ItemState):
    bank = models.ForeignKey(
        ItemBank,
        verbose_name="题库",
        on_delete=models.PROTECT,
        related_name="items",
        default=province_bank_id,
    )
    occupation = ref_fk("occupations.Occupation", "职业")
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    element = ref_fk("occupations.Element", "鉴定要素")
    code = models.CharField("试题编号", max_length=40)  # stable across import/export
    status = models.CharField(
        "状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    difficulty = models.FloatField("难度", default=0.5)  # share answering correctly (P value)
    discrimination = models.FloatField("区分度", null=True, blank=True)
    exposure_count = models.PositiveIntegerField("曝光次数", default=0)
    author = user_fk("命题人", null=False, blank=False)
    reviewer = user_fk("审题人")
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = "试题"
        ordering = ["occupation", "-level", "code"]
        indexes = [
            models.Index(fields=["bank", "occupation", "level", "status"]),
            models.Index(fields=["author", "status"]),
            models.Index(fields=["reviewer", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "occupation", "code"], name="item_unique_code_in_bank"
            ),
            between_check("level", 1, 5, name="item_level_1_5"),
            between_check("difficulty", 0, 1, name="item_difficulty_0_1"),
            models.CheckConstraint(
                condition=Q(discrimination__isnull=True)
                | Q(discrimination__gte=-1, discrimination__lte=1),
                name="item_discrimination_range",
            ),
            models.CheckConstraint(condition=Q(score__gt=0), name="item_score_positive"),
            models.CheckConstraint(condition=Q(version__gte=1), name="item_version_positive"),
        ]

    def __str__(self) -> str:
        return f"试题 {self.code}"  # never the stem: this string reaches logs and audit rows


class ItemVersion(ItemState):
    """Every saved state of an item's content and metadata; versions are never changed."""

    item = models.ForeignKey(
        Item, verbose_name="试题", on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField("版本")
    element_code = models.CharField("要素代码", max_length=40)
    difficulty = models.FloatField("难度")
    created_by = user_fk("保存人", null=False, blank=False)
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "试题版本"
        verbose_name_plural = "试题版本"
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="item_version_unique")
        ]

    def __str__(self) -> str:
        return f"试题 {self.item_id} 第{self.version}版"


class ItemAssignment(models.Model):
    """An item shown to one person who holds no role that would show it — an examiner
    preparing a practical task, an expert checking a marking scheme — by a manager of the
    item's bank. Revoking keeps the row (who saw what, and until when)."""

    item = models.ForeignKey(
        Item, verbose_name="试题", on_delete=models.PROTECT, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="指派给",
        on_delete=models.PROTECT,
        related_name="itembank_assignments",
    )
    reason = models.CharField("指派原因", max_length=200)
    active = models.BooleanField("有效", default=True)
    assigned_by = user_fk("指派人", null=False, blank=False)
    assigned_at = models.DateTimeField("指派时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "试题指派"
        verbose_name_plural = "试题指派"
        ordering = ["-assigned_at", "-id"]
        indexes = [models.Index(fields=["user", "active"])]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user"],
                condition=Q(active=True),
                name="item_assignment_one_active",
            ),
            models.CheckConstraint(
                condition=Q(active=True, revoked_at__isnull=True)
                | Q(active=False, revoked_at__isnull=False),
                name="item_assignment_revoked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"试题 {self.item_id} → {self.user_id}"


class AccessPurpose(models.TextChoices):
    VIEW = "view", "查看"
    REVIEW = "review", "审核"
    EDIT = "edit", "编辑"
    EXPORT = "export", "导出"
    SEAL = "seal", "封卷"
    API = "api", "接口读取"


class ItemAccessLog(models.Model):
    """One row per item per read of its content (written in bulk): who, when, which item,
    why. Metadata reads (type, difficulty, counts) are not logged; text and keys are."""

    user = user_fk("读取人", blank=False)
    actor_ref = models.CharField("读取方", max_length=160)
    item = models.ForeignKey(
        Item, verbose_name="试题", on_delete=models.PROTECT, related_name="access_logs"
    )
    version = models.PositiveIntegerField("版本")
    purpose = models.CharField("用途", max_length=16, choices=AccessPurpose.choices)
    accessed_at = models.DateTimeField("读取时间", db_index=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    ip = models.CharField("IP", max_length=64, blank=True)

    class Meta:
        verbose_name = "试题读取记录"
        verbose_name_plural = "试题读取记录"
        ordering = ["-accessed_at", "-id"]
        indexes = [
            models.Index(fields=["item", "accessed_at"]),
            models.Index(fields=["user", "accessed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_ref} {self.get_purpose_display()} 试题 {self.item_id}"


class AssemblyBlueprint(models.Model):
    """How a paper is built for one occupation and level: items per element × type, the
    difficulty target, exposure and overlap limits (组卷蓝图). It draws only on its own bank."""

    bank = models.ForeignKey(
        ItemBank,
        verbose_name="题库",
        on_delete=models.PROTECT,
        related_name="blueprints",
        default=province_bank_id,
    )
    occupation = ref_fk("occupations.Occupation", "职业")
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    name = models.CharField("名称", max_length=100)
    cells = models.JSONField("要素×题型题量", default=list)  # [{"element", "type", "count"}]
    difficulty_mean = models.FloatField("目标平均难度")
    difficulty_tolerance = models.FloatField("难度容差")
    total_score = models.DecimalField("总分", max_digits=7, decimal_places=2, null=True, blank=True)
    max_overlap = models.PositiveIntegerField("平行卷最大重复题数", null=True, blank=True)
    max_exposure = models.PositiveIntegerField("最大曝光次数", null=True, blank=True)
    created_by = user_fk("创建人", null=False, blank=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "组卷蓝图"
        verbose_name_plural = "组卷蓝图"
        ordering = ["occupation", "-level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "occupation", "level", "name"], name="blueprint_unique_name_in_bank"
            ),
            models.CheckConstraint(
                condition=Q(difficulty_mean__gte=0, difficulty_mean__lte=1)
                & Q(difficulty_tolerance__gte=0, difficulty_tolerance__lte=1),
                name="blueprint_difficulty_range",
            ),
            between_check("level", 1, 5, name="blueprint_level_1_5"),
        ]

    def __str__(self) -> str:
        return self.name

    def as_json(self) -> dict[str, Any]:
        """The blueprint in the `papers assemble` exchange format."""
        data: dict[str, Any] = {
            "cells": self.cells,
            "difficulty": {"mean": self.difficulty_mean, "tolerance": self.difficulty_tolerance},
            "max_overlap": self.max_overlap,
            "max_exposure": self.max_exposure,
        }
        if self.total_score is not None:
            data["total_score"] = float(self.total_score)
        return data


class PaperStatus(models.TextChoices):
    ASSEMBLED = "assembled", "已组卷"  # item list fixed, not yet locked
    SEALED = "sealed", "已封存"  # hash recorded, PDF encrypted, waiting for release time
    RELEASED = "released", "已启封"  # two authorised people released it
    USED = "used", "已使用"  # administered once; items' exposure counts were raised


PAPER_TRANSITIONS: dict[str, frozenset[str]] = {
    PaperStatus.ASSEMBLED: frozenset({PaperStatus.SEALED}),
    PaperStatus.SEALED: frozenset({PaperStatus.RELEASED}),
    PaperStatus.RELEASED: frozenset({PaperStatus.USED}),
    PaperStatus.USED: frozenset(),
}


class Paper(models.Model):
    """A form assembled from a blueprint; it belongs to its blueprint's bank (copied here when
    it is assembled so that every read of a paper is filtered by its owner directly)."""

    bank = models.ForeignKey(
        ItemBank,
        verbose_name="题库",
        on_delete=models.PROTECT,
        related_name="papers",
        default=province_bank_id,
    )
    blueprint = models.ForeignKey(
        AssemblyBlueprint, verbose_name="蓝图", on_delete=models.PROTECT, related_name="papers"
    )
    code = models.CharField("试卷编号", max_length=40, unique=True)
    form_number = models.PositiveSmallIntegerField("平行卷序号")
    status = models.CharField(
        "状态", max_length=16, choices=PaperStatus.choices, default=PaperStatus.ASSEMBLED
    )
    seed = models.IntegerField("随机种子", default=0)
    mean_difficulty = models.FloatField("平均难度")
    total_score = models.DecimalField("总分", max_digits=7, decimal_places=2)
    content_hash = models.CharField("内容哈希", max_length=64, blank=True)
    sealed_pdf = models.BinaryField("密封试卷", blank=True, editable=False)
    release_at = models.DateTimeField("启封时间", null=True, blank=True)
    sealed_at = models.DateTimeField("封存时间", null=True, blank=True)
    released_at = models.DateTimeField("启封完成时间", null=True, blank=True)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    created_by = user_fk("组卷人", null=False, blank=False)
    created_at = models.DateTimeField("组卷时间", auto_now_add=True)

    class Meta:
        verbose_name = "试卷"
        verbose_name_plural = "试卷"
        ordering = ["-created_at", "form_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="assembled") | ~Q(content_hash=""),
                name="paper_sealed_has_hash",
            )
        ]

    def __str__(self) -> str:
        return self.code


class PaperItem(models.Model):
    paper = models.ForeignKey(
        Paper, verbose_name="试卷", on_delete=models.CASCADE, related_name="paper_items"
    )
    item = models.ForeignKey(Item, verbose_name="试题", on_delete=models.PROTECT, related_name="+")
    item_version = models.PositiveIntegerField("试题版本")
    position = models.PositiveSmallIntegerField("题号")

    class Meta:
        verbose_name = "试卷试题"
        verbose_name_plural = "试卷试题"
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "item"], name="paper_item_once"),
            models.UniqueConstraint(fields=["paper", "position"], name="paper_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}#{self.position}"


class PaperAction(models.TextChoices):
    RELEASE_APPROVE = "release_approve", "启封确认"
    RELEASE = "release", "启封"
    DOWNLOAD = "download", "下载"


class PaperAccessLog(models.Model):
    """Every release confirmation, release and download of a sealed paper."""

    paper = models.ForeignKey(
        Paper, verbose_name="试卷", on_delete=models.PROTECT, related_name="access_logs"
    )
    user = user_fk("操作人", null=False, blank=False)
    action = models.CharField("操作", max_length=20, choices=PaperAction.choices)
    at = models.DateTimeField("时间")
    ip = models.CharField("IP", max_length=64, blank=True)

    class Meta:
        verbose_name = "试卷启封/下载记录"
        verbose_name_plural = "试卷启封/下载记录"
        ordering = ["-at", "-id"]
        constraints = [
            # the two-person rule: one confirmation per person per paper
            models.UniqueConstraint(
                fields=["paper", "user"],
                condition=Q(action="release_approve"),
                name="paper_release_one_approval_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} {self.get_action_display()} {self.user_id}"


class ItemImportFormat(models.TextChoices):
    EXCEL = "excel", "Excel 模板"
    QTI = "qti", "QTI 2.2 内容包"


class ItemImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"  # the file was read; see created / error_count
    FAILED = "failed", "未能导入"  # the import could not run (see message); nothing stored


class ItemImport(BackgroundImport):
    """One uploaded item file and its outcome. The file is parsed by a background task, not
    in the web request; it holds item text in clear, so the task erases it when done and only
    the counts and the per-row errors (which never quote item text) stay."""

    bank = models.ForeignKey(
        ItemBank, verbose_name="题库", on_delete=models.PROTECT, related_name="imports"
    )
    occupation = ref_fk("occupations.Occupation", "职业")
    file = models.FileField("试题文件", upload_to="itembank/imports/%Y/%m/", blank=True)
    file_format = models.CharField("格式", max_length=10, choices=ItemImportFormat.choices)
    status = models.CharField(
        "状态", max_length=10, choices=ItemImportStatus.choices, default=ItemImportStatus.QUEUED
    )
    created_count = models.PositiveIntegerField("导入题数", default=0)

    class Meta(BackgroundImport.Meta):
        verbose_name = "试题导入"
        verbose_name_plural = "试题导入"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ItemImportStatus.QUEUED:
            return 0
        return 50 if self.status == ItemImportStatus.RUNNING else 100
