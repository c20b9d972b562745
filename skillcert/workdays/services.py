from __future__ import annotations

import datetime as dt

from django.db import transaction

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.workdays.models import CalendarDay, CalendarYear, DayKind
from skillcert.workdays.notice import HolidayNotice, notice_parse

NOTICE_TITLE_MAX = 200


def calendar_year_publish(*, year: int, notice: str, actor: Actor) -> CalendarYear:
    """Mark a year's holiday arrangement as entered, so working days can be counted in it."""
    if not 2000 <= year <= 2100:
        raise DomainError(
            "workdays.year_invalid", f"年份 {year} 超出范围（2000–2100）", field="year"
        )
    with transaction.atomic():
        row, created = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": "manual", "notice": notice}
        )
        audit_record(
            actor=actor,
            action="workdays.year_publish",
            obj=row,
            changes={"notice": [None, notice], "created": [None, created]},
        )
    return row


def calendar_day_set(*, date: dt.date, kind: str, name: str, actor: Actor) -> CalendarDay:
    if kind not in DayKind.values:
        raise DomainError(
            "workdays.kind_invalid", "类型应为“法定节假日”或“调休上班日”", field="kind"
        )
    if kind == DayKind.MAKEUP_WORKDAY and date.weekday() < 5:
        raise DomainError(
            "workdays.makeup_on_weekday",
            f"{date} 是工作日（周一至周五），无需设为调休上班日",
            field="date",
        )
    if kind == DayKind.HOLIDAY and not name.strip():
        raise DomainError("workdays.name_required", "请填写节日名称（如“国庆节”）", field="name")
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(date=date).first()
        before = {"kind": existing.kind, "name": existing.name} if existing else {}
        day, _ = CalendarDay.objects.update_or_create(
            date=date, defaults={"kind": kind, "name": name.strip()}
        )
        audit_record(
            actor=actor,
            action="workdays.day_set",
            obj=day,
            changes={k: [before.get(k), v] for k, v in {"kind": kind, "name": day.name}.items()},
        )
    return day


def calendar_day_clear(*, date: dt.date, actor: Actor) -> None:
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        if day is None:
            raise DomainError("workdays.day_missing", f"{date} 没有节假日或调休记录", field="date")
        audit_record(
            actor=actor,
            action="workdays.day_clear",
            obj=day,
            changes={"kind": [day.kind, None], "name": [day.name, None]},
        )
        day.delete()


def _notice_title(text: str, year: int) -> str:
    for line in text.splitlines():
        line = line.strip()
        if "节假日安排" in line and "通知" in line:
            return line[:NOTICE_TITLE_MAX]
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


def calendar_notice_import(
    *, year: int, text: str, actor: Actor, dry_run: bool = False
) -> HolidayNotice:
    """Enter a year's holidays and make-up working days from the State Council's notice.

    The year's earlier rows (from the package or a previous import) are replaced as a whole,
    so a corrected notice leaves nothing of the old one behind; the year is then covered.
    With `dry_run` the notice is read and checked and nothing is written."""
    if not 2000 <= year <= 2100:
        raise DomainError(
            "workdays.year_invalid", f"年份 {year} 超出范围（2000–2100）", field="year"
        )
    notice = notice_parse(text, year=year)
    outside = sorted(d for d in (*notice.holidays, *notice.workdays) if d.year != year)
    if outside:
        raise DomainError(
            "workdays.notice_other_year",
            f"通知中的 {outside[0].isoformat()} 不在{year}年内；跨年的日期请在对应年份录入",
            field="notice",
        )
    if dry_run:
        return notice
    # A weekend is a rest day anyway: only weekday holidays and weekend make-up days change
    # the count (the same rows the package's years hold).
    rows = [
        CalendarDay(date=day, kind=DayKind.HOLIDAY, name=name)
        for day, name in sorted(notice.holidays.items())
        if day.weekday() < 5
    ] + [
        CalendarDay(date=day, kind=DayKind.MAKEUP_WORKDAY, name=f"{name}调休")
        for day, name in sorted(notice.workdays.items())
    ]
    title = _notice_title(text, year)
    with transaction.atomic():
        existing = CalendarYear.objects.select_for_update().filter(year=year).first()
        removed, _ = CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(rows)
        row, _ = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": "notice", "notice": title}
        )
        audit_record(
            actor=actor,
            action="workdays.notice_import",
            obj=row,
            changes={
                "notice": [existing.notice if existing else None, title],
                "holidays": [None, [d.isoformat() for d in sorted(notice.holidays)]],
                "workdays": [None, [d.isoformat() for d in sorted(notice.workdays)]],
                "replaced_rows": [removed, len(rows)],
            },
        )
    return notice
