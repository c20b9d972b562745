from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from skillcert.common.fields import user_fk


class AuditEvent(models.Model):
    """One row per data-changing service call. Rows form a hash chain: `hash` covers this
    row's content and `prev_hash`, so altering or deleting any row breaks every later link.
    The application never updates or deletes these rows."""

    created_at = models.DateTimeField("时间", db_index=True)
    actor = user_fk("操作人", on_delete=models.SET_NULL, db_constraint=False)
    # The actor's id and label are also kept as plain values: they are hashed, and must
    # survive the account's deletion.
    actor_ref = models.CharField("操作人标识", max_length=150, blank=True)
    action = models.CharField("操作代码", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # HMAC under the chain key (settings.AUDIT_CHAIN_KEY); rows written before keying: False
    keyed = models.BooleanField(default=False)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        at = timezone.localtime(self.created_at)
        return f"{at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计事件不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计事件不可删除")


class AuditChainHead(models.Model):
    """A single row holding the hash of the newest event. Writers lock it, which makes
    appending to the chain strictly sequential on every database."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "审计链头"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="single_chain_head")]

    def __str__(self) -> str:
        return self.last_hash
