import datetime as dt

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.workdays.models import CalendarDay, CalendarYear
from skillcert.workdays.selectors import workdays_add
from skillcert.workdays.services import calendar_day_clear, calendar_day_set, calendar_year_publish


def test_officer_enters_a_new_year_and_working_days_follow_it(personas):
    with pytest.raises(DomainError) as exc:
        workdays_add(dt.date(2027, 9, 30), 1)
    assert exc.value.code == "workdays.year_missing"
    calendar_day_set(
        date=dt.date(2027, 10, 1), kind="holiday", name="国庆节", actor=personas.province
    )
    calendar_year_publish(year=2027, notice="国办发明电〔2026〕X号", actor=personas.province)
    # 2027-10-01 is a Friday holiday: the next working day after 09-30 is Monday 10-04.
    assert workdays_add(dt.date(2027, 9, 30), 1) == dt.date(2027, 10, 4)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"workdays.day_set", "workdays.year_publish"} <= actions


def test_makeup_workday_on_a_weekday_is_rejected_and_nothing_is_saved(personas):
    before = CalendarDay.objects.count()
    with pytest.raises(DomainError) as err:
        calendar_day_set(
            date=dt.date(2027, 10, 6), kind="workday", name="", actor=personas.province
        )
    assert err.value.code == "workdays.makeup_on_weekday"
    assert CalendarDay.objects.count() == before


def test_holiday_needs_a_name(personas):
    with pytest.raises(DomainError) as err:
        calendar_day_set(
            date=dt.date(2027, 10, 4), kind="holiday", name=" ", actor=personas.province
        )
    assert err.value.code == "workdays.name_required"
    assert err.value.field == "name"


def test_clear_removes_the_day_and_audits(personas):
    calendar_day_set(
        date=dt.date(2027, 10, 9), kind="workday", name="国庆调休", actor=personas.province
    )
    calendar_day_clear(date=dt.date(2027, 10, 9), actor=personas.province)
    assert not CalendarDay.objects.filter(date=dt.date(2027, 10, 9)).exists()
    assert AuditEvent.objects.filter(action="workdays.day_clear").count() == 1
    with pytest.raises(DomainError) as exc:
        calendar_day_clear(date=dt.date(2027, 10, 9), actor=personas.province)
    assert exc.value.code == "workdays.day_missing"


def test_publish_rejects_absurd_years(personas):
    with pytest.raises(DomainError) as exc:
        calendar_year_publish(year=1800, notice="x", actor=personas.province)
    assert exc.value.code == "workdays.year_invalid"
    assert not CalendarYear.objects.filter(year=1800).exists()


def test_calendar_page_edit_only_for_province_officer(personas):
    province = personas.client_for(personas.province)
    response = province.post(
        "/workdays/days/save/?year=2027",
        {"day-date": "2027-05-03", "day-kind": "holiday", "day-name": "劳动节"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=dt.date(2027, 5, 3)).exists()
    city = personas.client_for(personas.city_nanjing)
    assert city.get("/workdays/?year=2026").status_code == 200
    response = city.post(
        "/workdays/days/save/", {"day-date": "2027-05-04", "day-kind": "holiday", "day-name": "x"}
    )
    assert response.status_code == 404
    assert not CalendarDay.objects.filter(date=dt.date(2027, 5, 4)).exists()
    assert personas.client_for(personas.clerk_a).get("/workdays/").status_code == 404
