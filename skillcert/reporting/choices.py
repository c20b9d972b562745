"""The vocabulary of reporting: the Chinese names of its codes."""

from __future__ import annotations

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "reporting": "统计报表",
    "statistics": "技能人才统计",
    "reporting.subsidy_export": "导出补贴名单",
    "statistics.refresh": "刷新统计数据",
    "statistics.report": "生成统计报表",
}
