"""Roster spreadsheets: reading an upload (python-calamine), the blank template and the
error report (xlsxwriter)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from python_calamine import CalamineWorkbook

from skillcert.applications.roster import COLUMNS, RowError, cell_text
from skillcert.applications.roster_sheet import header_map
from skillcert.common.errors import DomainError
from skillcert.common.exports import formula_safe
from skillcert.common.untrusted_files import sheet_rows, spreadsheet_check, xlsx_formulas

TEMPLATE_ROWS = 2000
SHEET_NAME = "花名册"
MAX_MERGED_RANGES = 1000


class RosterFileError(DomainError):
    """The file itself cannot be used (not a spreadsheet, no sheet, no header)."""


@dataclass
class RosterSheet:
    header_row: int  # 1-based
    columns: dict[str, int]
    rows: list[tuple[int, list[Any]]]  # (1-based row number, cells), below the header
    merged: list[tuple[int, int, int, int]]  # 1-based (first row, first col, last row, last col)


def read_roster(source: str | Path | bytes) -> RosterSheet:
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        raise RosterFileError("roster.unreadable", f"无法读取文件：{exc.strerror}") from None
    try:
        formula_free = spreadsheet_check(data, what="花名册文件")
    except DomainError as exc:
        raise RosterFileError(exc.code, exc.message, field=exc.field) from None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        if not names:
            raise RosterFileError("roster.no_sheet", "文件中没有工作表")
        chosen = SHEET_NAME if SHEET_NAME in names else names[0]
        sheet = workbook.get_sheet_by_name(chosen)
        table = sheet_rows(sheet, what="花名册文件")
        # What was typed, not the cached result: LibreOffice stores 2 for a typed `=1+1`.
        typed = xlsx_formulas(
            data, sheet_index=names.index(chosen), what="花名册文件", formula_free=formula_free
        )
        for (row, column), formula in typed.items():
            if row < len(table) and column < len(table[row]):
                table[row][column] = formula
        merged_raw = sheet.merged_cell_ranges or []
    except RosterFileError:
        raise
    except DomainError as exc:
        raise RosterFileError(exc.code, exc.message, field=exc.field) from None
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise RosterFileError(
            "roster.unreadable",
            f"无法读取文件（{type(exc).__name__}）：请上传由模板填写的 .xlsx 或 .xls 文件",
        ) from None
    header_index = next(
        (i for i, row in enumerate(table[:20]) if any(cell_text(c) for c in row)), None
    )
    if header_index is None:
        raise RosterFileError("roster.empty", "文件为空：未找到表头行")
    columns, missing = header_map(table[header_index])
    if missing:
        raise RosterFileError(
            "roster.header_missing",
            f"表头缺少必填列：{'、'.join(missing)}；请使用平台提供的模板",
        )
    # The rows calamine made are this sheet's alone: no copy.
    rows = list(enumerate(table[header_index + 1 :], start=header_index + 2))
    if len(merged_raw) > MAX_MERGED_RANGES:
        raise RosterFileError(
            "roster.merged_too_many",
            f"表格中有 {len(merged_raw)} 处合并单元格；请取消合并，每人一行分别填写",
        )
    # A merge may reach row 1048576; only rows that exist matter (the core walks each row).
    last = len(table)
    merged = [
        (r0 + 1, c0 + 1, min(r1 + 1, last), c1 + 1)
        for (r0, c0), (r1, c1) in merged_raw
        if r0 < last
    ]
    return RosterSheet(header_index + 1, columns, rows, merged)


def roster_template() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    header = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#E6B8B7", "border": 1})
    as_text = book.add_format({"num_format": "@"})
    as_date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(SHEET_NAME)
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, column.header, required if column.required else header)
        if column.kind in ("id", "phone") or column.key in ("occupation_code", "cert_number"):
            # Text format: Excel would otherwise turn an 18-digit ID into 3.2010219900307E+17.
            sheet.set_column(index, index, 22, as_text)
        elif column.kind == "date":
            sheet.set_column(index, index, 14, as_date)
        else:
            sheet.set_column(index, index, 14)
        if column.help:
            sheet.write_comment(0, index, column.help)
    level_col = [c.key for c in COLUMNS].index("level")
    sheet.data_validation(
        1,
        level_col,
        TEMPLATE_ROWS,
        level_col,
        {"validate": "list", "source": ["五级", "四级", "三级", "二级", "一级"]},
    )
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("填写说明")
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 90)
    lines = [
        ("填写说明", ""),
        ("", "每人一行，从第2行开始填写；请勿合并单元格、勿修改表头、勿插入空列。"),
        (
            "",
            "“证件号码”“手机号码”列已设置为文本格式。从其他表格粘贴时请选择“只粘贴数值”，"
            "否则号码可能被Excel改为科学计数法（如 3.2010219900307E+17），末尾数字将丢失。",
        ),
        ("", "日期可填 2020-03-01、2020/3/1 或 Excel 日期；全角数字和多余空格会自动转换。"),
        ("", "同一人在一个评价计划中只能申报一次；超出计划名额的行不会导入。"),
        ("", "默认任何一行有误则整表不导入；修正后重新上传，或选择“仅导入有效行”。"),
        ("列名（红底为必填）", "说明"),
    ] + [(c.header + ("（必填）" if c.required else ""), c.help) for c in COLUMNS]
    for row, (left, right) in enumerate(lines):
        notes.write_string(row, 0, left, bold)
        notes.write_string(row, 1, right, wrap)
    book.close()
    return buffer.getvalue()


def roster_error_report(sheet: RosterSheet, errors: Sequence[RowError]) -> bytes:
    """The uploaded rows that have errors or warnings, with each offending cell filled (red
    for an error, yellow for a warning) and carrying the message as a comment, an 错误说明
    column, and a second sheet listing every error and warning."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    bad = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "@"})
    check = book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700", "num_format": "@"})
    plain = book.add_format({"num_format": "@"})
    out = book.add_worksheet("错误行")
    headers = [c.header for c in COLUMNS]
    out.write_string(0, 0, "原行号", bold)
    for index, text in enumerate(headers, start=1):
        out.write_string(0, index, text, bold)
    out.write_string(0, len(headers) + 1, "错误说明", bold)
    by_row: dict[int, list[RowError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    cells = dict(sheet.rows)
    for out_row, row in enumerate(sorted(by_row), start=1):
        source = cells.get(row, [])
        # An error outranks a warning on the same cell.
        marked = {e.column: e for e in sorted(by_row[row], key=lambda e: not e.is_warning)}
        out.write_number(out_row, 0, row)
        for index, column in enumerate(COLUMNS, start=1):
            position = sheet.columns.get(column.key)
            value = (
                cell_text(source[position])
                if position is not None and position < len(source)
                else ""
            )
            cell_error = marked.get(column.header)
            style = plain if cell_error is None else (check if cell_error.is_warning else bad)
            out.write_string(out_row, index, formula_safe(value), style)
            if cell_error is not None:
                out.write_comment(out_row, index, f"[{cell_error.code}] {cell_error.message}")
        out.write_string(
            out_row,
            len(headers) + 1,
            "；".join(f"{_kind(e)}{e.column}：{e.message}" for e in by_row[row]),
        )
    out.freeze_panes(1, 1)
    listing = book.add_worksheet("错误清单")
    for index, text in enumerate(("行号", "列", "错误代码", "说明", "类型")):
        listing.write_string(0, index, text, bold)
    for out_row, error in enumerate(errors, start=1):
        listing.write_number(out_row, 0, error.row)
        listing.write_string(out_row, 1, error.column)
        listing.write_string(out_row, 2, error.code)
        listing.write_string(out_row, 3, formula_safe(error.message))
        listing.write_string(out_row, 4, "提示" if error.is_warning else "错误")
    book.close()
    return buffer.getvalue()


def _kind(error: RowError) -> str:
    return "（提示）" if error.is_warning else ""
