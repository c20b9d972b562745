"""The vocabulary of workdays: the Chinese names of its codes."""

from __future__ import annotations

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "workdays": "工作日历",
    "workdays.day_set": "设置节假日/调休日",
    "workdays.day_clear": "清除节假日/调休日",
    "workdays.notice_import": "导入放假通知",
    "workdays.year_publish": "发布年度日历",
}
