"""The vocabulary of operations: the Chinese names of its codes."""

from __future__ import annotations

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "backup": "备份",
    "jobs": "后台任务",
    "backup.restore": "从备份恢复",
    "jobs.requeue_stale": "重新排队中断的任务",
}
