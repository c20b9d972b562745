"""The vocabulary of regions: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "地市级"
    COUNTY = "county", "县级"
