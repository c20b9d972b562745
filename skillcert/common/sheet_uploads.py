"""A small uploaded sheet read as named columns: the batch forms' score sheets, the door
scanner's list. The file (.xlsx, .xls or .csv) is bounded before a parser opens it
(`untrusted_files`), its first sheet's header row found by the columns' headers, and each
non-empty row after it returned with its line in the file, so that a refusal can say
“第5行“成绩”：…”. Formulas are refused in the columns read: python-calamine gives a formula's
cached result, which a file written by a program may not hold at all."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from skillcert.common.errors import DomainError
from skillcert.common.untrusted_files import (
    csv_rows,
    sheet_rows,
    spreadsheet_check,
    text_decode,
    xlsx_formulas,
)

# A batch's sheet is a few thousand rows: 5 MB holds 50,000 of them.
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    """A column the sheet is read by: its key, the header the template writes (and the
    messages say), whether the header must be present, and other headers taken for it."""

    key: str
    header: str
    required: bool = True
    aliases: tuple[str, ...] = ()


def cell_text(value: Any) -> str:
    """A cell as text: integral numbers without Excel's `.0`, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value).strip()


@dataclass(frozen=True)
class SheetRow:
    """One data row: its 1-based line in the file and its cells by column key."""

    line: int
    cells: Mapping[str, Any]
    headers: Mapping[str, str]

    def value(self, key: str) -> Any:
        return self.cells.get(key)

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))


def row_error(row: SheetRow, key: str, code: str, message: str) -> DomainError:
    """A refusal of a row's cell, naming the line and the column (a function rather than a
    method, so that the error-code registry sees each caller's code)."""
    return DomainError(code, f"第{row.line}行“{row.headers[key]}”：{message}", field="file")


def _fail(code: str, message: str) -> DomainError:
    return DomainError(f"upload.{code}", message, field="file")


def _table(content: bytes, filename: str, *, what: str) -> list[list[Any]]:
    if filename.lower().endswith(".csv"):
        return [list(row) for row in csv_rows(text_decode(content, what=what), what=what)]
    formula_free = spreadsheet_check(content, what=what)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = workbook.sheet_names
        if not names:
            raise _fail("no_sheet", f"{what}中没有工作表")
        table = [list(row) for row in sheet_rows(workbook.get_sheet_by_name(names[0]), what=what)]
    except DomainError:
        raise
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise _fail(
            "unreadable", f"无法读取{what}（{type(exc).__name__}）：请上传 .xlsx、.xls 或 .csv 文件"
        ) from None
    for (row, column), formula in xlsx_formulas(
        content, sheet_index=0, what=what, formula_free=formula_free
    ).items():
        if row < len(table) and column < len(table[row]):
            table[row][column] = _Formula(formula)
    return table


class _Formula(str):
    """A formula typed into a cell, kept apart from text so that a column read refuses it."""


def _header(row: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    by_header: dict[str, str] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            by_header.setdefault(name.lower(), column.key)
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = by_header.get(cell_text(cell).lower())
        if key is not None and key not in found:
            found[key] = index
    return found


def sheet_read(
    content: bytes,
    *,
    filename: str,
    what: str,
    columns: Sequence[Column],
    max_rows: int,
) -> list[SheetRow]:
    """The non-empty rows below the header row (the first row naming every required column),
    by column key. Refused with an `upload.*` DomainError on the file's `file` field: too
    large, unreadable, no header, no rows, too many rows, a formula in a column read."""
    if len(content) > MAX_BYTES:
        raise _fail(
            "too_large",
            f"{what}超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后分批上传",
        )
    table = _table(content, filename, what=what)
    required = [c for c in columns if c.required]
    header_at, found = None, {}
    for index, header_row in enumerate(table[:20]):
        found = _header(header_row, columns)
        if all(c.key in found for c in required):
            header_at = index
            break
    if header_at is None:
        raise _fail(
            "header_missing",
            f"{what}的表头应含有：{'、'.join(c.header for c in required)}；请使用下载的模板",
        )
    headers = {c.key: c.header for c in columns}
    rows: list[SheetRow] = []
    for index in range(header_at + 1, len(table)):
        cells = {key: _cell(table[index], at) for key, at in found.items()}
        if all(cell_text(value) == "" for value in cells.values()):
            continue
        if len(rows) == max_rows:
            raise _fail("too_many_rows", f"{what}一次最多{max_rows}行，请分批上传")
        row = SheetRow(index + 1, cells, headers)
        for key, value in cells.items():
            if isinstance(value, _Formula):
                raise row_error(
                    row, key, "upload.formula", f"请填写数值，不要使用公式（{value[:40]}）"
                )
        rows.append(row)
    if not rows:
        raise _fail("no_rows", f"{what}中没有数据行")
    return rows


def _cell(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def upload_content(upload: Any) -> bytes:
    """An uploaded file's bytes, read no further than one byte past the limit (a larger
    file is refused by `sheet_read` without being read whole)."""
    data = upload.read(MAX_BYTES + 1)
    return bytes(data)
