"""The training plan's batch forms for officers: the month-end exam's score sheet (考核成绩表),
read by 报名编号 and checked row by row against the plan before `exam_results_record_bulk`
records it all or none, and the issue of every ready card (`cards_issue_bulk`). A refused row
names its line and column; the rules (time learned, a score recorded once, who may) stay in
the services."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django import forms

from skillcert.common.errors import DomainError
from skillcert.common.forms import DateInput, NamedErrorsForm
from skillcert.common.sheet_uploads import Column, SheetRow, row_error, sheet_read

WHAT = "考核成绩表"
COLUMNS = (
    Column("registration", "报名编号", aliases=("registration",)),
    Column("name", "姓名", required=False),
    Column("score", "成绩", aliases=("score",)),
)
TEMPLATE_HEADERS = ["报名编号", "姓名", "工作单位", "申报职业", "成绩"]
MAX_ROWS = 5000  # services BULK_ROWS


class ExamSheetForm(NamedErrorsForm):
    file = forms.FileField(label="考核成绩表（.xlsx、.xls 或 .csv）")


class CardsIssueForm(NamedErrorsForm):
    collection_opens_on = forms.DateField(
        label="开始领取日期", required=False, widget=DateInput(), help_text="不填为发证当天"
    )


@dataclass(frozen=True)
class SheetRegistration:
    """A registration of the plan as the sheet may name it: the name, or as it was shown."""

    names: frozenset[str]


@dataclass(frozen=True)
class ExamSheet:
    scores: dict[int, int]
    lines: dict[int, int]  # registration id -> line in the file


def _score(row: SheetRow) -> int:
    text = row.text("score")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not value.is_integer() or not 0 <= value <= 100:
        raise row_error(
            row,
            "score",
            "personnel.sheet_score_invalid",
            f"应为0到100的整数（现为“{text[:20]}”）",
        )
    return int(value)


def exam_sheet_read(
    content: bytes, *, filename: str, registrations: Mapping[int, SheetRegistration]
) -> ExamSheet:
    """The rows with a score (a row left blank is not recorded). Refused: a registration not
    of the plan, one listed twice, a name that is not the person's, a score that is not a
    whole number from 0 to 100, a sheet without any score."""
    rows = sheet_read(content, filename=filename, what=WHAT, columns=COLUMNS, max_rows=MAX_ROWS)
    scores: dict[int, int] = {}
    lines: dict[int, int] = {}
    for row in rows:
        text = row.text("registration")
        known = registrations.get(int(text)) if text.isdigit() and len(text) < 12 else None
        if known is None:
            raise row_error(
                row,
                "registration",
                "personnel.sheet_registration_unknown",
                f"报名编号“{text[:20]}”不属于本期培训计划（或不在您的管辖范围）",
            )
        registration = int(text)
        if registration in lines:
            raise row_error(
                row,
                "registration",
                "personnel.sheet_registration_repeated",
                f"报名 {registration} 与第{lines[registration]}行重复",
            )
        lines[registration] = row.line
        name = row.text("name")
        if name and name not in known.names:
            raise row_error(
                row,
                "name",
                "personnel.sheet_name_mismatch",
                f"与报名 {registration} 的姓名不符（表中为“{name[:20]}”），请核对是否错行",
            )
        if row.text("score"):
            scores[registration] = _score(row)
    if not scores:
        raise DomainError("personnel.sheet_no_scores", f"{WHAT}中没有填写任何成绩", field="file")
    return ExamSheet(scores, lines)
