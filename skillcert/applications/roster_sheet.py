"""Roster (花名册) sheet validation: the header, merged cells, over-long cells, blank rows,
rows repeated within the file or of candidates already applied, the plan's seats, and each
row through `roster.validate_row`. Pure, like roster.py: cells in, clean rows or errors out."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from skillcert.applications.roster import (
    COLUMNS,
    HEADERS,
    MAX_CELL_CHARS,
    WARNING,
    RosterContext,
    RosterResult,
    RosterRow,
    RowError,
    RowFailed,
    validate_row,
)
from skillcert.applications.roster_cells import cell_text, is_blank
from skillcert.common.identifiers import normalize


def header_map(header: Sequence[Any]) -> tuple[dict[str, int], list[str]]:
    """Column key -> index, and the required headers that are missing."""
    wanted = {normalize(c.header): c.key for c in COLUMNS}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = wanted.get(normalize(cell_text(cell)).replace("*", ""))
        if key is not None and key not in found:
            found[key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in found]
    return found, missing


def _merged_row_errors(
    merged: Sequence[tuple[int, int, int, int]], columns: dict[str, int]
) -> dict[int, RowError]:
    """Every row covered by a merged range, mapped to the one error reported for the range."""
    merged_rows: dict[int, RowError] = {}
    by_index = {index: key for key, index in columns.items()}
    for first_row, first_col, last_row, last_col in merged:
        key = by_index.get(first_col - 1)
        header = HEADERS[key] if key else f"第{first_col}列"
        error = RowError(
            first_row,
            header,
            "merged_cells",
            f"第{first_row}至{last_row}行、第{first_col}至{last_col}列的单元格被合并；"
            "请取消合并并在每一行分别填写",
        )
        for r in range(first_row, last_row + 1):
            merged_rows.setdefault(r, error)
    return merged_rows


def _too_long_cell(row: int, values: dict[str, Any]) -> RowError | None:
    # Checked before anything quotes the cell back in a message or the error report.
    too_long = None
    for key, value in values.items():  # a loop: a generator costs more on 16 cells a row
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            too_long = key
            break
    if too_long is None:
        return None
    return RowError(
        row,
        HEADERS[too_long],
        "cell_too_long",
        f"单元格内容超过 {MAX_CELL_CHARS} 个字，请检查是否粘贴错误",
    )


def _repeated(parsed: RosterRow, seen: dict[str, int], ctx: RosterContext) -> RowError | None:
    """The same person earlier in the file, or already applied to the plan."""
    first = seen.get(parsed.id_number)
    if first is not None:
        return RowError(
            parsed.row,
            HEADERS["id_number"],
            "duplicate_in_file",
            f"证件号码与第{first}行重复；同一人在一个计划中只能申报一次",
        )
    seen[parsed.id_number] = parsed.row
    if parsed.digest in ctx.applied_digests:
        return RowError(
            parsed.row,
            HEADERS["id_number"],
            "already_applied",
            "此人已申报本评价计划，不能重复申报",
        )
    return None


def _within_seats(
    valid: list[RosterRow], seats_left: int
) -> tuple[list[RosterRow], list[RowError]]:
    seats = max(seats_left, 0)
    refused = [
        RowError(
            extra.row, HEADERS["name"], "quota_exceeded", f"超出计划名额：本计划尚余{seats}个名额"
        )
        for extra in valid[seats:]
    ]
    return valid[:seats], refused


def _picker(indexes: list[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """The cells at `indexes` of a row, as a tuple (itemgetter gives one index's cell bare)."""
    if len(indexes) > 1:
        return operator.itemgetter(*indexes)
    return lambda cells: tuple(cells[i] for i in indexes)


def _blank_row(values: dict[str, Any]) -> bool:
    # A loop rather than all(<generator>): it returns at the first cell of most rows, and
    # the generator's setup cost more than the check, 10^5 times.
    for value in values.values():  # noqa: SIM110
        if value is not None and not is_blank(value):
            return False
    return True


def validate_roster(
    rows: Iterable[tuple[int, Sequence[Any]]],
    *,
    columns: dict[str, int],
    ctx: RosterContext,
    merged: Sequence[tuple[int, int, int, int]] = (),
    progress: Callable[[int], None] | None = None,
) -> RosterResult:
    """`rows` are (spreadsheet row number, cells) below the header; `merged` are merged
    ranges as 1-based (first row, first column, last row, last column). Empty rows are
    skipped; each other row yields a RosterRow or errors. Rows past the plan's remaining
    seats are refused with `quota_exceeded`."""
    errors: list[RowError] = []
    valid: list[RosterRow] = []
    merged_rows = _merged_row_errors(merged, columns)
    seen: dict[str, int] = {}
    data_rows = 0
    # Every column's key, None where the sheet has no such column or the row stops short.
    keys = (*columns, *(c.key for c in COLUMNS if c.key not in columns))
    found = [columns[key] for key in keys if key in columns]
    width = max(found, default=-1) + 1
    missing = (None,) * (len(keys) - len(found))
    pick = _picker(found)
    for count, (row, cells) in enumerate(rows, start=1):
        if progress is not None and count % 1000 == 0:
            progress(count)
        if len(cells) >= width:
            values = dict(zip(keys, (*pick(cells), *missing), strict=True))
        else:
            values = dict.fromkeys(keys)
            for key, index in columns.items():
                if index < len(cells):
                    values[key] = cells[index]
        if _blank_row(values) and row not in merged_rows:
            continue
        data_rows += 1
        if row in merged_rows:
            if merged_rows[row].row == row:
                errors.append(merged_rows[row])
            continue
        problem = _too_long_cell(row, values)
        if problem is None:
            try:
                parsed = validate_row(row, values, ctx)
            except RowFailed as failed:
                problem = failed.error
            else:
                problem = _repeated(parsed, seen, ctx)
                if problem is None:
                    valid.append(parsed)
        if problem is not None:
            errors.append(problem)
    valid, refused = _within_seats(valid, ctx.seats_left)
    errors.extend(refused)
    errors.sort(key=lambda e: (e.row, e.column))
    return RosterResult(
        rows=valid, errors=errors, data_rows=data_rows, warnings=row_warnings(valid)
    )


def row_warnings(rows: Iterable[RosterRow]) -> list[RowError]:
    """The warnings of rows that pass: each names its row, the column and what to check."""
    return [
        RowError(row.row, HEADERS["id_number"], "id_region_unknown", message, WARNING)
        for row in rows
        for message in row.warnings
    ]
