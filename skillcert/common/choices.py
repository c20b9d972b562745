"""Vocabulary several apps' tables share."""

from __future__ import annotations

from django.db import models


class Gender(models.TextChoices):
    """性别 of a candidate or a person on the register (both derived from the ID number)."""

    MALE = "M", "男"
    FEMALE = "F", "女"
