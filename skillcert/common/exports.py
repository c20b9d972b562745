"""Spreadsheet export shared by every list page: rows in, an .xlsx response out.

Cells are typed: numbers (int, float, Decimal) as numbers, dates and times as dates with a
date format, `Percent` as a number with a percent format, text as text cells. An xlsx text
cell is never read as a formula, so text is written as it is; the apostrophe guard
(`formula_safe`) is for CSV and other plain-text exports only."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Characters that make Excel, WPS or LibreOffice read a cell typed in as a formula (OWASP
# "CSV injection"); tab and carriage return too, since a re-saved CSV loses what precedes them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: str) -> str:
    """Text that came from users, made inert for a spreadsheet: an apostrophe before a
    leading formula trigger keeps it text even if the file is re-saved as CSV and opened."""
    return "'" + value if value[:1] in FORMULA_TRIGGERS else value


class Percent(str):
    """A share shown as "66.7%" on pages (it is that text) and written to xlsx as the number
    0.667 with a percent format: `Percent.of(2, 3)`; `Percent.of(x, 0)` is "—" (no share)."""

    ratio: float | None

    def __new__(cls, ratio: float | None, *, digits: int = 1) -> Percent:
        text = "—" if ratio is None else f"{ratio * 100:.{digits}f}%"
        made = super().__new__(cls, text)
        made.ratio = ratio
        return made

    @classmethod
    def of(cls, part: float, whole: float, *, digits: int = 1) -> Percent:
        return cls(part / whole if whole else None, digits=digits)


class _Writer:
    def __init__(self, workbook: xlsxwriter.Workbook, worksheet: Any) -> None:
        self.sheet = worksheet
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.percent = workbook.add_format({"num_format": "0.0%"})

    def cell(self, row: int, col: int, value: Any) -> None:
        sheet = self.sheet
        if value is None:
            sheet.write_blank(row, col, None)
        elif isinstance(value, Percent):
            if value.ratio is None:
                sheet.write_string(row, col, str(value))
            else:
                sheet.write_number(row, col, value.ratio, self.percent)
        elif isinstance(value, str):
            sheet.write_string(row, col, value)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float | Decimal):
            if isinstance(value, Decimal) and not value.is_finite():
                sheet.write_string(row, col, str(value))
            else:
                sheet.write_number(row, col, float(value))
        elif isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            sheet.write_datetime(row, col, local.replace(tzinfo=None), self.datetime)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, value, self.date)
        else:
            sheet.write_string(row, col, str(value))


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1"
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    writer = _Writer(workbook, worksheet)
    bold = workbook.add_format({"bold": True})
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, str(header), bold)
    for index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            writer.cell(index, col, value)
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def attachment_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file to download under `filename`, percent-encoded (RFC 6266) so that a Chinese
    name reaches the browser intact."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    return attachment_response(xlsx_bytes(headers, rows), filename, XLSX)
