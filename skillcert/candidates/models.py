"""A candidate (考生) is a person, unique by ID number across the platform, with a profile
reused by every application: work periods, certificates, education and titles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from skillcert.common.fields import user_fk
from skillcert.common.model_bases import OpenPeriod, RegisteredPerson, between_check
from skillcert.common.pii import EncryptedCharField
from skillcert.eligibility.engine import EDUCATION_KINDS, TITLE_GRADES
from skillcert.occupations.models import LEVEL_CHOICES


class Candidate(RegisteredPerson):
    # Roster-imported candidates have no account until they register with the same ID number.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidate",
    )
    full_name = models.CharField("姓名", max_length=50)
    id_number_digest = models.CharField(max_length=64, unique=True)
    declared_birth_date = models.DateField("填报出生日期", null=True, blank=True)
    phone = EncryptedCharField("手机号码")
    phone_digest = models.CharField(max_length=64, db_index=True)
    apprenticeship_completed = models.BooleanField("学徒期满", default=False)
    photo = models.ImageField("证件照", upload_to="candidates/photos/%Y/%m/", blank=True)
    photo_ok = models.BooleanField("照片检查通过", default=False)
    photo_problems = models.JSONField("照片问题", default=list, blank=True)

    class Meta(RegisteredPerson.Meta):
        verbose_name = "考生"
        verbose_name_plural = "考生"

    def __str__(self) -> str:
        return self.full_name

    @property
    def birth_date_disagrees(self) -> bool:
        return self.declared_birth_date is not None and self.declared_birth_date != self.birth_date


class WorkPeriod(OpenPeriod):
    candidate = models.ForeignKey(
        Candidate, verbose_name="考生", on_delete=models.CASCADE, related_name="work_periods"
    )
    employer = models.CharField("工作单位", max_length=200, blank=True)
    occupation_name = models.CharField("从事职业/岗位", max_length=100, blank=True)
    related = models.BooleanField("本职业或相关职业", default=True)

    class Meta:
        verbose_name = "工作经历"
        verbose_name_plural = "工作经历"
        ordering = ["candidate", "start"]
        constraints = [
            models.CheckConstraint(
                name="work_period_ordered", condition=Q(end__isnull=True) | Q(end__gt=F("start"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.span_text}"


class CertificateKind(models.TextChoices):
    SKILL_LEVEL = "skill_level", "职业技能等级证书"  # 22 characters
    QUALIFICATION = "qualification", "职业资格证书"  # legacy, 16 digits


class HeldCertificate(models.Model):
    candidate = models.ForeignKey(
        Candidate, verbose_name="考生", on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField("证书类别", max_length=16, choices=CertificateKind.choices)
    number = models.CharField("证书编号", max_length=22, blank=True)
    occupation_name = models.CharField("职业（工种）", max_length=100)
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    issued_on = models.DateField("发证日期")
    related = models.BooleanField("本职业或相关职业", default=True)

    class Meta:
        verbose_name = "已取得证书"
        verbose_name_plural = "已取得证书"
        ordering = ["candidate", "issued_on"]
        constraints = [between_check("level", 1, 5, name="held_certificate_level_1_5")]

    def __str__(self) -> str:
        return f"{self.occupation_name} {self.get_level_display()}"


class Education(models.Model):
    candidate = models.ForeignKey(
        Candidate, verbose_name="考生", on_delete=models.CASCADE, related_name="education"
    )
    kind = models.CharField("学历类别", max_length=16, choices=[(k, k) for k in EDUCATION_KINDS])
    school = models.CharField("毕业院校", max_length=200, blank=True)
    major = models.CharField("专业", max_length=100, blank=True)
    major_related = models.BooleanField("本专业或相关专业", default=False)
    graduation = models.DateField("毕业日期")

    class Meta:
        verbose_name = "学历"
        verbose_name_plural = "学历"
        ordering = ["candidate", "graduation"]

    def __str__(self) -> str:
        return f"{self.school} {self.kind}"


class Title(models.Model):
    candidate = models.ForeignKey(
        Candidate, verbose_name="考生", on_delete=models.CASCADE, related_name="titles"
    )
    grade = models.CharField("职称级别", max_length=8, choices=[(g, g) for g in TITLE_GRADES])
    name = models.CharField("职称名称", max_length=100, blank=True)
    date = models.DateField("取得日期")
    related = models.BooleanField("相关专业", default=True)

    class Meta:
        verbose_name = "职称"
        verbose_name_plural = "职称"
        ordering = ["candidate", "date"]

    def __str__(self) -> str:
        return f"{self.grade} {self.name}"


class ActivationCode(models.Model):
    """激活码: proof, handed to the person by an organisation (in person or by the phone on the
    roster), that an account belongs to a candidate first registered by that organisation.
    One live code per candidate: issuing again replaces it. Only a keyed hash is stored."""

    candidate = models.OneToOneField(
        Candidate, verbose_name="考生", on_delete=models.CASCADE, related_name="activation_code"
    )
    code_hash = models.CharField(max_length=64)
    issued_by = user_fk("签发人", on_delete=models.SET_NULL)
    issued_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("有效期至")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "激活码"
        verbose_name_plural = "激活码"
        constraints = [
            models.CheckConstraint(
                name="activation_code_expires_after_issue",
                condition=Q(expires_at__gt=F("issued_at")),
            )
        ]

    def __str__(self) -> str:
        return f"激活码#{self.pk}"


# Wrong activation codes an account may enter before its claim locks.
CLAIM_MAX_ATTEMPTS = 5


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "待激活"  # waiting for the activation code
    LOCKED = "locked", "已锁定"  # too many wrong codes; a newly issued code unlocks it
    CLAIMED = "claimed", "已关联"  # the account is now the candidate's


class IdentityClaim(models.Model):
    """An account registered with an ID number the platform already knew (from a roster, or
    another account). It gets no access to that person's data until the activation code is
    entered. Holds the ID number's keyed hash only, never the number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账户",
        on_delete=models.CASCADE,
        related_name="identity_claim",
    )
    id_number_digest = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        "状态", max_length=8, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("错误次数", default=0)
    candidate = models.ForeignKey(
        Candidate,
        verbose_name="关联考生",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("注册时间", auto_now_add=True)
    claimed_at = models.DateTimeField("关联时间", null=True, blank=True)

    class Meta:
        verbose_name = "身份认领"
        verbose_name_plural = "身份认领"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="identity_claim_claimed_has_candidate",
                condition=(
                    Q(status="claimed", candidate__isnull=False, claimed_at__isnull=False)
                    | (~Q(status="claimed") & Q(candidate__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="identity_claim_attempts_at_most_5",
                condition=Q(attempts__lte=CLAIM_MAX_ATTEMPTS),
            ),
        ]

    def __str__(self) -> str:
        return f"身份认领#{self.pk}"
