"""The vocabulary of supervision: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"  # may be escalated to the credit record and a registration hold
