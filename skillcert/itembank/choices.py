"""The vocabulary of itembank: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class ItemType(models.TextChoices):
    SINGLE = "single", "单项选择题"
    MULTIPLE = "multiple", "多项选择题"
    TRUE_FALSE = "true_false", "判断题"
    SUBJECTIVE = "subjective", "简答/案例分析题"  # marked with a marking scheme
    PRACTICAL = "practical", "操作技能题"  # marked with a scoring sheet
