"""The vocabulary of candidates: the Chinese names of its codes."""

from __future__ import annotations

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "candidate": "考生",
    "profile": "考生档案",
    "candidate.register": "考生注册",
    "candidate.claim": "认领考生信息",
    "candidate.claim_failed": "认领考生信息失败",
    "candidate.claim_open": "发起认领",
    "candidate.activation_issue": "签发激活码",
    "candidate.activation_issue_plan": "按计划签发激活码",
    "candidate.photo_upload": "上传照片",
    "candidate.erase": "删除考生个人信息",
    "profile.certificate_add": "添加证书",
    "profile.certificate_remove": "删除证书",
    "profile.education_add": "添加学历",
    "profile.education_remove": "删除学历",
    "profile.title_add": "添加职称",
    "profile.title_remove": "删除职称",
    "profile.work_add": "添加工作经历",
    "profile.work_remove": "删除工作经历",
}
