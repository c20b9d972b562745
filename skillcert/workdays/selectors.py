from __future__ import annotations

import datetime as dt

from skillcert.workdays.core import WorkCalendar
from skillcert.workdays.core import workdays_add as _add
from skillcert.workdays.core import workdays_between as _between
from skillcert.workdays.models import CalendarDay, CalendarYear, DayKind


def work_calendar(*, years: range | None = None) -> WorkCalendar:
    """Load the calendar (a few hundred rows per decade: cheap enough to read whole)."""
    year_rows = CalendarYear.objects.all()
    day_rows = CalendarDay.objects.all()
    if years is not None:
        year_rows = year_rows.filter(year__in=list(years))
        day_rows = day_rows.filter(date__year__in=list(years))
    holidays: set[dt.date] = set()
    makeup: set[dt.date] = set()
    for day, kind in day_rows.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else makeup).add(day)
    return WorkCalendar(
        years=frozenset(year_rows.values_list("year", flat=True)),
        holidays=frozenset(holidays),
        makeup_workdays=frozenset(makeup),
    )


def workdays_add(start: dt.date, n: int) -> dt.date:
    return _add(work_calendar(), start, n)


def workdays_between(a: dt.date, b: dt.date) -> int:
    return _between(work_calendar(), a, b)


# From this month on, next year's arrangement is due (the State Council's notice usually
# comes out in October or November) and officers are reminded until it is entered.
NEXT_YEAR_REMINDER_MONTH = 10


def calendar_missing_years(*, today: dt.date) -> list[int]:
    """The years an officer should enter now: this year if it is missing, and next year
    from October on."""
    wanted = [today.year]
    if today.month >= NEXT_YEAR_REMINDER_MONTH:
        wanted.append(today.year + 1)
    covered = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in covered]


def calendar_last_year() -> int | None:
    """The last year the calendar covers, or None before any year is entered."""
    years = list(CalendarYear.objects.values_list("year", flat=True))
    return max(years) if years else None
