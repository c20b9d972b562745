"""People on the register: identity, certificates, titles, work and agreements."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from skillcert.common.fields import ref_fk
from skillcert.common.model_bases import OpenPeriod, RegisteredPerson, between_check
from skillcert.common.pii import EncryptedCharField, pii_digest
from skillcert.personnel.choices import PersonStatus, RoleKind

LEVEL_CHOICES = [(5, "五级"), (4, "四级"), (3, "三级"), (2, "二级"), (1, "一级")]


CARD_ROLES = (RoleKind.EXAMINER, RoleKind.SENIOR_EXAMINER)  # held through training and a card


class EducationLevel(models.TextChoices):
    JUNIOR = "junior", "初中及以下"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中专/技校"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生"
    DOCTOR = "doctor", "博士研究生"


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


class Person(RegisteredPerson):
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
    id_number_digest = PiiDigestField(source="id_number", unique=True)
    name = models.CharField("姓名", max_length=64)
    phone = EncryptedCharField("联系电话", blank=True)
    phone_digest = PiiDigestField(source="phone", blank=True, db_index=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    education = models.CharField("文化程度", max_length=16, choices=EducationLevel.choices)
    employer = ref_fk("organizations.EvaluationOrg", "工作单位（评价机构）", optional=True)
    employer_name = models.CharField("工作单位", max_length=200)
    region = ref_fk("regions.Region", "单位所在地区")
    status = models.CharField(
        "状态", max_length=16, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_reason = models.CharField("状态原因", max_length=300, blank=True)

    class Meta(RegisteredPerson.Meta):
        verbose_name = "考评人员"
        verbose_name_plural = "考评人员"

    def __str__(self) -> str:
        return self.name


class TitleGrade(models.TextChoices):
    JUNIOR = "初级", "初级"
    INTERMEDIATE = "中级", "中级"
    DEPUTY_SENIOR = "副高级", "副高级"
    SENIOR = "正高级", "正高级"


class PersonCertificate(models.Model):
    """A vocational qualification or skill-level certificate the person holds."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certificates")
    occupation = ref_fk("occupations.Occupation", "职业")
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    number = models.CharField("证书编号", max_length=32)
    issued_on = models.DateField("发证日期")

    class Meta:
        verbose_name = "持有证书"
        verbose_name_plural = "持有证书"
        ordering = ["person", "issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="person_certificate_unique"),
            between_check("level", 1, 5, name="person_certificate_level_1_5"),
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


class PersonWork(OpenPeriod):
    """A period of work; `occupation` says which occupation the work was in."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="work")
    occupation = ref_fk("occupations.Occupation", "从事职业", optional=True)
    description = models.CharField("工作内容", max_length=200)

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
        return f"{self.span_text} {self.description}"


class ConfidentialityAgreement(models.Model):
    """保密协议 between a question setter and an evaluation organisation (seed 001 §三(5))."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="agreements")
    organization = ref_fk("organizations.EvaluationOrg", "评价机构")
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
