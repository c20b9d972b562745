"""Writing roster workbooks for tests and the benchmark."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter

from skillcert.applications.roster import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def roster_bytes(
    rows: Sequence[dict[str, Any]],
    *,
    merge: tuple[int, int, int, int] | None = None,
    headers: Sequence[str] = HEADERS,
) -> bytes:
    """Rows are {header: value}; strings are written as text, numbers as numbers (the way
    Excel stores an ID typed into a General cell)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, list(headers))
    for r, row in enumerate(rows, start=1):
        for c, header in enumerate(headers):
            value = row.get(header)
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    if merge is not None:
        sheet.merge_range(*merge, "合并")
    book.close()
    return buffer.getvalue()


def valid_row(id_number: object, **extra: Any) -> dict[str, Any]:
    row = {
        "姓名": "张三",
        "证件号码": id_number,
        "手机号码": "13912345678",
        "职业编码": "4-07-03-02",
        "申报等级": "四级",
        "参加本职业工作日期": "2015-03-01",
    }
    row.update(extra)
    return row
