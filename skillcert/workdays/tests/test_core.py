import datetime as dt

import pytest
from chinese_calendar import is_workday as reference_is_workday
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcert.common.errors import DomainError
from skillcert.workdays.core import WorkCalendar, workdays_add, workdays_between
from skillcert.workdays.selectors import work_calendar

pytestmark = pytest.mark.django_db


def test_fifteen_working_days_after_mid_autumn_cross_national_day():
    # 2026-09-25..27 中秋, 10-01..07 国庆 (weekday holidays), make-up days count as work.
    calendar = work_calendar()
    result = workdays_add(calendar, dt.date(2026, 9, 25), 15)
    # Brute force against the chinesecalendar package itself.
    day, count = dt.date(2026, 9, 25), 0
    while count < 15:
        day += dt.timedelta(days=1)
        count += reference_is_workday(day)
    assert result == day == dt.date(2026, 10, 22)


def test_seeded_calendar_matches_package_for_every_day_of_2025_and_2026():
    calendar = work_calendar()
    day = dt.date(2025, 1, 1)
    while day.year < 2027:
        assert calendar.is_workday(day) == reference_is_workday(day), day
        day += dt.timedelta(days=1)


def test_year_without_calendar_data_raises_naming_the_year():
    calendar = work_calendar()
    with pytest.raises(DomainError) as err:
        workdays_add(calendar, dt.date(2035, 3, 1), 5)
    assert err.value.code == "workdays.year_missing"
    assert "2035年" in err.value.message


def test_running_into_an_uncovered_year_raises_too():
    calendar = WorkCalendar(
        years=frozenset({2026}), holidays=frozenset(), makeup_workdays=frozenset()
    )
    with pytest.raises(DomainError) as err:
        workdays_add(calendar, dt.date(2026, 12, 28), 10)
    assert err.value.code == "workdays.year_missing"
    assert "2027年" in err.value.message


def test_negative_count_is_rejected():
    with pytest.raises(DomainError) as exc:
        workdays_add(work_calendar(), dt.date(2026, 1, 5), -1)
    assert exc.value.code == "workdays.negative"


SMALL = WorkCalendar(
    years=frozenset({2026}),
    holidays=frozenset({dt.date(2026, 10, d) for d in range(1, 8)}),
    makeup_workdays=frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)}),
)


@settings(max_examples=200)
@given(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 9, 30)), st.integers(0, 40))
def test_between_inverts_add(start, n):
    end = workdays_add(SMALL, start, n)
    assert workdays_between(SMALL, start, end) == n
    assert workdays_between(SMALL, end, start) == -n
    if n > 0:
        assert SMALL.is_workday(end)
