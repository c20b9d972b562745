"""The rooms spreadsheet (考场导入): one row per room of a district, read from .xlsx/.xls
(python-calamine) or .csv, and checked row by row. Pure: bytes and the district's known site
and room codes in, rooms and row-level errors out; the service stores them all or none."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from skillcert.applications.roster import cell_text
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import normalize
from skillcert.common.untrusted_files import (
    csv_rows,
    sheet_rows,
    spreadsheet_check,
    text_decode,
)
from skillcert.exams.models import DoorSide, RoomKind

# (key, header, required); the header is what the template and the error messages say.
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("site", "考点编号", True),
    ("code", "考场号", True),
    ("kind", "类型", True),
    ("rows", "行数", True),
    ("cols", "列数", True),
    ("door", "门的位置", False),
    ("accessible", "无障碍考场", False),
    ("location", "位置", False),
)
HEADERS = {key: header for key, header, _ in COLUMNS}
# English names as in `seating solve --rooms` files are accepted too.
ALIASES = {
    "site": "site",
    "room_id": "code",
    "code": "code",
    "kind": "kind",
    "rows": "rows",
    "cols": "cols",
    "door": "door",
    "accessible": "accessible",
    "location": "location",
}
KIND_NAMES = {
    "纸笔": RoomKind.PAPER,
    "纸笔考场": RoomKind.PAPER,
    "paper": RoomKind.PAPER,
    "机考": RoomKind.COMPUTER,
    "机考考场": RoomKind.COMPUTER,
    "computer": RoomKind.COMPUTER,
    "实操": RoomKind.PRACTICAL,
    "实操考场": RoomKind.PRACTICAL,
    "practical": RoomKind.PRACTICAL,
}
DOOR_NAMES = {
    "": DoorSide.FRONT_LEFT,
    "左": DoorSide.FRONT_LEFT,
    "前门在左": DoorSide.FRONT_LEFT,
    "front_left": DoorSide.FRONT_LEFT,
    "右": DoorSide.FRONT_RIGHT,
    "前门在右": DoorSide.FRONT_RIGHT,
    "front_right": DoorSide.FRONT_RIGHT,
}
YES = {"是", "y", "yes", "1", "true", "√"}
NO = {"", "否", "n", "no", "0", "false"}
MAX_SIDE = 50  # rows or columns in one room
MAX_ROWS = 2000  # rooms in one file


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line of the file
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"“{self.column}”" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class RoomRow:
    row: int
    site: str
    code: str
    kind: str
    rows: int
    cols: int
    door: str
    accessible: bool
    location: str


class RoomFileError(DomainError):
    """The file, or some of its rows, cannot be used; `errors` lists the rows."""

    def __init__(self, code: str, message: str, errors: Sequence[RowError] = ()) -> None:
        super().__init__(code, message, field="file")
        self.errors = list(errors)


def read_table(content: bytes, filename: str) -> list[list[Any]]:
    """The first sheet of a workbook, or a CSV file (UTF-8, or GB18030 as Excel saves it)."""
    try:
        if filename.lower().endswith(".csv"):
            return list(csv_rows(text_decode(content, what="CSV 文件"), what="CSV 文件"))
        spreadsheet_check(content, what="考场文件")
    except DomainError as exc:
        raise RoomFileError(exc.code, exc.message) from None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = workbook.sheet_names
        if not names:
            raise RoomFileError("rooms.no_sheet", "文件中没有工作表")
        sheet = workbook.get_sheet_by_name(names[0])
        return [list(r) for r in sheet_rows(sheet, what="考场文件")]
    except RoomFileError:
        raise
    except DomainError as exc:
        raise RoomFileError(exc.code, exc.message) from None
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise RoomFileError(
            "rooms.unreadable",
            f"无法读取文件（{type(exc).__name__}）：请上传 .xlsx、.xls 或 .csv 文件",
        ) from None


def _header(row: Sequence[Any]) -> dict[str, int]:
    by_header = {header: key for key, header, _ in COLUMNS}
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        text = cell_text(cell)
        key = by_header.get(text) or ALIASES.get(text.lower())
        if key is not None and key not in columns:
            columns[key] = index
    return columns


def _positive(value: Any, header: str, row: int) -> int | RowError:
    text = normalize(cell_text(value))
    if not text.isdigit() or not 1 <= int(text) <= MAX_SIDE:
        return RowError(
            row, header, "rooms.size", f"应为1到{MAX_SIDE}的整数（现为“{cell_text(value)}”）"
        )
    return int(text)


def _data_rows(
    table: Sequence[Sequence[Any]],
) -> tuple[dict[str, int], list[tuple[int, Sequence[Any]]]]:
    """The header's columns and the non-empty data rows (with their 1-based row numbers)."""
    header_index = next((i for i, r in enumerate(table) if any(cell_text(c) for c in r)), None)
    if header_index is None:
        raise RoomFileError("rooms.empty", "文件为空：未找到表头行")
    columns = _header(table[header_index])
    missing = [header for key, header, required in COLUMNS if required and key not in columns]
    if missing:
        raise RoomFileError(
            "rooms.header_missing",
            f"表头缺少必填列：{'、'.join(missing)}；请使用考场导入模板",
        )
    data = [(i + 1, r) for i, r in enumerate(table) if i > header_index]
    data = [(n, r) for n, r in data if any(cell_text(c) for c in r)]
    if not data:
        raise RoomFileError("rooms.no_rows", "文件中没有考场数据行")
    if len(data) > MAX_ROWS:
        raise RoomFileError(
            "rooms.too_many", f"一次最多导入{MAX_ROWS}个考场，本文件有{len(data)}行"
        )
    return columns, data


