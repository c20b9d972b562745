"""Practice at sittings, recusal relations and the integrity record."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.personnel.choices import IntegrityKind
from skillcert.personnel.models.people import LEVEL_CHOICES, Person


class PracticeDuty(models.TextChoices):
    """What the person did at a sitting they served (the practice record, 考评工作记录)."""

    EXAMINER = "examiner", "考评"
    PANEL = "panel", "综合评审"
    INVIGILATOR = "invigilator", "监考"
    QUESTION_SETTER = "question_setter", "命题"
    SUPERVISOR = "supervisor", "质量督导"


class PracticeRecord(models.Model):
    """One assessment sitting the person served at (practice record, 考评工作记录)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sittings")
    organization = ref_fk("organizations.EvaluationOrg", "评价机构")
    occupation = ref_fk("occupations.Occupation", "职业", optional=True)
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES, null=True, blank=True)
    held_on = models.DateField("考评日期")
    room = models.CharField("考场", max_length=64, blank=True)
    duty = models.CharField("承担工作", max_length=24, choices=PracticeDuty.choices)
    # Set when the record was written by staffing an assessment ("plans.plan:12",
    # "exams.slot:5", "scoring.batch:3:panel"); blank for a record entered by hand.
    source = models.CharField("来源", max_length=64, blank=True, db_index=True)
    recorded_by = user_fk()
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评工作记录"
        verbose_name_plural = "考评工作记录"
        ordering = ["person", "held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "held_on", "room"],
                condition=Q(source=""),
                name="sitting_once",
            ),
            models.UniqueConstraint(
                fields=["person", "source", "organization"],
                condition=~Q(source=""),
                name="practice_once_per_source",
            ),
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
    organization = ref_fk("organizations.EvaluationOrg", "相关机构", optional=True)
    note = models.CharField("说明", max_length=200, blank=True)
    declared_by = user_fk()
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


class IntegrityEntry(models.Model):
    """诚信档案: complaints, supervision findings and the decisions taken."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="integrity")
    kind = models.CharField("类别", max_length=16, choices=IntegrityKind.choices)
    occurred_on = models.DateField("发生日期")
    summary = models.CharField("内容", max_length=500)
    source = models.CharField("来源", max_length=200, blank=True)
    recorded_by = user_fk()
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "诚信档案"
        verbose_name_plural = "诚信档案"
        ordering = ["person", "-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
