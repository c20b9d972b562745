"""Abstract bases and mixins for column groups that several apps' tables repeat.

Each base declares its columns with exactly the options the tables had before, so moving a
table onto it changes no schema (`makemigrations --check` stays clean). A subclass that needs
a column with other options redeclares that column.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from skillcert.common.fields import user_fk
from skillcert.common.identifiers import mask_id_number
from skillcert.common.pii import EncryptedCharField


class MaskedIdNumber:
    """For a model with an `id_number` column: the number as lists and pages may show it."""

    id_number: Any  # the model's EncryptedCharField

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class HolderIdentity(MaskedIdNumber, models.Model):
    """Whom a certificate or result names: the name, the encrypted ID number, and the digest
    that makes the number searchable."""

    holder_name = models.CharField("姓名", max_length=50)
    id_number = EncryptedCharField("证件号码")
    id_number_digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        abstract = True


class BackgroundImport(models.Model):
    """An uploaded file that a background task reads, and its outcome: the per-row errors
    (which never quote the file's content), a message when it could not run, who sent it and
    when the task finished. Subclasses add the file, its status and their counts."""

    file_name = models.CharField("原文件名", max_length=200)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)  # [{row, code, message}]
    message = models.TextField("说明", blank=True)
    created_by = user_fk("上传人", null=False, blank=False)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]


class ActionEvent(models.Model):
    """One named step in an object's history (the action, the status it moved from and to,
    who and when). Older than `common.models.StatusEvent`, whose columns differ; subclasses add
    the foreign key to their object and a note or reason column."""

    action = models.CharField("动作", max_length=32)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16)
    actor = user_fk()
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class DecidedRequest(models.Model):
    """A request someone files and an officer later decides: who asked and when, who decided
    and when (empty while it waits). Subclasses add the status, the subject and the reason."""

    requested_by = user_fk("申请人")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = user_fk("审核人")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        abstract = True


def between_check(field: str, low: Any, high: Any, *, name: str) -> models.CheckConstraint:
    """The database refuses a `field` outside `low`..`high` (both included)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )
