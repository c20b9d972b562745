"""A band of levels held, claimed or granted: from 最高等级 (`level_high`, the smaller number,
1 = 一级/高级技师) down to 最低等级 (`level_low`)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from skillcert.personnel.models.people import LEVEL_CHOICES


def level_band_check(name: str) -> models.CheckConstraint:
    """Both ends are levels 1-5 and the highest comes first (`name` is the constraint's)."""
    return models.CheckConstraint(
        condition=Q(level_high__gte=1, level_low__lte=5, level_high__lte=F("level_low")),
        name=name,
    )


class LevelBand(models.Model):
    level_high = models.PositiveSmallIntegerField("最高等级", choices=LEVEL_CHOICES)
    level_low = models.PositiveSmallIntegerField("最低等级", choices=LEVEL_CHOICES)

    class Meta:
        abstract = True
