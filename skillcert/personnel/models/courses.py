"""Course content of the monthly training (seed 003 §三, the five topics the province
maintains), the completion events learning time is credited from, and the offline sessions
cities and organisations request with a written plan (seed 003 §四)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import DecidedRequest, RecordedEntry, between_check
from skillcert.common.uploads import UploadedDocument

# The longest course day: no calendar day credits more learning than this.
LEARNING_MINUTES_PER_DAY = 480


class TrainingTopic(models.TextChoices):
    """培训内容 (seed 003 §三)."""

    POLICY = "policy", "国家技能人才评价的政策、制度体系及相应的规章制度"
    CLASSIFICATION = "classification", "职业分类及命（审）题技术"
    PROCEDURE = "procedure", "考评程序和考评技术、方法"
    ADMINISTRATION = "administration", "技能人才评价考务管理流程及规范要求"
    MANAGEMENT = "management", "考评员的管理使用"


class CourseUnit(models.Model):
    """One course unit (课件) of a topic, kept by the province: its duration is what a
    completion credits."""

    province = ref_fk("regions.Region", "省份")
    topic = models.CharField("培训内容", max_length=24, choices=TrainingTopic.choices)
    title = models.CharField("课件名称", max_length=200)
    minutes = models.PositiveIntegerField("时长（分钟）")
    active = models.BooleanField("在用", default=True)
    created_by = user_fk()
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "培训课件"
        verbose_name_plural = "培训课件"
        ordering = ["province", "topic", "id"]
        constraints = [
            models.UniqueConstraint(fields=["province", "title"], name="course_unit_title_once"),
            between_check("minutes", 1, LEARNING_MINUTES_PER_DAY, name="course_unit_minutes_range"),
        ]

    def __str__(self) -> str:
        return self.title


class CourseCompletion(RecordedEntry):
    """A learner completed a course unit on a day (the course's completion event): credits
    the unit's duration as it was then. Once per registration and unit."""

    registration = ref_fk(
        "personnel.Registration", on_delete=models.CASCADE, related_name="completions"
    )
    unit = models.ForeignKey(CourseUnit, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField("完成日期")
    minutes = models.PositiveIntegerField("计入时长（分钟）")

    class Meta:
        verbose_name = "课件完成记录"
        verbose_name_plural = "课件完成记录"
        ordering = ["registration", "completed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "unit"], name="course_completion_once_per_unit"
            ),
            between_check(
                "minutes", 1, LEARNING_MINUTES_PER_DAY, name="course_completion_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.completed_on}"


class OfflineSessionStatus(models.TextChoices):
    PENDING = "pending", "待省级审核"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "未同意"


class OfflineSessionRequest(DecidedRequest):
    """A city's or an organisation's written request for an offline training session of its
    own applicants (seed 003 §四), with the training plan attached; the province decides."""

    province = ref_fk("regions.Region", "省份")
    region = ref_fk("regions.Region", "申请地区", optional=True)
    organization = ref_fk("organizations.EvaluationOrg", "申请机构", optional=True)
    held_on = models.DateField("培训日期")
    place = models.CharField("培训地点", max_length=200)
    expected_attendees = models.PositiveIntegerField("预计参训人数")
    status = models.CharField(
        "状态",
        max_length=16,
        choices=OfflineSessionStatus.choices,
        default=OfflineSessionStatus.PENDING,
    )
    reason = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "线下培训申请"
        verbose_name_plural = "线下培训申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) ^ Q(organization__isnull=True),
                name="offline_session_one_requester",
            ),
            models.CheckConstraint(
                condition=Q(expected_attendees__gte=1), name="offline_session_attendees"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.held_on}"


class OfflineSessionPlan(UploadedDocument):
    """培训方案: the written plan attached to an offline session request."""

    request = models.OneToOneField(
        OfflineSessionRequest, on_delete=models.CASCADE, related_name="plan_document"
    )
    file = models.FileField("文件", upload_to="personnel/offline/%Y/%m/")

    class Meta:
        verbose_name = "线下培训方案"
        verbose_name_plural = "线下培训方案"
