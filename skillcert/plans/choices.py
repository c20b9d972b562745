"""The vocabulary of plans: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class Subject(models.TextChoices):
    THEORY = "theory", "理论知识"
    PRACTICAL = "practical", "操作技能"
    PANEL = "panel", "综合评审"


class PlanKind(models.TextChoices):
    SOCIAL = "social", "社会化评价"  # filed with the candidate roster and eligibility results
    ENTERPRISE = "enterprise", "企业自主评价"  # the plan alone (seed 004 §十八)


class PlanMethod(models.TextChoices):
    EXAM = "exam", "考试（理论知识、操作技能）"
    PROCESS = "process", "过程考核"
    RESULT = "result", "结果认定"
    PERFORMANCE = "performance", "业绩评审"
    COMPETITION = "competition", "技能竞赛"
    SCHOOL_ENTERPRISE = "school_enterprise", "校企合作"


class FilingStatus(models.TextChoices):
    UNFILED = "unfiled", "未报备"  # being prepared
    FILED = "filed", "已报备，待审核"  # with the authority
    APPROVED = "approved", "审核通过"  # the assessment may take place as filed
    RETURNED = "returned", "退回修改"  # the authority asked for changes; file again
    AMENDED = "amended", "批准后已变更，待重新报备"  # changed after approval; must be re-filed


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # being prepared; no applications yet
    OPEN = "open", "报名中"  # applications accepted inside the window
    CLOSED = "closed", "报名截止"  # no new applications; reviews continue


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "plan": "评价计划",
    "plan.create": "创建计划",
    "plan.open": "开放报名",
    "plan.closed": "截止报名",
    "plan.sampling_set": "设置抽样比例",
    "plan.details_set": "修改评价类型/方式",
    "plan.session_add": "增加考核场次",
    "plan.session_remove": "删除考核场次",
    "plan.staff_set": "确定考评人员",
    "plan.file": "报备",
    "plan.refile": "重新报备",
    "plan.approve": "报备审核通过",
    "plan.return": "报备退回修改",
}
