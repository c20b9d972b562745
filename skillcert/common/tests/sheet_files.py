"""Small workbooks built in memory for the upload pages' tests (score sheets, door-scanner
lists, training results)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """An .xlsx file of `rows` from A1: None leaves a cell empty, a text starting with "="
    is written as a formula."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()
