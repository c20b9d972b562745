"""The vocabulary of organizations that other apps may use; the tables stay private."""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    EMPLOYER = "Y", "用人单位"
    SOCIAL = "S", "社会培训评价组织"
    SCHOOL = "school", "院校"
    ASSOCIATION = "association", "行业协会"


class OrgStatus(models.TextChoices):
    UNFILED = "unfiled", "未备案"  # known to the platform, never filed (or filing not approved)
    FILED = "filed", "已备案"  # may evaluate within its scope until `valid_until`
    SUSPENDED = "suspended", "暂停认定"  # filing kept, no plans or certificates until resumed
    REVOKED = "revoked", "已撤销备案"  # cancelled by the authority; number retired
    EXITED = "exited", "已退出"  # withdrew voluntarily; number retired


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", "异常名录"
    BLACKLIST = "blacklist", "黑名单"


class CreditEventKind(models.TextChoices):
    LATE_REPORT = "late_report", "年度报告逾期"
    SUPERVISION_FINDING = "supervision_finding", "质量督导发现问题"
    COMPLAINT_UPHELD = "complaint_upheld", "投诉查实"
    ABNORMAL_LISTED = "abnormal_listed", "列入异常名录"
    ABNORMAL_REMOVED = "abnormal_removed", "移出异常名录"
    BLACKLISTED = "blacklisted", "列入黑名单"
    BLACKLIST_REMOVED = "blacklist_removed", "移出黑名单"
    SUSPENDED = "suspended", "暂停认定"
    REVOKED = "revoked", "撤销备案"
