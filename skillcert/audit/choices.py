"""The vocabulary of audit: the Chinese names of its codes."""

from __future__ import annotations

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "admin": "后台管理",
    "admin.delete": "后台删除记录",
}
