"""The vocabulary of certificates that other apps may use; the tables stay private."""

from __future__ import annotations

from django.db import models


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    REVOKED = "revoked", "已撤销"
    SUPERSEDED = "superseded", "已被替代"  # by a re-issue (补发) or a correction (更正)


class IssueKind(models.TextChoices):
    ISSUED = "issued", "发证"
    REISSUED = "reissued", "补发"
    CORRECTED = "corrected", "更正"


class IssueBatchStatus(models.TextChoices):
    QUEUED = "queued", "排队中"  # started; waiting for the worker
    RUNNING = "running", "发证中"  # the worker is issuing (or was killed while issuing)
    FINISHED = "finished", "已完成"  # every result issued or skipped with its reason
