"""Abstract bases and mixins for column groups that several apps' tables repeat.

Each base declares its columns with exactly the options the tables had before, so moving a
table onto it changes no schema (`makemigrations --check` stays clean). A subclass that needs
a column with other options redeclares that column.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from skillcert.common.choices import Gender
from skillcert.common.fields import user_fk
from skillcert.common.identifiers import mask_id_number, mask_phone
from skillcert.common.pii import EncryptedCharField


class MaskedIdNumber:
    """For a model with an `id_number` column: the number as lists and pages may show it."""

    id_number: Any  # the model's EncryptedCharField

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class RegisteredPerson(MaskedIdNumber, models.Model):
    """A natural person on a register (a candidate, an examiner), keyed by the encrypted ID
    number, from which gender and birth date are taken. Subclasses add the digest that finds
    the number, the name and the phone (`phone_masked` shows it)."""

    id_number = EncryptedCharField("身份证号码")
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    phone: Any  # each subclass's EncryptedCharField

    class Meta:
        abstract = True
        ordering = ["id"]

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class HolderIdentity(MaskedIdNumber, models.Model):
    """Whom a certificate or result names: the name, the encrypted ID number, and the digest
    that makes the number searchable."""

    holder_name = models.CharField("姓名", max_length=50)
    id_number = EncryptedCharField("证件号码")
    id_number_digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        abstract = True


class CertificateRecord(HolderIdentity):
    """A certificate as it is printed and published: its number, the holder, the occupation
    and the organisation by name, the issue date, and when and why it was revoked. Kept by
    the issuing installation and, as reported, by the registries that gather them."""

    number = models.CharField("证书编号", max_length=22, unique=True)
    occupation_name = models.CharField("职业名称", max_length=100)
    organization_name = models.CharField("评价机构名称", max_length=200)
    issue_date = models.DateField("发证日期")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class OpenPeriod(models.Model):
    """A period of work from `start` to `end`; no end while it goes on."""

    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def span_text(self) -> str:
        return f"{self.start}–{self.end or '至今'}"


class BackgroundJob(models.Model):
    """Work a background task does for a page that polls it until it is done (an import, a
    batch of tickets or certificates): newest first, with the time the task finished.
    Subclasses declare `status` with their own choices; the values in `UNFINISHED` mean
    the task has not finished yet (by default queued or running)."""

    UNFINISHED: ClassVar[tuple[str, ...]] = ("queued", "running")

    status: Any  # each subclass's CharField with its own choices
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]

    @property
    def running(self) -> bool:
        """Queued or under way: the page keeps polling."""
        return self.status in self.UNFINISHED

    def percent_of(self, done: int, total: int) -> int:
        """The progress bar of a job that counts `done` out of `total`: below 100 until the
        task has finished (the last rows may still be being written), then 100."""
        if not self.running:
            return 100
        return min(99, done * 100 // total) if total else 0


class BackgroundImport(BackgroundJob):
    """An uploaded file that a background task reads, and its outcome: the per-row errors
    (which never quote the file's content), a message when it could not run, who sent it and
    when the task finished. Subclasses add the file, its status and their counts."""

    file_name = models.CharField("原文件名", max_length=200)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)  # [{row, code, message}]
    message = models.TextField("说明", blank=True)
    created_by = user_fk("上传人", null=False, blank=False)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta(BackgroundJob.Meta):
        abstract = True


class RecordedEntry(models.Model):
    """A row someone enters by hand (a learning day, an attendance, an exception): who entered
    it and when; the time is the server's, never typed in."""

    recorded_by = user_fk("记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        abstract = True


class RecordedDraw(models.Model):
    """A random run that can be replayed (a seating, a staffing, a review sample): the seed
    that gives the same outcome again over the same population, and who ran it; newest
    first. Subclasses add what was drawn from, the outcome and the time."""

    seed = models.BigIntegerField("随机种子")
    actor = user_fk(blank=False)

    class Meta:
        abstract = True
        ordering = ["-id"]


class VersionedRule(models.Model):
    """One version of a published rule (申报条件, 考评人员资格条件): never edited, a change
    publishes the next version under the same code, and every decision names the version it
    used. A blank `province` applies everywhere. Subclasses add the scope and their clauses."""

    code = models.CharField("规则编号", max_length=64)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("名称", max_length=200)
    province = models.CharField("适用省份代码", max_length=2, blank=True)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class RuleClause(models.Model):
    """A lettered clause of a rule version: the text as published, in the order it is
    printed. Subclasses add the structured condition the engine evaluates."""

    letter = models.CharField("条款", max_length=2)
    text = models.TextField("条款原文")
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        abstract = True


class ChecklistRow(models.Model):
    """One item of a checklist kept as data, per `kind` (a filing condition, a supervision
    check): listed in `position` order; provinces retire an item instead of deleting it, so
    what was answered against it keeps its meaning. Subclasses add the kind, code and title."""

    position = models.PositiveSmallIntegerField("顺序", default=0)
    active = models.BooleanField("现行有效", default=True)

    class Meta:
        abstract = True
        ordering = ["kind", "position", "id"]


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


def sha256_check(*, name: str) -> models.CheckConstraint:
    """The database refuses a `sha256` that is not 64 lower-case hex digits (an uploaded
    document's digest)."""
    return models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name=name)


def between_check(field: str, low: Any, high: Any, *, name: str) -> models.CheckConstraint:
    """The database refuses a `field` outside `low`..`high` (both included)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )
