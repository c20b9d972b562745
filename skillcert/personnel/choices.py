"""The vocabulary of personnel: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class PersonRoleStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    SUSPENDED = "suspended", "暂停"  # by supervision; reinstatable
    EXPIRED = "expired", "已过期"  # card lapsed; renewal reactivates
    REVOKED = "revoked", "已撤销"  # terminal


class RoleKind(models.TextChoices):
    EXAMINER = "examiner", "考评员"
    SENIOR_EXAMINER = "senior_examiner", "高级考评员"
    QUESTION_SETTER = "question_setter", "命题人员"
    SUPERVISOR_EXTERNAL = "supervisor_external", "质量督导员（外督）"  # appointed by the authority
    SUPERVISOR_INTERNAL = (
        "supervisor_internal",
        "质量督导员（内督）",
    )  # appointed by an organisation


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "暂停"  # may not assess or register until reinstated
    BANNED = "banned", "永久取消资格"  # terminal: e.g. two consecutive cards left uncollected


class IntegrityKind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    FINDING = "finding", "督导发现问题"
    SANCTION = "sanction", "处理决定"
    COMMENDATION = "commendation", "表扬"
