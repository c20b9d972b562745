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


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "org": "评价机构",
    "filing": "机构备案",
    "annual_report": "年度报告",
    "org.create": "登记评价机构",
    "org.filed": "机构备案通过",
    "org.file_upload": "上传备案材料",
    "org.scope_dropped": "移除评价范围",
    "org.credit_event": "记录信用事件",
    "org.abnormal_add": "列入异常名录",
    "org.abnormal_remove": "移出异常名录",
    "org.blacklist_add": "列入黑名单",
    "org.blacklist_remove": "移出黑名单",
    "filing.start": "开始备案",
    "filing.submit": "提交备案",
    "filing.withdraw": "撤回备案",
    "filing.review": "审核备案",
    "filing.scope_set": "设置评价范围",
    "filing.evidence_set": "上传备案证明材料",
    "annual_report.start": "开始填报年度报告",
    "annual_report.save": "保存年度报告",
    "annual_report.submit": "提交年度报告",
    "annual_report.flag_overdue": "标记年度报告逾期",
}
