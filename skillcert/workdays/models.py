from __future__ import annotations

from django.db import models


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休）"
    MAKEUP_WORKDAY = "workday", "调休上班日"


class CalendarYear(models.Model):
    """A year whose holiday arrangement is known. Working-day arithmetic refuses to run
    through a year without a row here rather than silently assuming weekends only."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=64, default="chinesecalendar")
    notice = models.CharField("依据文件", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "日历年份"
        verbose_name_plural = "日历年份"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def source_label(self) -> str:
        return {
            "chinesecalendar": "内置日历（chinesecalendar 软件包）",
            "notice": "国务院办公厅通知",
            "manual": "手工录入",
        }.get(self.source, self.source)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a holiday on a weekday, or a weekend day
    worked in exchange (调休)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=DayKind.choices)
    name = models.CharField("名称", max_length=64, blank=True)

    class Meta:
        verbose_name = "节假日/调休"
        verbose_name_plural = "节假日/调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()
