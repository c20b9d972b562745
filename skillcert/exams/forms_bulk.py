"""The door scanner's list (入口扫码签到名单) a site uploads when its doors close: one row per
arrival, 准考证号 and 签到时间, read in file order. A time without a date is the slot's day;
a time without an offset is local time. The rules (the ticket is the sitting's and seated at
this site, the late limit, no second check-in, a staffed room) stay in
`checkins_record_bulk`, which names the list's row; the page turns that into the file's line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.common.forms import NamedErrorsForm
from skillcert.common.sheet_uploads import Column, SheetRow, row_error, sheet_read

WHAT = "签到名单"
COLUMNS = (
    Column("ticket", "准考证号", aliases=("ticket_no", "准考证")),
    Column("arrived_at", "签到时间", aliases=("arrived_at", "扫码时间", "入场时间")),
)
TEMPLATE_HEADERS = ["准考证号", "签到时间", "考场", "座位号"]
MAX_ROWS = 5000  # examday.CHECKIN_BULK_ROWS


class CheckinSheetForm(NamedErrorsForm):
    checks = forms.MultipleChoiceField(
        label="入场检查（名单中每人均已通过）",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    file = forms.FileField(label="签到名单（.xlsx、.xls 或 .csv）")

    def __init__(self, *args: Any, checklist: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("checks", [(item, item) for item in checklist])


@dataclass(frozen=True)
class CheckinSheet:
    """The arrivals in file order, and each one's line in the file."""

    arrivals: list[tuple[str, dt.datetime]]
    lines: list[int]


def _moment(row: SheetRow, day: dt.date) -> dt.datetime:
    value = row.value("arrived_at")
    moment: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.time):
        moment = dt.datetime.combine(day, value)
    else:
        text = row.text("arrived_at").replace("/", "-").replace("T", " ")
        try:
            if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text):
                moment = dt.datetime.combine(day, dt.time.fromisoformat(text.zfill(5)))
            else:
                moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = None
    if moment is None:
        raise row_error(
            row,
            "arrived_at",
            "exams.checkin_sheet_time_invalid",
            f"应为“2026-06-01 08:45”或“08:45”（现为“{row.text('arrived_at')[:30]}”）",
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def checkin_sheet_read(content: bytes, *, filename: str, day: dt.date) -> CheckinSheet:
    """Every row with a ticket number and its arrival time; a ticket without a time (a row
    of the template left blank) did not arrive and is skipped."""
    rows = sheet_read(content, filename=filename, what=WHAT, columns=COLUMNS, max_rows=MAX_ROWS)
    arrivals: list[tuple[str, dt.datetime]] = []
    lines: list[int] = []
    for row in rows:
        ticket = row.text("ticket")
        if not ticket:
            raise row_error(row, "ticket", "exams.checkin_sheet_ticket_missing", "请填写准考证号")
        if len(ticket) > 13:
            raise row_error(
                row, "ticket", "exams.checkin_sheet_ticket_invalid", f"准考证号“{ticket[:20]}”过长"
            )
        if not row.text("arrived_at"):
            continue
        arrivals.append((ticket, _moment(row, day)))
        lines.append(row.line)
    if not arrivals:
        raise DomainError(
            "exams.checkin_sheet_empty", f"{WHAT}中没有填写签到时间的考生", field="file"
        )
    return CheckinSheet(arrivals, lines)
