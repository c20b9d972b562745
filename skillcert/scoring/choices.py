"""The vocabulary of scoring: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class ResultStatus(models.TextChoices):
    DRAFT = "draft", "录入中"  # scores still being entered
    SUBMITTED = "submitted", "已提交"  # locked with the batch
    PUBLISHED = "published", "已发布"  # the candidate and the public query see it
    REGISTERED = "registered", "已登记备案"  # immutable; certificates are issued from these


class Route(models.TextChoices):
    EXAM = "exam", "考试评价"  # social assessment: theory, practical (and panel for 2/1)
    SELF_EVALUATION = "self_evaluation", "企业自主评价"  # four dimensions, 品德 first
    COMPETITION = "competition", "技能竞赛"  # level recognised from a competition ranking
    DIRECT = "direct", "高技能人才直评"  # direct channel decided by the authority


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "enterprise_scheme.file": "报送企业评价规范备案",
    "enterprise_scheme.acknowledge": "确认企业评价规范备案",
    "result": "成绩",
    "result_batch": "成绩批次",
    "recheck": "成绩复核",
    "script": "答卷",
    "scripts": "答卷",
    "mark": "阅卷",
    "panel": "评审答辩",
    "practical": "操作技能考核",
    "responses": "作答数据",
    "enterprise_scheme": "企业自主评价方案",
    "enterprise_scheme.set": "设置企业自主评价方案",
    "mark.submit": "提交评分",
    "mark.submit_bulk": "批量提交评分",
    "panel.mark": "评审答辩评分",
    "panel.mark_bulk": "批量提交评审评分",
    "practical.sheet": "操作技能评分表",
    "practical.sheet_bulk": "批量提交操作技能评分表",
    "recheck.request": "申请成绩复核",
    "recheck.complete": "完成成绩复核",
    "responses.upload": "上传作答数据",
    "result.enter": "录入成绩",
    "result.enter_bulk": "批量录入成绩",
    "result.enterprise": "录入企业自主评价成绩",
    "result.export": "导出成绩",
    "result.objective": "客观题评分",
    "result.part_state": "设置科目状态",
    "result.part_state_bulk": "批量设置科目状态",
    "result.recognise": "认定等级",
    "result_batch.open": "开启成绩批次",
    "result_batch.submit": "提交成绩",
    "result_batch.reopen": "重新开放录入",
    "result_batch.publish": "公布成绩",
    "result_batch.register": "成绩登记",
    "result_batch.registration_submit": "报送成绩登记",
    "result_batch.registration_return": "退回成绩登记",
    "result_batch.entry_account": "设置录入账户",
    "result_batch.staff": "设置阅卷人员",
    "script.arbitrate": "仲裁评分",
    "scripts.create": "生成答卷",
}
