"""The vocabulary of occupations: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

LEVEL_CHOICES = [
    (5, "五级/初级工"),
    (4, "四级/中级工"),
    (3, "三级/高级工"),
    (2, "二级/技师"),
    (1, "一级/高级技师"),
]


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "occupation": "职业",
    "standard": "职业标准",
    "directory": "职业目录清单",
    "occupation.create": "新增职业",
    "occupation.update": "修改职业",
    "standard.import": "导入职业标准",
    "directory.add": "加入目录清单",
    "directory.remove": "移出目录清单",
}
