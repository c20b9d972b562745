"""The vocabulary of occupations: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class CertificationKind(models.TextChoices):
    QUALIFICATION = "qualification", "职业资格"  # licensing, on the national list
    SKILL_LEVEL = "skill_level", "职业技能等级认定"  # the socialised level certification
    SPECIAL_ABILITY = "special_ability", "专项职业能力考核"  # single skills, no levels


def has_levels(certification_kind: str) -> bool:
    """A 专项职业能力考核 occupation has no levels: its plans, applications, results and
    certificates carry none (seed 004 §一); every other occupation is offered at a level."""
    return certification_kind != CertificationKind.SPECIAL_ABILITY


LEVEL_CHOICES = [
    (5, "五级/初级工"),
    (4, "四级/中级工"),
    (3, "三级/高级工"),
    (2, "二级/技师"),
    (1, "一级/高级技师"),
]

# For a level that may be absent: NULL is a 专项职业能力考核's, shown by get_level_display.
LEVEL_OR_NONE_CHOICES = [(None, "专项职业能力（不设等级）"), *LEVEL_CHOICES]


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "occupation": "职业",
    "standard": "职业标准",
    "directory": "职业目录清单",
    "occupation.create": "新增职业",
    "occupation.update": "修改职业",
    "standard.import": "导入职业标准",
    "directory.add": "加入目录清单",
    "directory.remove": "移出目录清单",
}
