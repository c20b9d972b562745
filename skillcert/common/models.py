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


class RateCounter(models.Model):
    """Hits of one visitor (a digest of the rate-limit group and the address) in one window of
    a rate limit, shared by every process and host (common/throttle.py) when no Redis is
    configured. Incremented in one INSERT ... ON CONFLICT DO UPDATE, so that concurrent hits
    never overwrite each other; rows past `expires_at` are deleted by the processes that count."""

    key = models.CharField("计数键", max_length=40)  # "<period>:<digest>"
    window = models.BigIntegerField("时间窗序号")  # seconds since the epoch // period
    count = models.IntegerField("次数")
    expires_at = models.BigIntegerField("过期时间", db_index=True)  # seconds since the epoch

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window"], name="common_ratecounter_one_per_window"
            )
        ]
        verbose_name = "限流计数"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"
