"""Seed holidays and make-up working days for every year the chinesecalendar package covers.
Years after that are entered by a province officer."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    rows = []
    years = set()
    for day, name in constants.holidays.items():
        years.add(day.year)
        if day.weekday() >= 5:
            continue  # a weekend is a rest day anyway; only weekday holidays change the count
        rows.append(CalendarDay(date=day, kind="holiday", name=HOLIDAY_NAMES.get(name, name)))
    for day, name in constants.workdays.items():
        years.add(day.year)
        if day.weekday() < 5:
            continue
        rows.append(CalendarDay(date=day, kind="workday", name=HOLIDAY_NAMES.get(name, name) + "调休"))
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, source="chinesecalendar") for y in sorted(years)], ignore_conflicts=True
    )


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarDay").objects.all().delete()
    apps.get_model("workdays", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ('workdays', '0001_squashed_0001'),
    ]
    operations = [RunPythonOnRenderedModels(seed, unseed)]
