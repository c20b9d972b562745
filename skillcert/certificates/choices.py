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


# 证书名称: an occupation with levels gets a 职业技能等级证书 at a level; a 专项职业能力考核
# occupation (occupations.CertificationKind.SPECIAL_ABILITY) a 专项职业能力证书 without one.
SKILL_LEVEL_TITLE = "职业技能等级证书"
SPECIAL_ABILITY_TITLE = "专项职业能力证书"


def certificate_title(level: int | None) -> str:
    return SKILL_LEVEL_TITLE if level is not None else SPECIAL_ABILITY_TITLE


class IssueBatchStatus(models.TextChoices):
    QUEUED = "queued", "排队中"  # started; waiting for the worker
    RUNNING = "running", "发证中"  # the worker is issuing (or was killed while issuing)
    FINISHED = "finished", "已完成"  # every result issued or skipped with its reason


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "certificate": "证书",
    "certificate.issued": "颁发证书",
    "certificate.reissued": "补发证书",
    "certificate.corrected": "更正证书",
    "certificate.revoke": "撤销证书",
    "certificate.superseded_by_reissued": "因补发作废",
    "certificate.superseded_by_corrected": "因更正作废",
    "certificate.correction_request": "申请更正证书信息",
    "certificate.correction_approve": "同意更正证书信息",
    "certificate.correction_reject": "驳回更正申请",
    "certificate.batch_start": "开始批量发证",
    "certificate.batch_resume": "继续批量发证",
    "certificate.download_pdf": "下载证书",
    "certificate.download_zip": "批量下载证书",
    "certificate.export": "导出证书",
    "certificate.legacy_import": "导入历史证书",
}
