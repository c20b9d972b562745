"""The vocabulary of itembank: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class ItemType(models.TextChoices):
    SINGLE = "single", "单项选择题"
    MULTIPLE = "multiple", "多项选择题"
    TRUE_FALSE = "true_false", "判断题"
    SUBJECTIVE = "subjective", "简答/案例分析题"  # marked with a marking scheme
    PRACTICAL = "practical", "操作技能题"  # marked with a scoring sheet


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "item": "试题",
    "itembank": "题库",
    "paper": "试卷",
    "blueprint": "组卷方案",
    "blueprint.create": "创建组卷方案",
    "item.create": "录入试题",
    "item.update": "修改试题",
    "item.submit": "提交试题审核",
    "item.approve": "试题审核通过",
    "item.submit_bulk": "批量提交试题审核",
    "item.approve_bulk": "批量审核通过试题",
    "item.return": "退回试题",
    "item.retire": "停用试题",
    "item.assign": "分配命题任务",
    "item.unassign": "取消命题任务",
    "item.import": "导入试题",
    "item.import_upload": "上传试题文件",
    "item.export": "导出试题",
    "item.analysis": "试题质量分析",
    "item.statistics": "更新试题统计",
    "itembank.rekey": "更换题库密钥",
    "itembank.role_grant": "授予题库权限",
    "itembank.role_revoke": "撤销题库权限",
    "paper.assemble": "组卷",
    "paper.seal": "试卷封存",
    "paper.use": "启用试卷",
    "paper.download": "下载试卷",
    "paper.release_approve": "批准试卷启封",
}
