"""From 1 October, officers are reminded while next year's holiday calendar is missing."""

import datetime as dt

import pytest
import time_machine

from skillcert.workdays.models import CalendarYear

WARNING = "2027年的节假日安排尚未录入工作日历"


def _page(personas, who, on):
    year, month, day = on
    with time_machine.travel(dt.datetime(year, month, day, 10, tzinfo=dt.UTC), tick=False):
        return personas.client_for(getattr(personas, who)).get("/dashboard/").content.decode()


@pytest.mark.parametrize("who", ["province", "city_nanjing"])
def test_officers_see_the_missing_next_year_from_october(personas, who):
    assert WARNING in _page(personas, who, (2026, 10, 1))
    assert WARNING not in _page(personas, who, (2026, 9, 30))


def test_the_warning_goes_once_the_year_is_entered(personas):
    CalendarYear.objects.create(year=2027, source="notice")
    assert WARNING not in _page(personas, "province", (2026, 12, 4))


def test_a_missing_current_year_is_always_shown(personas):
    page = _page(personas, "province", (2027, 3, 1))
    assert "2027年的节假日安排尚未录入" in page
    assert "2028年" not in page


@pytest.mark.parametrize("who", ["clerk_a", "examiner", "candidate"])
def test_others_are_not_told(personas, who):
    assert WARNING not in _page(personas, who, (2026, 11, 2))
