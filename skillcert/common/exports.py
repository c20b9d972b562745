"""Spreadsheet export shared by every list page: rows in, an .xlsx response out."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Characters that make Excel, WPS or LibreOffice read a cell typed in as a formula (OWASP
# "CSV injection"); tab and carriage return too, since a re-saved CSV loses what precedes them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: str) -> str:
    """Text that came from users, made inert for a spreadsheet: an apostrophe before a
    leading formula trigger keeps it text even if the file is re-saved as CSV and opened."""
    return "'" + value if value[:1] in FORMULA_TRIGGERS else value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return formula_safe(value)
    if isinstance(value, int | float):
        return value
    return str(value)  # dates, decimals: rendered by the platform, not typed by a user


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1"
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, list(headers), bold)
    for index, row in enumerate(rows, start=1):
        worksheet.write_row(index, 0, [_cell(v) for v in row])
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
