from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.workdays.models import CalendarDay, CalendarYear, DayKind


def calendar_year_publish(*, year: int, notice: str, actor: Any) -> CalendarYear:
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


def calendar_day_set(*, date: dt.date, kind: str, name: str, actor: Any) -> CalendarDay:
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


def calendar_day_clear(*, date: dt.date, actor: Any) -> None:
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