@dataclass
class _RowReader:
    """Reads one data row by column key and collects its errors."""

    number: int
    cells: Sequence[Any]
    columns: dict[str, int]
    errors: list[RowError]

    def cell(self, key: str) -> Any:
        index = self.columns.get(key)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, key: str) -> str:
        return cell_text(self.cell(key))

    def fail(self, key: str, code: str, message: str) -> None:
        self.errors.append(RowError(self.number, HEADERS[key], code, message))


def _check_place(
    row: _RowReader,
    site: str,
    code: str,
    *,
    site_codes: set[str],
    existing: set[tuple[str, str]],
    seen: dict[tuple[str, str], int],
    district_name: str,
) -> None:
    """The site exists in the district and the room is new (in the district and the file)."""
    if not site:
        row.fail("site", "rooms.site_required", "请填写")
    elif site not in site_codes:
        row.fail(
            "site", "rooms.site_unknown", f"{district_name}没有编号为“{site}”的考点，请先添加考点"
        )
    if not code:
        row.fail("code", "rooms.code_required", "请填写")
    elif len(code) > 10:
        row.fail("code", "rooms.code_long", "考场号不超过10个字符")
    elif (site, code) in existing:
        row.fail("code", "rooms.exists", f"考点{site}已有第{code}考场")
    elif (site, code) in seen:
        row.fail(
            "code", "rooms.duplicate", f"与第{seen[(site, code)]}行重复（考点{site}第{code}考场）"
        )


def _read_room(row: _RowReader, site: str, code: str) -> RoomRow | None:
    """The room's kind, size, door, access and location; None when any is wrong."""
    kind = KIND_NAMES.get(row.text("kind").lower())
    if kind is None:
        row.fail("kind", "rooms.kind", f"应为纸笔、机考或实操（现为“{row.text('kind')}”）")
    rows = _positive(row.cell("rows"), HEADERS["rows"], row.number)
    cols = _positive(row.cell("cols"), HEADERS["cols"], row.number)
    row.errors.extend(e for e in (rows, cols) if isinstance(e, RowError))
    door = DOOR_NAMES.get(row.text("door").lower())
    if door is None:
        row.fail("door", "rooms.door", f"应为“前门在左”或“前门在右”（现为“{row.text('door')}”）")
    accessible_text = row.text("accessible").lower()
    if accessible_text not in YES | NO:
        row.fail(
            "accessible", "rooms.accessible", f"应为“是”或“否”（现为“{row.text('accessible')}”）"
        )
    location = row.text("location")
    if len(location) > 100:
        row.fail("location", "rooms.location_long", "不超过100个字")
    if row.errors:
        return None
    assert kind is not None and door is not None
    assert isinstance(rows, int) and isinstance(cols, int)
    return RoomRow(row.number, site, code, kind, rows, cols, door, accessible_text in YES, location)


def parse_rooms(
    table: Sequence[Sequence[Any]],
    *,
    site_codes: set[str],
    existing: set[tuple[str, str]],
    district_name: str,
) -> tuple[list[RoomRow], list[RowError]]:
    """Check every row; return the rooms and the errors (any error means nothing is stored).
    `existing` holds the (site code, room code) pairs the district already has."""
    columns, data = _data_rows(table)
    rooms: list[RoomRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in data:
        row = _RowReader(number, cells, columns, [])
        site = normalize(row.text("site"))
        code = normalize(row.text("code"))
        _check_place(
            row,
            site,
            code,
            site_codes=site_codes,
            existing=existing,
            seen=seen,
            district_name=district_name,
        )
        room = _read_room(row, site, code)
        if site and code:
            seen.setdefault((site, code), number)
        if room is None:
            errors += row.errors
        else:
            rooms.append(room)
    return rooms, errors


TEMPLATE_HEADERS = [header for _, header, _ in COLUMNS]
TEMPLATE_EXAMPLE = ["01", "001", "纸笔", 5, 6, "前门在左", "否", "教学楼1层101"]
