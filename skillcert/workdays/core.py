"""Working-day arithmetic over an explicit calendar. Pure: the caller supplies the covered
years and the exceptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from skillcert.common.errors import DomainError

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    years: frozenset[int]
    holidays: frozenset[dt.date]
    makeup_workdays: frozenset[dt.date]

    def require_year(self, year: int) -> None:
        if year not in self.years:
            raise DomainError(
                "workdays.year_missing",
                f"{year}年的节假日安排尚未录入工作日历，无法计算工作日；"
                f"请省级人社部门在“工作日历”页（/workdays/）粘贴国务院办公厅{year}年放假通知录入",
                field="date",
            )

    def is_workday(self, day: dt.date) -> bool:
        self.require_year(day.year)
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def _next_day(day: dt.date) -> dt.date:
    try:
        return day + ONE_DAY
    except OverflowError:
        raise DomainError("workdays.date_range", "日期超出可计算的范围", field="date") from None


def workdays_add(calendar: WorkCalendar, start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (`start` itself does not count). n = 0 is start."""
    if n < 0:
        raise DomainError("workdays.negative", "工作日天数不能为负数", field="n")
    day = start
    remaining = n
    while remaining > 0:
        day = _next_day(day)
        if calendar.is_workday(day):
            remaining -= 1
    return day


def workdays_between(calendar: WorkCalendar, a: dt.date, b: dt.date) -> int:
    """Working days in (a, b]: so that workdays_between(a, workdays_add(a, n)) == n.
    Negative when b is before a."""
    if b < a:
        return -workdays_between(calendar, b, a)
    count = 0
    day = a
    while day < b:
        day = _next_day(day)
        if calendar.is_workday(day):
            count += 1
    return count
