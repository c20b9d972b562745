"""The vocabulary of applications that other apps may use; the tables stay private."""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"  # the candidate is preparing it
    ORG_REVIEW = "org_review", "待初审"  # submitted; the organisation reviews every one
    ORG_PASSED = "org_passed", "初审通过，待抽取复审"  # waits for the city's sample draw
    CITY_REVIEW = "city_review", "待复审"  # the city reviews it (full review or sampled)
    CITY_PASSED = "city_passed", "复审通过，待抽取终审"  # waits for the province's draw
    PROVINCE_REVIEW = "province_review", "待终审"  # the province reviews it
    APPROVED = "approved", "审核通过"  # final: may sit the assessment
    REJECTED = "rejected", "审核未通过"  # final, with a reason
    RETURNED = "returned", "退回修改"  # back with the candidate to correct and resubmit
    WITHDRAWN = "withdrawn", "已撤回"  # the candidate withdrew before the final review


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"  # the file was read; see imported / error_count
    FAILED = "failed", "文件无法读取"


class Tier(models.TextChoices):
    ORG = "org", "初审（评价机构）"
    CITY = "city", "复审（市级）"
    PROVINCE = "province", "终审（省级）"


# Applications that hold a seat of the plan's quota and block a second application by the
# same person to the same plan.
ACTIVE_STATUSES = (
    Status.ORG_REVIEW,
    Status.ORG_PASSED,
    Status.CITY_REVIEW,
    Status.CITY_PASSED,
    Status.PROVINCE_REVIEW,
    Status.APPROVED,
    Status.RETURNED,
)


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "application": "申报",
    "roster": "考生花名册",
    "sample": "抽审",
    "application.create": "创建申报",
    "application.submit": "提交申报",
    "application.resubmit": "重新提交申报",
    "application.withdraw": "撤回申报",
    "application.approve": "审核通过",
    "application.reject": "审核不通过",
    "application.return": "退回修改",
    "application.org_approve": "初审通过",
    "application.org_reject": "初审不通过",
    "application.org_return": "初审退回修改",
    "application.city_approve": "复审通过",
    "application.city_reject": "复审不通过",
    "application.city_return": "复审退回修改",
    "application.province_approve": "终审通过",
    "application.province_reject": "终审不通过",
    "application.province_return": "终审退回修改",
    "application.org_approve_bulk": "初审批量通过",
    "application.city_approve_bulk": "复审批量通过",
    "application.province_approve_bulk": "终审批量通过",
    "application.accommodation_set": "设置考试便利安排",
    "application.attachment_add": "上传申报材料",
    "application.eligibility_check": "核验申报条件",
    "application.override": "人工认定申报条件",
    "roster.import": "导入考生花名册",
    "roster.upload": "上传考生花名册",
    "sample.city_draw": "市级抽取复审样本",
    "sample.province_draw": "省级抽取终审样本",
}
