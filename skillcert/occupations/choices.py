"""The vocabulary of occupations: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

LEVEL_CHOICES = [
    (5, "五级/初级工"),
    (4, "四级/中级工"),
    (3, "三级/高级工"),
    (2, "二级/技师"),
    (1, "一级/高级技师"),
]
