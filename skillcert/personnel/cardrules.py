"""Dates and outcomes of examiner cards and training plans (seed 003): pure functions over a
`WorkCalendar` and plain values, no ORM.

* A card issued on day D is valid through the day before D + N years (N is the province's
  validity, 3 in seed 003); a day the target month lacks (29 Feb) lands on the month's last
  day, as in the eligibility engine.
* Collection opens on a date O; the last day to collect is the N-th working day after O
  (60 in seed 003, "发放开始60个工作日内"), the opening day itself not counted, the same
  convention as `workdays_add`.
* A monthly plan is published on the first working day of its month; registration closes
  at the end of the N-th working day after publication (5 for examiners, 10 for senior
  examiners); the month-end exam is on the month's last working day.
* Two cards left uncollected in a row (with no collected card between them, in issue order)
  bar the person permanently; one collected card resets the count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from skillcert.eligibility.engine import add_months
from skillcert.workdays.core import WorkCalendar, workdays_add

ONE_DAY = dt.timedelta(days=1)


def card_valid_until(issued_on: dt.date, years: int) -> dt.date:
    return add_months(issued_on, 12 * years) - ONE_DAY


def card_is_valid_on(*, issued_on: dt.date, valid_until: dt.date, day: dt.date) -> bool:
    return issued_on <= day <= valid_until


def collection_deadline(calendar: WorkCalendar, opens_on: dt.date, workdays: int) -> dt.date:
    return workdays_add(calendar, opens_on, workdays)


def first_workday_of_month(calendar: WorkCalendar, year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while not calendar.is_workday(day):
        day += ONE_DAY
    return day


def last_workday_of_month(calendar: WorkCalendar, year: int, month: int) -> dt.date:
    day = add_months(dt.date(year, month, 1), 1) - ONE_DAY
    while not calendar.is_workday(day):
        day -= ONE_DAY
    return day


@dataclass(frozen=True)
class PlanDates:
    published_on: dt.date
    registration_closes_on: dt.date
    exam_on: dt.date


def plan_dates(
    calendar: WorkCalendar, year: int, month: int, registration_workdays: int
) -> PlanDates:
    """Registration is open on the month's first `registration_workdays` working days (seed
    003's table: 「报名时间 每月的前5个工作日」), the publication day counting as the first."""
    published = first_workday_of_month(calendar, year, month)
    return PlanDates(
        published_on=published,
        registration_closes_on=workdays_add(calendar, published, registration_workdays - 1),
        exam_on=last_workday_of_month(calendar, year, month),
    )


def uncollected_streak(outcomes: Sequence[bool]) -> int:
    """Longest run of uncollected cards. `outcomes` are the person's decided cards in issue
    order: True = collected, False = left uncollected (void)."""
    longest = run = 0
    for collected in outcomes:
        run = 0 if collected else run + 1
        longest = max(longest, run)
    return longest


def is_permanently_barred(outcomes: Sequence[bool], limit: int) -> bool:
    return uncollected_streak(outcomes) >= limit


def trailing_consecutive(sitting_orgs: Sequence[int], organization_id: int) -> int:
    """How many of the most recent sittings (oldest first) were at `organization_id` in a row."""
    count = 0
    for org in reversed(sitting_orgs):
        if org != organization_id:
            break
        count += 1
    return count
