"""Abstract bases that every app's tables share."""

from __future__ import annotations

from django.db import models

from skillcert.common.fields import user_fk


class StatusEvent(models.Model):
    """One status move of an object: from, to, who and why. Each lifecycle's history table
    subclasses this with a foreign key to its object (and any extra columns it needs), and
    `audit.lifecycle.Lifecycle.move` writes the row."""

    from_status = models.CharField("原状态", max_length=32, blank=True)
    to_status = models.CharField("新状态", max_length=32)
    reason = models.TextField("理由", blank=True)
    actor = user_fk("操作人")
    actor_ref = models.CharField("操作人标识", max_length=120, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]
