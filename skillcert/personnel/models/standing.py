"""What binds a person's qualification beyond the rule's clauses: the signed declaration of
the political and ethical conditions and of no criminal record (seed 001 §二(1)(4), §三(1)(4)),
and the province's recorded override of a failed qualification check."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import sha256_check
from skillcert.common.uploads import UploadedDocument
from skillcert.personnel.choices import RoleKind
from skillcert.personnel.models.level_band import LevelBand, level_band_check
from skillcert.personnel.models.people import Person


class ConductDeclaration(UploadedDocument):
    """The person's signed declaration (个人声明): meets the political and ethical
    conditions, has no criminal record. Recorded by the employer's staff or an officer with
    the signed scan; the newest one counts."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="declarations")
    signed_on = models.DateField("签署日期")
    file = models.FileField("签字扫描件", upload_to="personnel/declarations/%Y/%m/")

    class Meta:
        verbose_name = "个人声明"
        verbose_name_plural = "个人声明"
        ordering = ["person", "-signed_on", "-id"]
        constraints = [sha256_check(name="declaration_sha256")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.signed_on}"


class QualificationOverride(LevelBand):
    """The province accepts a person for a role although the qualification check failed,
    with the reason on record. Covers the rule's clauses for the role, occupation and levels;
    never the signed declaration."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="overrides")
    role = models.CharField("角色", max_length=24, choices=RoleKind.choices)
    occupation = ref_fk("occupations.Occupation", "职业")
    province = ref_fk("regions.Region", "省份")
    reason = models.CharField("理由", max_length=300)
    # The province's decision document (文号); blank only on rows recorded before it was asked.
    document_number = models.CharField("文号", max_length=64, blank=True, default="")
    decided_on = models.DateField("决定日期")
    decided_by = user_fk("决定人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "资格审核特批"
        verbose_name_plural = "资格审核特批"
        ordering = ["person", "-id"]
        constraints = [
            level_band_check("qualification_override_levels"),
            models.CheckConstraint(condition=~Q(reason=""), name="qualification_override_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} {self.occupation_id}"

    def covers(self, level_high: int, level_low: int) -> bool:
        return self.level_high <= level_high and level_low <= self.level_low
