import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from skillcert.personnel.cardrules import (
    card_is_valid_on,
    card_valid_until,
    collection_deadline,
    first_workday_of_month,
    is_permanently_barred,
    last_workday_of_month,
    plan_dates,
    trailing_consecutive,
)
from skillcert.workdays.core import WorkCalendar, workdays_between

# 2026: National Day week off 10-01..10-08 (Thu–Thu), make-up Saturday 10-10 (illustrative).
CAL = WorkCalendar(
    years=frozenset({2025, 2026, 2027}),
    holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 9)),
    makeup_workdays=frozenset({dt.date(2026, 10, 10)}),
)


def test_card_valid_for_three_years_to_the_day_before_the_anniversary():
    assert card_valid_until(dt.date(2026, 3, 31), 3) == dt.date(2029, 3, 30)
    assert card_valid_until(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 27)


def test_collection_deadline_is_sixty_working_days_after_opening():
    # From Friday 2026-09-25: 3 working days to 09-30, the holiday week, 10-09 and the
    # make-up Saturday 10-10 (5), then 55 weekdays = 11 weeks from Monday 10-12.
    deadline = collection_deadline(CAL, dt.date(2026, 9, 25), 60)
    assert deadline == dt.date(2026, 12, 25)
    assert workdays_between(CAL, dt.date(2026, 9, 25), deadline) == 60


def test_plan_published_on_first_working_day_after_the_holiday():
    dates = plan_dates(CAL, 2026, 10, 5)
    assert dates.published_on == dt.date(2026, 10, 9)
    # The first 5 working days: 10-09, the make-up Saturday 10-10, 10-12, 10-13, 10-14.
    assert dates.registration_closes_on == dt.date(2026, 10, 14)
    assert dates.exam_on == dt.date(2026, 10, 30)


def test_senior_window_is_ten_working_days():
    assert plan_dates(CAL, 2026, 3, 10).registration_closes_on == dt.date(2026, 3, 13)


def test_examiner_window_is_the_first_five_working_days_of_the_month():
    # Seed 003's table: 「报名时间 每月的前5个工作日」: published Monday 03-02, the 5th is 03-06.
    dates = plan_dates(CAL, 2026, 3, 5)
    assert (dates.published_on, dates.registration_closes_on) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 6),
    )


def test_two_uncollected_in_a_row_bar_but_alternating_does_not():
    assert is_permanently_barred([True, False, False], 2)
    assert not is_permanently_barred([False, True, False, True, False], 2)
    assert is_permanently_barred(
        [False, False, True], 2
    )  # permanent: a later pickup does not lift it


def test_trailing_consecutive_counts_only_the_latest_run():
    assert trailing_consecutive([1, 1, 2, 1, 1, 1], 1) == 3
    assert trailing_consecutive([1, 1, 2], 1) == 0
    assert trailing_consecutive([], 1) == 0


days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))


@given(
    issued=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
    years=st.integers(1, 10),
)
def test_property_card_validity_spans_n_years(issued, years):
    until = card_valid_until(issued, years)
    assert card_is_valid_on(issued_on=issued, valid_until=until, day=issued)
    assert card_is_valid_on(issued_on=issued, valid_until=until, day=until)
    assert not card_is_valid_on(issued_on=issued, valid_until=until, day=until + dt.timedelta(1))
    assert not card_is_valid_on(issued_on=issued, valid_until=until, day=issued - dt.timedelta(1))
    assert 365 * years - 2 <= (until - issued).days <= 366 * years


@given(opens=days, n=st.integers(1, 60))
def test_property_deadline_is_a_working_day_n_working_days_later(opens, n):
    deadline = collection_deadline(CAL, opens, n)
    assert CAL.is_workday(deadline)
    assert workdays_between(CAL, opens, deadline) == n
    assert workdays_between(CAL, opens, deadline - dt.timedelta(days=1)) == n - 1


@given(year=st.integers(2025, 2026), month=st.integers(1, 12), n=st.integers(1, 10))
def test_property_plan_dates_are_working_days_in_order(year, month, n):
    dates = plan_dates(CAL, year, month, n)
    assert dates.published_on == first_workday_of_month(CAL, year, month)
    assert dates.published_on.month == month and CAL.is_workday(dates.published_on)
    assert all(
        not CAL.is_workday(dt.date(year, month, d)) for d in range(1, dates.published_on.day)
    )
    # The publication day is the window's first working day.
    assert workdays_between(CAL, dates.published_on, dates.registration_closes_on) == n - 1
    assert dates.exam_on == last_workday_of_month(CAL, year, month)
    assert dates.exam_on.month == month and dates.exam_on >= dates.published_on


@given(outcomes=st.lists(st.booleans(), max_size=12), limit=st.integers(1, 4))
def test_property_ban_matches_a_run_of_uncollected_cards(outcomes, limit):
    run = "".join("x" if not collected else "." for collected in outcomes)
    assert is_permanently_barred(outcomes, limit) == ("x" * limit in run)
    # Collecting another card never lifts a ban, and a ban stays when more cards follow.
    if is_permanently_barred(outcomes, limit):
        assert is_permanently_barred([*outcomes, True], limit)
        assert is_permanently_barred([*outcomes, False], limit)
