"""The vocabulary of supervision: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"  # may be escalated to the credit record and a registration hold


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "supervision": "质量督导",
    "complaint": "投诉",
    "supervision.draw": "抽取督导对象",
    "supervision.checklist_save": "保存督导检查表",
    "supervision.evidence_add": "上传督导证据",
    "supervision.finding_record": "记录发现问题",
    "supervision.finding_escalate": "问题升级处理",
    "supervision.hold_lift": "解除登记暂停",
    "supervision.supervisor_appoint": "派遣现场质量督导员",
    "supervision.report_waive": "认可督导报告缺失原因",
    "supervision.ratio_override": "记录考务人员配比例外",
    "supervision.report_submit": "提交督导报告",
    "supervision.action_respond": "报送整改情况",
    "supervision.action_review": "审核整改情况",
    "supervision.complaint_submit": "提交投诉",
    "supervision.complaint_triage": "投诉分办",
    "supervision.complaint_reject": "投诉不予受理",
    "supervision.complaint_conclude": "投诉办结",
    "history.complaint.submit": "提交投诉",
    "history.complaint.triage": "分办",
    "history.complaint.reject": "不予受理",
    "history.complaint.conclude": "办结",
}
